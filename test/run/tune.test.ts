import { describe, expect, it } from 'vitest';
import { candidatePoints, parseFieldAddress, rungSchedule, successiveHalving } from '../../src/run/index.js';
import type { FieldAddress, ParameterSpec } from '../../src/run/index.js';

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
