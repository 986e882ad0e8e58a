import { describe, expect, it } from 'vitest';
import { PriorityLoad } from '../../../../src/envoy/upstream/load-balancers/index.js';
import { eject, hosts, prioritySet } from './fixtures.js';

// Envoy's recalculatePerPriorityState / recalculatePerPriorityPanic arithmetic (semantics §3.5, §4.8),
// oracles as in Envoy's load_balancer_impl_test.cc (LoadBalancerBaseTest.PrioritySelection, OverProvisioningFactor).
function loads(p0Healthy: number, p0Total: number, p1Healthy: number, p1Total: number, threshold = 0) {
  const p0 = hosts(p0Total);
  const p1 = hosts(p1Total);
  for (const h of p0.slice(p0Healthy)) eject(h);
  for (const h of p1.slice(p1Healthy)) eject(h);
  const ps = prioritySet(p0, p1);
  ps.refreshHealth();
  const l = new PriorityLoad();
  l.recalculate(ps, threshold);
  return l;
}

describe('priority load with the 1.4 overprovisioning factor', () => {
  it('5 hosts at P0: 1 ejected keeps P0 at 100 % (140×4/5 = 112 → 100)', () => {
    const l = loads(4, 5, 5, 5);
    expect(l.health).toEqual([100, 100]);
    expect(l.load).toEqual([100, 0]);
  });

  it('2 of 5 ejected: P0 84 %, P1 16 % (140×3/5 = 84)', () => {
    const l = loads(3, 5, 5, 5);
    expect(l.health).toEqual([84, 100]);
    expect(l.load).toEqual([84, 16]);
  });

  it('just below / at the 71.4 % spill point: 5 of 7 healthy (100) vs 5 of 8 (87)', () => {
    expect(loads(5, 7, 1, 1).load).toEqual([100, 0]);
    expect(loads(5, 8, 1, 1).load).toEqual([87, 13]);
  });

  it('all of P0 ejected: P1 takes everything', () => {
    expect(loads(0, 5, 5, 5).load).toEqual([0, 100]);
  });

  it('normalized total below 100: loads scale up and the rounding goes to the first healthy priority', () => {
    // health 140×1/5 = 28 and 140×1/4 = 35; total 63 → 28×100/63 = 44, 35×100/63 = 55, +1 → P0 45.
    const l = loads(1, 5, 1, 4);
    expect(l.health).toEqual([28, 35]);
    expect(l.load).toEqual([45, 55]);
  });

  it('choosePriority: hash % 100 + 1 against the cumulative loads (84 | 16)', () => {
    const l = loads(3, 5, 5, 5);
    expect(l.choosePriority(83)).toBe(0); // 84 <= 84
    expect(l.choosePriority(84)).toBe(1); // 85 > 84
    expect(l.choosePriority(99)).toBe(1);
    expect(l.choosePriority(100)).toBe(0); // 100 % 100 + 1 = 1
  });
});

describe('panic threshold (semantics §3.5)', () => {
  it('Istio with outlier detection (threshold 0): never panics; all ejected → P0 100 % with no healthy host', () => {
    const l = loads(0, 5, 0, 5, 0);
    expect(l.panic).toEqual([false, false]);
    expect(l.load).toEqual([100, 0]);
  });

  it('threshold 50 without outlier detection: no panic while the priorities together cover 100 %', () => {
    // P0 2/5 healthy (40 % < 50 %) but total availability 56 + 100 → 100: not in panic.
    const l = loads(2, 5, 5, 5, 50);
    expect(l.panic).toEqual([false, false]);
  });

  it('a priority below the threshold panics once total availability drops under 100', () => {
    // One priority with 2/5 healthy: health 56 < 100 and 40 % < 50 % → panic (an empty P1 panics too).
    const l = loads(2, 5, 0, 0, 50);
    expect(l.panic[0]).toBe(true);
    expect(l.totalPanic).toBe(true);
    const l2 = loads(3, 5, 0, 0, 50); // 60 % >= 50 %: at the threshold side, no panic
    expect(l2.panic[0]).toBe(false);
  });

  it('just below / at the threshold: 49.x % panics, 50 % does not', () => {
    expect(loads(99, 200, 0, 0, 50).panic[0]).toBe(true);
    expect(loads(100, 200, 0, 0, 50).panic[0]).toBe(false);
  });

  it('total panic distributes load by host counts regardless of health', () => {
    // 1/5 and 1/10 healthy (20 %, 10 %) both below 50: 100×5/15 = 33, 100×10/15 = 66, +1 → P0.
    const l = loads(1, 5, 1, 10, 50);
    expect(l.panic).toEqual([true, true]);
    expect(l.load).toEqual([34, 66]);
  });
});
