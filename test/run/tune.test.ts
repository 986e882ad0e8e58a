import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/config/scenario/resolve.js';
import { parseYamlDocuments } from '../../src/config/yaml-source.js';
import { Constant, LogNormal } from '../../src/engine/index.js';
import { candidatePoints, parseFieldAddress, rungSchedule, successiveHalving } from '../../src/run/index.js';
import type { CandidateResult, FieldAddress, ParameterSpec } from '../../src/run/index.js';
import { aggressiveness, knobAggressiveness } from '../../src/run/study/aggressiveness.js';
import { DEFAULT_BACKGROUND, WithSlowTail, withBackground } from '../../src/run/study/background.js';
import { parseSweepSpec, parseTuneSpec } from '../../src/run/study/spec.js';
import { explainRanking } from '../../src/run/study/tune-explain.js';

const addr = (p: string) => parseFieldAddress(`DestinationRule/ns/dr:${p}`) as FieldAddress;

describe('successive halving', () => {
  it('schedules replications 1, eta, eta^2 ... capped at R', () => {
    expect(rungSchedule(9, 3)).toEqual([1, 3, 9]);
    expect(rungSchedule(5, 3)).toEqual([1, 3, 5]);
    expect(rungSchedule(1, 3)).toEqual([1]);
  });

  it('samples distinct candidates when the space is larger than the budget, the grid otherwise', () => {
    const params: ParameterSpec[] = [
      { address: addr('a'), range: { min: 1, max: 10, steps: 10, integer: true } },
      { address: addr('b'), values: ['1s', '5s'] },
    ];
    const small = candidatePoints(params, 50, 1);
    expect(small.gridSize).toBe(20);
    expect(small.points).toHaveLength(20);
    const big = candidatePoints(params, 8, 1);
    expect(big.points).toHaveLength(8);
    expect(new Set(big.points.map((p) => JSON.stringify(p))).size).toBe(8);
    expect(candidatePoints(params, 8, 1).points).toEqual(big.points);
  });

  it('finds the best feasible setting with far fewer simulations than a grid, on common seeds', async () => {
    // success = 1 - |a - 7| / 100 plus seeded noise per replication; p99 = 10 * a: constraint p99 < 65ms
    // makes a >= 7 infeasible, so the best feasible setting is a = 6.
    const points = Array.from({ length: 27 }, (_, i) => [i % 9, i]);
    const seenSeeds = new Map<number, Set<number>>();
    const r = await successiveHalving({
      points,
      scenarios: 2,
      maxReplications: 9,
      eta: 3,
      objective: { sense: 'maximize', metric: 'success_rate(c)' },
      constraints: ['p99(c) < 65ms'],
      evaluate: async (cands, from, to) =>
        cands.map((c) =>
          [0, 1].map((s) => {
            const a = points[c]![0]!;
            const reps = Array.from({ length: to - from }, (_, k) => from + k);
            for (const rep of reps) {
              if (!seenSeeds.has(rep)) seenSeeds.set(rep, new Set());
              seenSeeds.get(rep)!.add(c);
            }
            return {
              'success_rate(c)': reps.map(
                (rep) => 1 - Math.abs(a - 7) / 100 - s * 0.001 + ((rep * 7) % 5) * 1e-4,
              ),
              'p99(c)': reps.map(() => 10 * a),
            };
          }),
        ),
    });
    // 27 x 1 + 9 x 2 + 3 x 6 replications, in 2 scenarios.
    expect(r.simulations).toBe((27 + 18 + 18) * 2);
    const best = r.ranking[0]!;
    expect(points[best.index]![0]).toBe(6);
    expect(best).toMatchObject({ feasible: true, replications: 9, rung: 2 });
    // Worst case over scenarios: scenario 1 is 0.001 lower.
    expect(best.objective).toBeCloseTo(
      1 - 1 / 100 - 0.001 + ((0 + 2 + 4 + 1 + 3 + 0 + 2 + 4 + 1) * 1e-4) / 9,
      6,
    );
    const infeasible = r.ranking.find((c) => !c.feasible && c.rung === 2);
    expect(infeasible).toBeUndefined();
    expect(r.ranking.filter((c) => c.rung === 2)).toHaveLength(3);
    expect(r.ranking.at(-1)!.feasible).toBe(false);
    expect(r.ranking.find((c) => points[c.index]![0] === 7)!.constraints[0]).toEqual({
      assertion: 'p99(c) < 65ms',
      value: 70,
      passed: false,
    });
  });
});

