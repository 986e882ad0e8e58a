import type { ModelInput, SourceFile } from '../worker/protocol.js';

/**
 * Share links: the scenario and its manifests (and the seed) in the URL's hash, never sent to a server.
 * `#run=z<base64url(deflate-raw(JSON))>` with CompressionStream, `#run=b<base64url(JSON)>` without it.
 * Decoding treats the link as untrusted input: size caps before and after inflating, and a strict
 * shape check; the model is then validated exactly like opened files.
 */
export const SHARE_LIMITS = {
  hashChars: 2_000_000,
  jsonChars: 8_000_000,
  files: 64,
  pathChars: 300,
} as const;

interface Payload {
  v: 1;
  scenario: SourceFile;
  manifests: SourceFile[];
  seed?: number;
}

export async function encodeShare(
  input: ModelInput,
  compress = typeof CompressionStream !== 'undefined',
): Promise<string> {
  const payload: Payload = {
    v: 1,
    scenario: input.scenario,
    manifests: input.manifests,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  if (!compress) return `b${toBase64Url(bytes)}`;
  const z = await pipe(bytes, new CompressionStream('deflate-raw'), Number.POSITIVE_INFINITY);
  return `z${toBase64Url(z)}`;
}

export type Decoded = { ok: true; input: ModelInput } | { ok: false; message: string };

export async function decodeShare(token: string): Promise<Decoded> {
  if (token.length > SHARE_LIMITS.hashChars) return { ok: false, message: 'The share link is too long.' };
  const kind = token[0];
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(token.slice(1));
  } catch {
    return { ok: false, message: 'The share link is damaged (not base64url).' };
  }
  try {
    if (kind === 'z') {
      if (typeof DecompressionStream === 'undefined')
        return {
          ok: false,
          message: 'This browser cannot open compressed share links (no DecompressionStream).',
        };
      bytes = await pipe(bytes, new DecompressionStream('deflate-raw'), SHARE_LIMITS.jsonChars);
    } else if (kind !== 'b') return { ok: false, message: 'The share link has an unknown format.' };
  } catch (e) {
    return {
      ok: false,
      message: e instanceof RangeError ? e.message : 'The share link is damaged (it does not inflate).',
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, message: 'The share link is damaged (not JSON).' };
  }
  return validatePayload(data);
}

/** Strict shape check of a decoded payload (pure). */
export function validatePayload(data: unknown): Decoded {
  const bad = (why: string): Decoded => ({
    ok: false,
    message: `The share link is not a meshsim model: ${why}.`,
  });
  if (typeof data !== 'object' || data === null) return bad('not an object');
  const d = data as Record<string, unknown>;
  if (d.v !== 1) return bad('unknown version');
  const file = (f: unknown): SourceFile | undefined => {
    if (typeof f !== 'object' || f === null) return undefined;
    const { file: p, text } = f as Record<string, unknown>;
    if (
      typeof p !== 'string' ||
      typeof text !== 'string' ||
      p.length === 0 ||
      p.length > SHARE_LIMITS.pathChars
    )
      return undefined;
    return { file: p, text };
  };
  const scenario = file(d.scenario);
  if (!scenario) return bad('no scenario file');
  if (!Array.isArray(d.manifests) || d.manifests.length > SHARE_LIMITS.files) return bad('bad manifest list');
  const manifests: SourceFile[] = [];
  for (const m of d.manifests) {
    const f = file(m);
    if (!f) return bad('a manifest entry is malformed');
    manifests.push(f);
  }
  if (d.seed !== undefined && !(Number.isSafeInteger(d.seed) && (d.seed as number) >= 0))
    return bad('bad seed');
  return {
    ok: true,
    input: { scenario, manifests, ...(d.seed !== undefined ? { seed: d.seed as number } : {}) },
  };
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  max: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  void writer.close().catch(() => {});
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel();
      throw new RangeError('The share link inflates to more than the browser accepts.');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
