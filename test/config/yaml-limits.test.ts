import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/config/index.js';
import { LIMITS } from '../../src/config/limits.js';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
const load = (text: string, file = 'x.yaml') =>
  loadManifests([{ file, text }]).diagnostics.map(formatDiagnostic);

describe('YAML on hostile input: bounded, linear, positioned', () => {
  it('an alias inside its own anchor is refused at the alias (no stack overflow)', () => {
    expect(load('apiVersion: v1\nkind: Namespace\nmetadata: &m {name: a, labels: *m}\n')).toEqual([
      'x.yaml:3:32 error MSIM0006 alias *m is inside its own anchor &m: the value would contain itself',
    ]);
    expect(load('a: &x [b, [c, *x]]\n')).toEqual([
      'x.yaml:1:15 error MSIM0006 alias *x is inside its own anchor &x: the value would contain itself',
    ]);
  });

  it('an alias after its anchor is fine (and a re-defined anchor is the later one)', () => {
    expect(
      load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: &l {x: z}\n  annotations: *l\n'),
    ).toEqual([]);
    expect(load('a: &x [1]\nb: &x [*x]\n')).toEqual([
      'x.yaml:2:8 error MSIM0006 alias *x is inside its own anchor &x: the value would contain itself',
    ]);
  });

  it('a collection used as a key is a positioned error, and Node prints nothing', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(load(`${ns}? [a, b]\n: 1\n`)).toEqual([
        'x.yaml:4:3 error MSIM0014 a list is used as a key: Kubernetes and Istio keys are strings',
      ]);
      expect(load(`${ns}{a: 1}: 2\n`)).toEqual([
        'x.yaml:4:1 error MSIM0014 a mapping is used as a key: Kubernetes and Istio keys are strings',
      ]);
      // process.emitWarning delivers on a later tick: wait for it before looking.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('duplicate keys: found with a Set, positioned at the repeat; 1 and "1" differ, yes and true do not', () => {
    expect(load('apiVersion: v1\nkind: Namespace\nkind: Service\n')).toEqual([
      'x.yaml:3:1 error MSIM0001 YAML syntax error: Map keys must be unique ("kind" is repeated)',
    ]);
    expect(load('a: {1: x, "1": y}\n').filter((l) => l.includes('unique'))).toEqual([]);
    expect(load('a: {yes: x, true: y}\n').filter((l) => l.includes('unique'))).toHaveLength(1);
    expect(load('a: &b {x: 1}\nc: {<<: *b, <<: *b}\n').filter((l) => l.includes('unique'))).toEqual([]);
  });

  it(`keys per mapping: ${LIMITS.maxYamlKeys} pass, one more is refused, 50,000 in well under a second or two`, () => {
    const map = (n: number) => {
      let t = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n';
      for (let i = 0; i < n; i++) t += `    k${i}: v\n`;
      return t;
    };
    expect(load(map(LIMITS.maxYamlKeys)).filter((l) => l.includes('MSIM0015'))).toEqual([]);
    expect(load(map(LIMITS.maxYamlKeys + 1))).toEqual([
      "x.yaml:6:5 error MSIM0015 mapping has 10,001 keys; meshsim's limit is 10,000 keys per mapping",
    ]);
    const t0 = performance.now();
    expect(load(map(50_000))[0]).toContain('mapping has 50,000 keys');
    expect(performance.now() - t0).toBeLessThan(8000);
  });

  it('nodes per file: counted on the tokens before any node is built (1.5 M scalars in 3 MB)', () => {
    const t0 = performance.now();
    const before = process.memoryUsage().heapUsed;
    const e = load(`${ns}x: [${'1,'.repeat(1_500_000)}1]\n`);
    expect(e).toEqual([
      "x.yaml:4:399985 error MSIM0015 file has more than 200,000 YAML nodes (scalars, collections, aliases); meshsim's limit is 200,000 per file: split it",
    ]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(300 * 1024 * 1024);
  });

  it('just under the node limit still parses', () => {
    const n = LIMITS.maxYamlNodes - 20;
    const e = load(`${ns}x: [${'1,'.repeat(n - 1)}1]\n`);
    expect(e.filter((l) => l.includes('MSIM0015'))).toEqual([]);
  });
});