const OD = (knob: string) => addr(`spec.trafficPolicy.outlierDetection.${knob}`);

describe('aggressiveness: ties break toward the gentler setting', () => {
  const c5xx: ParameterSpec = {
    address: OD('consecutive5xxErrors'),
    range: { min: 1, max: 10, integer: true },
  };
  const interval: ParameterSpec = { address: OD('interval'), values: ['1s', '2s', '5s', '10s'] };
  const maxEj: ParameterSpec = { address: OD('maxEjectionPercent'), values: [10, 34, 50, 100] };
  const other: ParameterSpec = { address: addr('spec.host'), values: ['a', 'b'] };

  it('scores each knob 0 (gentlest) to 1 by its direction; unknown knobs have none', () => {
    expect(knobAggressiveness(c5xx, 1)).toBe(1);
    expect(knobAggressiveness(c5xx, 10)).toBe(0);
    expect(knobAggressiveness(c5xx, 4)).toBeCloseTo(2 / 3, 12);
    expect(knobAggressiveness(interval, '1s')).toBe(1);
    expect(knobAggressiveness(interval, '10s')).toBe(0);
    expect(knobAggressiveness(maxEj, 100)).toBe(1);
    expect(knobAggressiveness(maxEj, 10)).toBe(0);
    expect(knobAggressiveness(other, 'a')).toBeUndefined();
    expect(aggressiveness([c5xx, interval, maxEj, other], [1, '1s', 100, 'a'])).toBe(3);
    expect(aggressiveness([c5xx, interval, maxEj, other], [10, '10s', 10, 'b'])).toBe(0);
  });

  it('an exact tie on the objective ranks the less aggressive candidate first, whatever its index', async () => {
    const params = [c5xx, maxEj];
    const points = [
      [1, 100],
      [5, 50],
      [10, 10],
      [5, 100],
    ];
    const r = await successiveHalving({
      points,
      scenarios: 1,
      maxReplications: 2,
      eta: 2,
      objective: { sense: 'maximize', metric: 'success_rate(c)' },
      constraints: [],
      aggressiveness: points.map((p) => aggressiveness(params, p)),
      // Every candidate gets the same figures: only the tie-break can order them.
      evaluate: async (cands, from, to) =>
        cands.map(() => [{ 'success_rate(c)': Array.from({ length: to - from }, () => 0.99) }]),
    });
    const atTop = r.ranking.filter((c) => c.rung === r.ranking[0]!.rung).map((c) => c.values);
    expect(atTop).toEqual([
      [10, 10],
      [5, 50],
    ]);
    expect(r.ranking.map((c) => c.values)).toEqual([
      [10, 10],
      [5, 50],
      [5, 100],
      [1, 100],
    ]);
    const why = explainRanking(r.ranking, { sense: 'maximize', metric: 'success_rate(c)' }, params);
    expect(why.why).toBe(
      'rank 1 and rank 2 tie on success_rate(c) (0.9900); rank 1 is the less aggressive setting (consecutive5xxErrors 10, maxEjectionPercent 10 vs consecutive5xxErrors 5, maxEjectionPercent 50)',
    );
  });

  it('a difference just above the 6-digit tie resolution is not a tie: the better objective wins', async () => {
    const points = [
      [1, 100],
      [10, 10],
    ];
    const params = [c5xx, maxEj];
    const r = await successiveHalving({
      points,
      scenarios: 1,
      maxReplications: 1,
      eta: 2,
      objective: { sense: 'maximize', metric: 'm' },
      constraints: [],
      aggressiveness: points.map((p) => aggressiveness(params, p)),
      evaluate: async (cands) => cands.map((c) => [{ m: [c === 0 ? 0.990001 : 0.99] }]),
    });
    expect(r.ranking[0]!.values).toEqual([1, 100]);
    // Below it (0.9900001 rounds to 0.99): a tie, the gentler setting first.
    const tie = await successiveHalving({
      points,
      scenarios: 1,
      maxReplications: 1,
      eta: 2,
      objective: { sense: 'maximize', metric: 'm' },
      constraints: [],
      aggressiveness: points.map((p) => aggressiveness(params, p)),
      evaluate: async (cands) => cands.map((c) => [{ m: [c === 0 ? 0.9900001 : 0.99] }]),
    });
    expect(tie.ranking[0]!.values).toEqual([10, 10]);
  });
});

