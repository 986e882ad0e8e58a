import { describe, expect, it } from 'vitest';
import { groupByLocality, PrioritySet } from '../../../../src/envoy/upstream/host-set.js';
import {
  LeastRequestLoadBalancer,
  RoundRobinLoadBalancer,
} from '../../../../src/envoy/upstream/load-balancers/index.js';
import {
  binomialBand,
  countPicks,
  EAST_1,
  EAST_2,
  eject,
  hosts,
  params,
  prioritySet,
  seeded,
  WEST_1,
} from '../load-balancers/fixtures.js';

describe('locality-weighted picks (Envoy locality WRR)', () => {
  function weighted(ejectOne: boolean) {
    const e1 = hosts(2, { locality: EAST_1 });
    const e2 = hosts(2, { locality: EAST_2 });
    const w1 = hosts(2, { locality: WEST_1 });
    if (ejectOne) eject(e1[0]!);
    const ps = new PrioritySet();
    ps.update([
      { ...groupByLocality(e1)[0]!, weight: 40 },
      { ...groupByLocality(e2)[0]!, weight: 40 },
      { ...groupByLocality(w1)[0]!, weight: 20 },
    ]);
    const lb = new LeastRequestLoadBalancer(
      params(ps, seeded('loc'), { localityWeighted: true, panicThresholdPercent: 0 }),
      undefined,
      2,
    );
    const n = 20_000;
    const c = countPicks(() => lb.chooseHost(null), n);
    const share = (hs: typeof e1) => hs.reduce((a, h) => a + (c.get(h) ?? 0), 0);
    return { n, east1: share(e1), east2: share(e2), west: share(w1) };
  }

  it('splits picks by locality weight 40 / 40 / 20 (EDF: exact to a pick)', () => {
    const r = weighted(false);
    expect(Math.abs(r.east1 - 8000)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.west - 4000)).toBeLessThanOrEqual(1);
  });

  it('scales a locality by min(1, 1.4 × healthy/total): 1 of 2 ejected → 40 × 0.7 = 28 of 88', () => {
    const r = weighted(true);
    expect(Math.abs(r.east1 - (r.n * 28) / 88)).toBeLessThanOrEqual(1);
  });
});

describe('priority spill-over through the balancer', () => {
  it('5 + 5 hosts, 2 ejected at P0: 16 % of picks go to P1 (binomial band)', () => {
    const p0 = hosts(5);
    const p1 = hosts(5);
    eject(p0[0]!);
    eject(p0[1]!);
    const ps = prioritySet(p0, p1);
    const lb = new RoundRobinLoadBalancer(
      params(ps, seeded('spill'), { panicThresholdPercent: 0 }),
      undefined,
    );
    const n = 20_000;
    const c = countPicks(() => lb.chooseHost(null), n);
    const toP1 = p1.reduce((a, h) => a + (c.get(h) ?? 0), 0);
    const band = binomialBand(n, 0.16);
    expect(toP1).toBeGreaterThan(band.low);
    expect(toP1).toBeLessThan(band.high);
    expect(c.get(p0[0]!)).toBeUndefined();
  });

  it('1 ejected at P0: no spill (P0 health 112 → 100)', () => {
    const p0 = hosts(5);
    const p1 = hosts(5);
    eject(p0[0]!);
    const lb = new RoundRobinLoadBalancer(
      params(prioritySet(p0, p1), seeded('nospill'), { panicThresholdPercent: 0 }),
      undefined,
    );
    const c = countPicks(() => lb.chooseHost(null), 5000);
    for (const h of p1) expect(c.get(h)).toBeUndefined();
  });
});
