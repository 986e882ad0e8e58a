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
});