describe('explainRanking', () => {
  const cand = (over: Partial<CandidateResult>): CandidateResult => ({
    index: 0,
    values: [5],
    replications: 3,
    rung: 1,
    objective: 0.99,
    objectiveCi95: 0.001,
    feasible: true,
    violation: 0,
    constraints: [],
    aggressiveness: 0.5,
    ...over,
  });
  const params: ParameterSpec[] = [{ address: OD('consecutive5xxErrors'), values: [1, 5, 9] }];
  const objective = { sense: 'maximize' as const, metric: 'success_rate(c)' };

  it('warns when the 95 % CIs overlap, at the edge and not beyond it', () => {
    // |0.99 - 0.988| = 0.002 = 0.001 + 0.001: touching intervals overlap.
    const touching = explainRanking(
      [cand({}), cand({ index: 1, values: [9], objective: 0.988, aggressiveness: 0 })],
      objective,
      params,
    );
    expect(touching.indistinguishable).toEqual([2]);
    expect(touching.warnings).toEqual([
      'the objective cannot tell rank 1 (0.9900 ±0.001000) from rank 2 (0.9880 ±0.001000): their 95 % confidence intervals overlap, so their order may be noise; more replications would separate them, and the least aggressive of them is rank 2 (consecutive5xxErrors 9)',
    ]);
    expect(touching.why).toBe(
      'both meet every constraint; rank 1 has the higher success_rate(c): 0.9900 ±0.001000 vs 0.9880 ±0.001000 for rank 2',
    );
    const apart = explainRanking([cand({}), cand({ index: 1, objective: 0.9879 })], objective, params);
    expect(apart.indistinguishable).toEqual([]);
    expect(apart.warnings).toEqual([]);
  });

  it('names the constraint rank 2 misses, and ignores candidates of another rung or feasibility', () => {
    const e = explainRanking(
      [
        cand({}),
        cand({
          index: 1,
          feasible: false,
          violation: 0.5,
          constraints: [{ assertion: 'ejected_healthy() <= 0.01', value: 0.5, passed: false }],
        }),
        cand({ index: 2, rung: 0, objective: 0.99 }),
      ],
      objective,
      params,
    );
    expect(e.why).toBe(
      'rank 1 meets every constraint and rank 2 does not: it misses ejected_healthy() <= 0.01 (0.5000); rank 1 has success_rate(c) 0.9900 ±0.001000',
    );
    expect(e.indistinguishable).toEqual([]);
  });
});

