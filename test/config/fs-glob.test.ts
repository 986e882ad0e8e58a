import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadManifestPaths } from '../../src/config/fs-loader.js';
import { compileGlob } from '../../src/config/glob.js';
import { loadScenarioFile } from '../../src/config/scenario/fs-load.js';

const matches = (pattern: string, path: string) => {
  const g = compileGlob(pattern);
  if (!g.ok) throw new Error(g.message);
  return g.matches(path);
};

describe('glob matching (no RegExp from user text)', () => {
  it.each([
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'dir/a.yaml', false],
    ['**/*.yaml', 'a.yaml', true],
    ['**/*.yaml', 'x/y/z/a.yaml', true],
    ['m/**/*.yaml', 'm/a.yaml', true],
    ['m/**/*.yaml', 'm/x/a.yaml', true],
    ['m/**/*.yaml', 'n/x/a.yaml', false],
    ['m/**', 'm/x/y', true],
    ['?.yaml', 'a.yaml', true],
    ['?.yaml', 'ab.yaml', false],
    ['[ab].yaml', 'b.yaml', true],
    ['[!ab].yaml', 'b.yaml', false],
    ['[!ab].yaml', 'c.yaml', true],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[]]x', ']x', true],
    ['*.{yaml,yml}', 'a.yml', true],
    ['*.{yaml,yml}', 'a.json', false],
    ['{a,b}/{c,d}.yaml', 'b/c.yaml', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.yaml', 'a.yaml', true],
    ['a.yaml', 'aXyaml', false],
  ])('%s ~ %s = %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });

  it('invalid character classes are positioned errors, not crashes', () => {
    expect(compileGlob('m/[z-a].yaml')).toEqual({
      ok: false,
      message: 'invalid range "z-a" in [...]: z comes after a',
      column: 4,
    });
    expect(compileGlob('m/[abc.yaml')).toMatchObject({ ok: false, column: 3 });
    expect(compileGlob('{a,b')).toMatchObject({ ok: false, message: 'unclosed "{" in glob' });
    expect(compileGlob('[a/b]')).toMatchObject({ ok: false });
    expect(compileGlob(`${'{a,b}'.repeat(11)}`)).toMatchObject({ ok: false });
  });

  it('24 stars in a row, and a long mismatching path, match in linear time', () => {
    const t0 = performance.now();
    expect(matches(`${'*'.repeat(24)}x`, 'a'.repeat(5000))).toBe(false);
    expect(matches(`${'*a'.repeat(24)}x`, 'a'.repeat(3000))).toBe(false);
    expect(matches(`${'**/'.repeat(24)}x`, 'a/'.repeat(500))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('files: only regular files, bounded', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshsim-fs-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    execFileSync('mkfifo', [join(dir, 'm', 'pipe.yaml')]);
    execFileSync('mkfifo', [join(dir, 'pipe.scenario.yaml')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a named pipe given as a manifest path is refused at once', async () => {
    const r = await loadManifestPaths([join(dir, 'm', 'pipe.yaml')]);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message.replace(dir, '<dir>')}`)).toEqual([
      'MSIM0007 cannot read <dir>/m/pipe.yaml: it is a named pipe (FIFO); only regular files are read',
    ]);
  });

  it('a directory or glob skips named pipes and reads the regular files', async () => {
    for (const p of [join(dir, 'm'), join(dir, 'm', '*.yaml')]) {
      const r = await loadManifestPaths([p]);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.config.namespaces.map((n) => n.meta.name)).toEqual(['a']);
    }
  });

  it('a named pipe given as the scenario file is refused at once', async () => {
    const r = await loadScenarioFile(join(dir, 'pipe.scenario.yaml'));
    expect(r.unreadable).toBe(true);
    expect(r.diagnostics[0]!.message).toContain('named pipe (FIFO)');
  });

  it('an invalid glob is a positioned MSIM0007', async () => {
    const r = await loadManifestPaths(['./m/[z-a].yaml']);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      './m/[z-a].yaml:1:6 error MSIM0007 invalid glob: invalid range "z-a" in [...]: z comes after a (at column 6)',
    ]);
  });
});
