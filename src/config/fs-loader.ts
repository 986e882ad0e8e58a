/**
 * Reads manifests from files, directories (recursive: *.yaml, *.yml, *.json), globs and '-' (stdin),
 * then runs `loadManifests`. Node only: not re-exported from config/index.ts, so the web app never
 * imports node:fs. Unreadable paths are MSIM0007 diagnostics (the CLI exits 2 on them).
 */
import type { IstioProfile } from './istio-version.js';
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { severityOf } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { compileGlob, globBase, hasGlobChars } from './glob.js';
import { formatCount, LIMITS } from './limits.js';
import { loadManifests, type ManifestInput } from './load.js';
import type { MeshConfig } from './types.js';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);

export interface LoadPathsOptions {
  /** Reads standard input for '-' (the CLI passes its io; default: process.stdin). */
  readStdin?: () => Promise<string>;
  /** The Istio version the manifests are resolved for (default: the newest line). */
  istio?: IstioProfile;
}

function unreadable(file: string, message: string, line = 0, column = 0): Diagnostic {
  return { severity: severityOf('MSIM0007'), code: 'MSIM0007', message, file, line, column };
}

function tooLarge(file: string, bytes: number): Diagnostic {
  return {
    severity: severityOf('MSIM0002'),
    code: 'MSIM0002',
    message: `file is ${(bytes / 1048576).toFixed(1)} MiB; the limit is ${LIMITS.maxFileBytes / 1048576} MiB`,
    file,
    line: 0,
    column: 0,
  };
}

/** What a path is when it is not a regular file or a directory (a FIFO would block a read forever). */
function kindOf(s: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

async function walk(dir: string, out: string[], seen: Set<string>, depth: number): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real) || depth > 32 || out.length > LIMITS.maxFiles) return; // symlink loops, huge trees
  seen.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(dir, e.name);
    const s = await stat(p).catch(() => undefined);
    if (s?.isDirectory()) await walk(p, out, seen, depth + 1);
    else if (s?.isFile() && MANIFEST_EXT.test(e.name)) out.push(p);
  }
}

async function expand(path: string, diagnostics: Diagnostic[]): Promise<string[]> {
  if (hasGlobChars(path)) {
    const stripped = path.replace(/^\.\//, '');
    const glob = compileGlob(stripped);
    if (!glob.ok) {
      // Positioned inside the pattern: line 1, the column of the offending character.
      const column = glob.column + (path.length - stripped.length);
      diagnostics.push(unreadable(path, `invalid glob: ${glob.message} (at column ${column})`, 1, column));
      return [];
    }
    const base = globBase(path);
    const files: string[] = [];
    try {
      await walk(base, files, new Set(), 0);
    } catch {
      // Reported below as "no match".
    }
    const matched = files.filter((f) => glob.matches(f.replace(/^\.\//, '')));
    if (matched.length === 0) diagnostics.push(unreadable(path, `no file matches ${path}`));
    return tooMany(path, matched, diagnostics);
  }
  const s = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error) {
    diagnostics.push(
      unreadable(
        path,
        s.code === 'ENOENT' ? `no such file or directory: ${path}` : `cannot read ${path}: ${s.message}`,
      ),
    );
    return [];
  }
  if (s.isDirectory()) {
    const files: string[] = [];
    try {
      await walk(path, files, new Set(), 0);
    } catch (e) {
      diagnostics.push(unreadable(path, `cannot read directory ${path}: ${(e as Error).message}`));
    }
    if (files.length === 0)
      diagnostics.push(unreadable(path, `no *.yaml, *.yml or *.json files under ${path}`));
    return tooMany(path, files, diagnostics);
  }
  if (!s.isFile()) {
    diagnostics.push(
      unreadable(path, `cannot read ${path}: it is ${kindOf(s)}; only regular files are read`),
    );
    return [];
  }
  return [path];
}

function tooMany(path: string, files: string[], diagnostics: Diagnostic[]): string[] {
  if (files.length <= LIMITS.maxFiles) return files;
  diagnostics.push(
    unreadable(
      path,
      `${path} names more than ${formatCount(LIMITS.maxFiles)} files; meshsim's limit is ${formatCount(LIMITS.maxFiles)} files per run`,
    ),
  );
  return [];
}

export async function loadManifestPaths(
  paths: string[],
  opts: LoadPathsOptions = {},
): Promise<{ config: MeshConfig; diagnostics: Diagnostic[]; files: string[] }> {
  const diagnostics: Diagnostic[] = [];
  const inputs: ManifestInput[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === '-') {
      try {
        const text = await (opts.readStdin ?? readProcessStdin)();
        inputs.push({ file: '<stdin>', text });
        files.push('<stdin>');
      } catch (e) {
        diagnostics.push(unreadable('<stdin>', `cannot read standard input: ${(e as Error).message}`));
      }
      continue;
    }
    for (const file of await expand(p, diagnostics)) {
      // Paths inside the working directory are shown relative to it, others as given.
      const rel = relative(process.cwd(), file);
      const display = rel === '' || rel.startsWith('..') ? file : rel;
      const key = await realpath(file).catch(() => file);
      if (seen.has(key)) continue;
      seen.add(key);
      const text = await readManifestFile(file, display, diagnostics);
      if (text === undefined) continue;
      inputs.push({ file: display, text });
      files.push(display);
    }
  }
  const loaded = loadManifests(inputs, opts.istio ? { istio: opts.istio } : {});
  return { config: loaded.config, diagnostics: [...diagnostics, ...loaded.diagnostics], files };
}

/**
 * Reads one file that must be a regular file of at most LIMITS.maxFileBytes. It is opened without
 * blocking (O_NONBLOCK: a FIFO that appeared after the walk cannot hang the open) and checked with
 * fstat on the open handle, so what is read is what was checked.
 */
async function readManifestFile(
  file: string,
  display: string,
  diagnostics: Diagnostic[],
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const s = await handle.stat();
    if (!s.isFile()) {
      diagnostics.push(
        unreadable(display, `cannot read ${display}: it is ${kindOf(s)}; only regular files are read`),
      );
      return undefined;
    }
    // Refuse huge files before reading them (the parser refuses them too, MSIM0002).
    if (s.size > LIMITS.maxFileBytes) {
      diagnostics.push(tooLarge(display, s.size));
      return undefined;
    }
    return await handle.readFile('utf8');
  } catch (e) {
    diagnostics.push(unreadable(display, `cannot read ${display}: ${(e as Error).message}`));
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * One input file as text, or the diagnostics that refuse it (not a regular file, too large,
 * unreadable): the scenario loader reads its file through this too.
 */
export async function readInputFile(
  file: string,
  display: string = file,
): Promise<{ text: string | undefined; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const text = await readManifestFile(file, display, diagnostics);
  return { text, diagnostics };
}

/** Standard input, refused past LIMITS.maxFileBytes instead of buffered without bound. */
async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of process.stdin) {
    bytes += (c as Buffer).length;
    if (bytes > LIMITS.maxFileBytes)
      throw new Error(`more than ${LIMITS.maxFileBytes / 1048576} MiB on standard input`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
