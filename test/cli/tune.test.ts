import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-tune-'));
const OD = 'DestinationRule/shop/ratings:spec.trafficPolicy.outlierDetection';

function tuneFile(constraints: string): string {
  const f = join(dir, `t${constraints.length}.tune.yaml`);
  writeFileSync(
    f,
    `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: small}
spec:
  scenarios: [${resolve('models/outlier/one-bad-of-three.scenario.yaml')}]
  duration: 60s
  replications: 2
  parameters:
    - field: ${OD}.consecutive5xxErrors
      values: [2, 1000]
    - field: ${OD}.maxEjectionPercent
      values: [20, 100]
  objective: {maximize: success_rate(productpage)}
  constraints: [${constraints}]
`,
  );
  return f;
}

describe('meshsim tune', () => {
  it('ranks settings that eject the bad pod first and prints the DestinationRule to apply', async () => {
    const r = await cli('tune', tuneFile('"ejected_healthy() <= 0.01"'), '-f', 'json', '-w', '2');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ spaceSize: 4, candidates: 4, strategy: 'successive-halving' });
    const best = rep.ranking[0];
    // One bad pod of three: 33 % of the pool, so maxEjectionPercent 20 forbids the ejection.
    expect(best.values).toEqual([2, 100]);
    expect(best.feasible).toBe(true);
    const never = rep.ranking.find((c: { values: number[] }) => c.values[0] === 1000);
    expect(best.objective).toBeGreaterThan(never.objective);
    const docs = parseAllDocuments(rep.recommended.patch).map((d) => d.toJS());
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      kind: 'DestinationRule',
      metadata: { name: 'ratings', namespace: 'shop' },
      spec: { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 2, maxEjectionPercent: 100 } } },
    });
  });

  it('exits 3 (a gate failed) when no setting meets the constraints, and says so', async () => {
    const r = await cli('tune', tuneFile('"p99(productpage) < 1ms"'), '-w', '1');
    expect(r.code).toBe(3);
    expect(r.out).toContain('No candidate meets every constraint; the closest (rank 1) would be:');
    expect(r.out).toMatch(
      /search: successive-halving, 4 candidates of a 4-point space, \d+ simulations \(a full grid would take 8\)/,
    );
  });

  it('the default background of healthy pods makes a hair trigger infeasible; without it, it ranks first', async () => {
    const file = (background: string) => {
      const f = join(dir, `hair-${background === '' ? 'default' : 'none'}.tune.yaml`);
      writeFileSync(
        f,
        `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: hair-trigger}
spec:
  scenarios: [${resolve('models/outlier/one-bad-of-five.scenario.yaml')}]
  duration: 60s
  replications: 2
  parameters:
    - field: ${OD}.consecutive5xxErrors
      values: [1, 2, 5]
    - field: ${OD}.maxEjectionPercent
      values: [100]
  objective: {maximize: success_rate(productpage)}
  constraints: ["ejected_healthy() <= 0.01"]
${background}`,
      );
      return f;
    };
    const withBg = await cli('tune', file(''), '-f', 'json', '-w', '2');
    expect(withBg.code).toBe(0);
    const rep = JSON.parse(withBg.out);
    expect(rep.background).toEqual({
      errors: { status: 503, rate: 0.001 },
      slow: { rate: 0.001, latencyMs: 1000 },
    });
    const hair = rep.ranking.find((c: { values: number[] }) => c.values[0] === 1);
    // One 503 in a thousand is enough: every healthy pod gets ejected at least once.
    expect(hair).toMatchObject({ feasible: false, constraints: [{ passed: false, value: 1 }] });
    expect(rep.ranking.at(-1).values[0]).toBe(1);
    expect(rep.ranking[0].values[0]).not.toBe(1);
    expect(rep.why).toMatch(/^both meet every constraint; rank 1 has the higher success_rate\(productpage\)/);
    // The model the issue described: healthy pods never fail, a hair trigger costs nothing and wins.
    const none = await cli('tune', file('  background: none\n'), '-f', 'json', '-w', '2');
    const bare = JSON.parse(none.out);
    expect(bare.background).toBeNull();
    expect(bare.ranking[0]).toMatchObject({ values: [1, 100], feasible: true });
  });

  it('text output says why rank 1 won and names the background', async () => {
    const r = await cli('tune', tuneFile('"ejected_healthy() <= 0.01"'), '-w', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'background of healthy pods: 0.1 % 503s, 0.1 % of responses 1000 ms (spec.background)\n',
    );
    expect(r.out).toMatch(/^Why rank 1: .+\.$/m);
    // One bad pod of three draws a warning (MSIM1010 in three-pods.yaml) at the top of the report.
    expect(r.out.split('\n')[0]).toMatch(/^\S*three-pods\.yaml:36:7 warning MSIM1010 /);
  });
});
