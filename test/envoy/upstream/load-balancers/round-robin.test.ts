import { describe, expect, it } from 'vitest';
import { RoundRobinLoadBalancer } from '../../../../src/envoy/upstream/load-balancers/index.js';
import { countPicks, eject, host, hosts, params, prioritySet, ScriptedRng, seeded } from './fixtures.js';

describe('ROUND_ROBIN, equal weights', () => {
  it('starts at the LB instance seed: seed 1 over 3 hosts → 1, 2, 0, 1 (RoundRobinLoadBalancerTest.Seed)', () => {
    const hs = hosts(3);
    const lb = new RoundRobinLoadBalancer(params(prioritySet(hs), new ScriptedRng([1])), undefined);
    expect([0, 1, 2, 3].map(() => hs.indexOf(lb.chooseHost(null)!))).toEqual([1, 2, 0, 1]);
  });

  it('is exactly even over any multiple of n picks, and two proxies start at different hosts', () => {
    const hs = hosts(5);
    const a = new RoundRobinLoadBalancer(params(prioritySet(hs), seeded('rr-a')), undefined);
    const b = new RoundRobinLoadBalancer(params(prioritySet(hs), seeded('rr-b')), undefined);
    const c = countPicks(() => a.chooseHost(null), 5 * 1000);
    for (const h of hs) expect(c.get(h)).toBe(1000);
    const firstA = new RoundRobinLoadBalancer(params(prioritySet(hs), seeded('rr-a')), undefined).chooseHost(
      null,
    );
    expect(firstA).not.toBe(b.chooseHost(null));
  });

  it('skips ejected hosts and keeps its index when health changes (no reset to the seed)', () => {
    const hs = hosts(3);
    const ps = prioritySet(hs);
    const lb = new RoundRobinLoadBalancer(params(ps, new ScriptedRng([0])), undefined);
    expect(lb.chooseHost(null)).toBe(hs[0]);
    eject(hs[1]!);
    ps.refreshHealth();
    // healthy list [h0, h2], index 1 → h2, then 2 % 2 → h0
    expect([lb.chooseHost(null), lb.chooseHost(null)]).toEqual([hs[2], hs[0]]);
  });

  it('with unequal weights follows the EDF schedule: weights 1 : 2 : 5 exactly per cycle', () => {
    const hs = [host({ weight: 1 }), host({ weight: 2 }), host({ weight: 5 })];
    const lb = new RoundRobinLoadBalancer(params(prioritySet(hs), seeded('rr-w')), undefined);
    const c = countPicks(() => lb.chooseHost(null), 8 * 250);
    expect(hs.map((h) => c.get(h))).toEqual([250, 500, 1250]);
  });
});

describe('slow start (warmup), semantics §4.7', () => {
  const windowMs = 10_000;
  function warming(opts: { ageMs: number; aggression?: number; minWeight?: number }) {
    const old = hosts(2);
    const ps = prioritySet(old);
    const p = params(ps, seeded('ss'));
    const lb = new RoundRobinLoadBalancer(p, {
      windowMs,
      minWeight: opts.minWeight ?? 0.1,
      aggression: opts.aggression ?? 1,
    });
    p.clock.now = 30_000; // well past the initial window
    lb.chooseHost(null);
    const fresh = host();
    ps.updateHosts([...old, fresh], p.clock.now);
    p.clock.now += opts.ageMs;
    const c = countPicks(() => lb.chooseHost(null), 2100);
    return c.get(fresh) ?? 0;
  }

  it('a new host at half its window weighs 0.5 (linear): 0.5 / 2.5 = 20 % of picks', () => {
    expect(Math.abs(warming({ ageMs: 5_000 }) - 420)).toBeLessThanOrEqual(2);
  });

  it('aggression 2 makes the ramp (t/window)^(1/2): at a quarter of the window it weighs 0.5', () => {
    expect(Math.abs(warming({ ageMs: 2_500, aggression: 2 }) - 420)).toBeLessThanOrEqual(2);
  });

  it('never weighs less than minimumPercent (10 %): 0.1 / 2.1 of picks just after joining', () => {
    expect(Math.abs(warming({ ageMs: 100 }) - 100)).toBeLessThanOrEqual(2);
  });

  it('at and after the end of the window the host weighs fully again', () => {
    expect(Math.abs(warming({ ageMs: windowMs }) - 700)).toBeLessThanOrEqual(2);
  });
});
