import { describe, expect, it } from 'vitest';
import { RandomLoadBalancer } from '../../../../src/envoy/upstream/load-balancers/index.js';
import {
  chiSquare,
  chiSquareCritical,
  countPicks,
  host,
  hosts,
  params,
  prioritySet,
  ScriptedRng,
  seeded,
} from './fixtures.js';

describe('RANDOM', () => {
  it('draws one random for the priority, one for hosts[random % n]', () => {
    const hs = hosts(4);
    const rng = new ScriptedRng([7, 6]);
    const lb = new RandomLoadBalancer(params(prioritySet(hs), rng));
    expect(lb.chooseHost(null)).toBe(hs[2]);
    expect(rng.draws).toBe(2);
  });

  it('is uniform over hosts (chi-square below the 1e-5 critical value) and ignores weights', () => {
    const hs = [...hosts(5), host({ weight: 9 })];
    const lb = new RandomLoadBalancer(params(prioritySet(hs), seeded('random')));
    const n = 60_000;
    const c = countPicks(() => lb.chooseHost(null), n);
    const counts = hs.map((h) => c.get(h) ?? 0);
    expect(
      chiSquare(
        counts,
        counts.map(() => n / hs.length),
      ),
    ).toBeLessThan(chiSquareCritical(hs.length - 1));
  });
});
