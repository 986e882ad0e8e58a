import { describe, expect, it } from 'vitest';
import {
  decodeShare,
  encodeShare,
  fromBase64Url,
  SHARE_LIMITS,
  toBase64Url,
  validatePayload,
} from '../../web/src/share/codec.js';

const input = {
  scenario: { file: 'a.scenario.yaml', text: 'kind: Scenario # ünïcode ✓\n' },
  manifests: [{ file: 'm.yaml', text: 'kind: Service\n' }],
  seed: 11,
};

describe('share links', () => {
  it('round-trips a model compressed (CompressionStream) and plain', async () => {
    const z = await encodeShare(input, true);
    const b = await encodeShare(input, false);
    expect(z[0]).toBe('z');
    expect(b[0]).toBe('b');
    expect(z).toMatch(/^z[A-Za-z0-9_-]+$/);
    expect(await decodeShare(z)).toEqual({ ok: true, input });
    expect(await decodeShare(b)).toEqual({ ok: true, input });
  });

  it('refuses damaged, unknown and oversized links with a message', async () => {
    expect(await decodeShare('zAAAAxxxxxxxxxx')).toEqual({
      ok: false,
      message: 'The share link is damaged (it does not inflate).',
    });
    expect(await decodeShare('b%%%')).toEqual({
      ok: false,
      message: 'The share link is damaged (not base64url).',
    });
    expect(await decodeShare('q' + toBase64Url(new TextEncoder().encode('{}')))).toMatchObject({
      ok: false,
      message: 'The share link has an unknown format.',
    });
    expect(await decodeShare('b' + 'A'.repeat(SHARE_LIMITS.hashChars))).toEqual({
      ok: false,
      message: 'The share link is too long.',
    });
    // A deflate bomb: 9 M zeros compress to a few kB but inflate past the cap.
    const zeros = new TextEncoder().encode(`{"v":1,"pad":"${'0'.repeat(9_000_000)}"}`);
    const cs = new Blob([zeros]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const z = new Uint8Array(await new Response(cs).arrayBuffer());
    expect(z.length).toBeLessThan(SHARE_LIMITS.hashChars);
    expect(await decodeShare(`z${toBase64Url(z)}`)).toEqual({
      ok: false,
      message: 'The share link inflates to more than the browser accepts.',
    });
  });

  it('checks the payload shape strictly', () => {
    expect(validatePayload({ v: 2 })).toMatchObject({ ok: false });
    expect(validatePayload({ v: 1, scenario: { file: 'a', text: 1 }, manifests: [] })).toMatchObject({
      ok: false,
      message: expect.stringContaining('no scenario file'),
    });
    expect(
      validatePayload({ v: 1, scenario: { file: 'a', text: '' }, manifests: [{ file: '', text: '' }] }),
    ).toMatchObject({ ok: false });
    expect(
      validatePayload({ v: 1, scenario: { file: 'a', text: '' }, manifests: [], seed: -1 }),
    ).toMatchObject({ ok: false, message: expect.stringContaining('bad seed') });
    const many = Array.from({ length: SHARE_LIMITS.files + 1 }, (_, i) => ({ file: `f${i}`, text: '' }));
    expect(validatePayload({ v: 1, scenario: { file: 'a', text: '' }, manifests: many })).toMatchObject({
      ok: false,
    });
    expect(fromBase64Url(toBase64Url(new Uint8Array([0, 255, 62, 63])))).toEqual(
      new Uint8Array([0, 255, 62, 63]),
    );
  });
});
