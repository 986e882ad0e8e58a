import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function run(args: string[], stdin?: string) {
  let out = '';
  let err = '';
  const io = {
    stdout: (t: string) => void (out += t),
    stderr: (t: string) => void (err += t),
    isTty: false,
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  };
  const code = await main(['node', 'meshsim', ...args], io);
  return { code, out, err, lines: out.split('\n').filter((l) => l !== '') };
}

describe('meshsim validate', () => {
  it('exits 0 on the recipe, one line per diagnostic, summary on stderr', async () => {
    const r = await run(['validate', 'models/recipe']);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(
      /^models\/recipe\/step07-circuit-breaker\.yaml:20:26 warning IST0002 Deprecated: .* \(DestinationRule production\/circuit-breaker, spec\.trafficPolicy\.outlierDetection\.consecutiveErrors\)$/,
    );
    // Each scenario file in the directory is checked with the manifests it names, as its own mesh; a
    // resource defined in two files counts twice (37 when every file was one mesh).
    expect(r.err).toBe(
      'assuming Istio 1.31 (Envoy 1.39)\n' +
        '21 files (10 scenarios and the manifests they name), 41 resources loaded: 0 errors, 1 warning, 1 info\n',
    );
  });

  it('--strict turns warnings into exit 1', async () => {
    expect((await run(['validate', '--strict', 'models/recipe'])).code).toBe(1);
  });

  it('exits 1 on errors', async () => {
    const r = await run(['validate', 'test/fixtures/config/broken/step08-timeouts-retries.yaml']);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(
      'test/fixtures/config/broken/step08-timeouts-retries.yaml:18:22 error IST0106 duration "500us" must be at least 1ms (VirtualService production/advanced-retry, spec.http[0].retries.perTryTimeout)',
    );
  });

  it('--format json gives the documented fields', async () => {
    const r = await run(['validate', '--format', 'json', 'models/recipe/step07-circuit-breaker.yaml']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.map((d: Record<string, unknown>) => d.code)).toEqual(['IST0174', 'IST0002']);
    expect(Object.keys(json[0])).toEqual([
      'file',
      'line',
      'column',
      'severity',
      'code',
      'message',
      'kind',
      'namespace',
      'name',
      'path',
    ]);
    expect(json[1]).toMatchObject({
      file: 'models/recipe/step07-circuit-breaker.yaml',
      line: 20,
      column: 26,
      severity: 'warning',
      kind: 'DestinationRule',
      namespace: 'production',
      name: 'circuit-breaker',
    });
  });

  it('exits 2 for missing paths, unmatched globs and bad flags', async () => {
    const missing = await run(['validate', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.lines).toEqual(['no/such/dir error MSIM0007 no such file or directory: no/such/dir']);
    expect((await run(['validate', 'models/**/*.nope'])).code).toBe(2);
    expect((await run(['validate', '--format', 'xml', 'models/recipe'])).code).toBe(2);
    expect((await run(['validate'])).code).toBe(2);
  });

  it('reads globs and stdin', async () => {
    const g = await run(['validate', 'models/recipe/step0[23]-{product-service,traffic-split}.y*ml']);
    expect(g.code).toBe(0);
    expect(g.err).toContain('2 files');
    const s = await run(
      ['validate', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80, name: http}]}\n',
    );
    expect(s.code).toBe(0);
    const bad = await run(
      ['validate', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 0}]}\n',
    );
    expect(bad.lines).toEqual([
      '<stdin>:4:23 error MSIM0100 0 is out of range: must be between 1 and 65535 (Service default/a, spec.ports[0].port)',
    ]);
    expect(bad.code).toBe(1);
  });

  it('bad files end in positioned diagnostics and exit 1, never a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-'));
    writeFileSync(join(dir, 'empty.yaml'), '');
    writeFileSync(join(dir, 'junk.yaml'), Buffer.from([0, 159, 146, 150, 0, 1]));
    writeFileSync(join(dir, 'bad.yml'), 'apiVersion: v1\nkind: [\n');
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => l.replace(dir, 'DIR').split(' ').slice(0, 3).join(' '))).toEqual([
      'DIR/bad.yml:3:1 error MSIM0001',
      'DIR/empty.yaml warning MSIM0008',
      'DIR/junk.yaml error MSIM0003',
    ]);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