describe('background of healthy pods', () => {
  it('a slow tail: the base quantile rescaled below 1 - rate, the slow latency above, one draw each', () => {
    const base = new LogNormal(Math.log(20), 0.5);
    const d = new WithSlowTail(base, 0.001, 1000);
    expect(d.quantile(0)).toBe(base.quantile(0));
    expect(d.quantile(0.4995)).toBeCloseTo(base.quantile(0.5), 9);
    expect(d.quantile(0.998999)).toBeLessThan(1000);
    expect(d.quantile(0.999)).toBe(1000);
    expect(d.quantile(0.9999)).toBe(1000);
    expect(d.mean).toBeCloseTo(0.999 * base.mean + 1, 9);
    expect(new WithSlowTail(new Constant(5), 0.5, 100).mean).toBe(52.5);
  });

  it('applies to workloads that inject no errors; one with its own errors keeps them', () => {
    const text = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: bg}
spec:
  duration: 10s
  workloads:
    ns/healthy: {latency: 10ms}
    ns/flaky: {latency: 10ms, errors: [{status: 500, rate: 0.2}]}
  traffic: [{name: c, namespace: ns, rate: 1/s, requests: [{url: "http://x/"}]}]
`;
    const s = parseScenario(parseYamlDocuments(text, 's.yaml').documents[0]!).scenario!;
    const b = withBackground(s, DEFAULT_BACKGROUND);
    expect(b.workloads.get('ns/healthy')!.errors).toEqual([{ status: 503, rate: 0.001 }]);
    expect(b.workloads.get('ns/healthy')!.latency.quantile(0.9995)).toBe(1000);
    expect(b.workloads.get('ns/flaky')).toBe(s.workloads.get('ns/flaky'));
    expect(b.defaultBehaviour.errors).toEqual([{ status: 503, rate: 0.001 }]);
    // The scenario itself is not changed.
    expect(s.workloads.get('ns/healthy')!.errors).toEqual([]);
  });

  it('spec.background overrides the default, `none` turns it off, and rates are bounded', () => {
    const spec = (bg: string) =>
      parseTuneSpec(
        `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: t}
spec:
  scenarios: [s.yaml]
  parameters: [{field: "DestinationRule/a:spec.x", values: [1]}]
  objective: {maximize: "success_rate(c)"}
${bg}`,
        't.yaml',
      );
    expect(spec('').spec!.background).toEqual(DEFAULT_BACKGROUND);
    expect(spec('  background: none\n').spec!.background).toBeNull();
    expect(
      spec('  background: {errors: {rate: 0.005}, slow: {rate: 0.01, latency: 2s}}\n').spec!.background,
    ).toEqual({
      errors: { status: 503, rate: 0.005 },
      slow: { rate: 0.01, latencyMs: 2000 },
    });
    // Above 1 % a pod no longer counts as healthy (ejected_healthy()): refused, positioned.
    const high = spec('  background: {errors: {rate: 0.011}}\n');
    expect(high.spec).toBeUndefined();
    expect(high.diagnostics[0]).toMatchObject({ code: 'MSIM3001', file: 't.yaml', line: 8 });
    expect(spec('  background: {errors: {rate: 0.01}}\n').spec!.background!.errors.rate).toBe(0.01);
  });
});

describe('study durations follow the scenario rules (Go grammar, a unit, at most 24h)', () => {
  const sweep = (duration: string) =>
    parseSweepSpec(
      `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: s}
spec:
  scenario: s.yaml
  duration: ${duration}
  parameters: [{field: "DestinationRule/a:spec.x", values: [1]}]
  metrics: ["success_rate(c)"]
`,
      's.yaml',
    );
  it('a bare number is refused at its position with a hint; 24h passes, 24h0m0.001s does not', () => {
    const bare = sweep('60');
    expect(bare.spec).toBeUndefined();
    expect(bare.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '6:13 a duration needs a unit: 60s? (write "60s" or "60ms"; a bare number is refused)',
    ]);
    expect(sweep('24h').spec?.durationMs).toBe(86_400_000);
    expect(sweep('24h0m0.001s').diagnostics[0]!.message).toMatch(/above meshsim's limit of 24h/);
    expect(sweep('"1s "').diagnostics).toHaveLength(1);
  });
});
