import { describe, expect, it } from 'vitest';
import { LeastRequestLoadBalancer } from '../../../../src/envoy/upstream/load-balancers/index.js';
import {
  binomialBand,
  context,
  countPicks,
  eject,
  host,
  hosts,
  params,
  prioritySet,
  ScriptedRng,
  seeded,
  uneject,
} from './fixtures.js';

// Edges follow Envoy's least_request_lb_test.cc: the first random goes to the EDF seed (construction), each
// pick then draws one for the priority and `choiceCount` for the candidates.
describe('LEAST_REQUEST, equal weights: power of N choices', () => {
  it('keeps the candidate with strictly fewer active requests (LeastRequestLoadBalancerTest.Normal)', () => {
    const hs = hosts(2);
    hs[0]!.rqActive = 1;
    hs[1]!.rqActive = 2;
    // seed, then per pick: priority, choice 1, choice 2.
    const rng = new ScriptedRng([0, 0, 2, 3, 0, 3, 2]);
    const lb = new LeastRequestLoadBalancer(params(prioritySet(hs), rng), undefined, 2);
    expect(lb.chooseHost(null)).toBe(hs[0]); // draws hosts[0] then hosts[1]: 1 < 2 keeps hosts[0]
    expect(lb.chooseHost(null)).toBe(hs[0]); // draws hosts[1] then hosts[0]: 1 < 2 switches to hosts[0]
    expect(rng.draws).toBe(7);
  });

  it('ties keep the first drawn host', () => {
    const hs = hosts(2);
    const rng = new ScriptedRng([0, 0, 1, 0]);
    const lb = new LeastRequestLoadBalancer(params(prioritySet(hs), rng), undefined, 2);
    expect(lb.chooseHost(null)).toBe(hs[1]);
  });

  it('choiceCount N draws N candidates with replacement (LeastRequestLoadBalancerTest.PNC)', () => {
    const hs = hosts(4);
    hs.forEach((h, i) => {
      h.rqActive = [4, 3, 2, 1][i]!;
    });
    for (const [count, expected] of [
      [2, 1],
      [3, 2],
      [5, 3],
    ] as const) {
      // seed, priority, then candidates 0, 1, 2, 0, 3 (only the first `count` are used).
      const rng = new ScriptedRng([0, 0, 0, 1, 2, 0, 3]);
      const lb = new LeastRequestLoadBalancer(params(prioritySet(hs), rng), undefined, count);
      expect(lb.chooseHost(null)).toBe(hs[expected]);
      expect(rng.draws).toBe(2 + count);
    }
  });

  it('skews away from a loaded host: P(pick the strictly busiest of n) = 1/n² with two choices', () => {
    const hs = hosts(4);
    hs[0]!.rqActive = 5; // the slow host holds requests; the others are idle
    const lb = new LeastRequestLoadBalancer(params(prioritySet(hs), seeded('lr-skew')), undefined, 2);
    const n = 40_000;
    const c = countPicks(() => lb.chooseHost(null), n);
    const slow = binomialBand(n, 1 / 16);
    expect(c.get(hs[0]!)!).toBeGreaterThan(slow.low);
    expect(c.get(hs[0]!)!).toBeLessThan(slow.high);
    const fast = binomialBand(n, 5 / 16); // each idle host: (1 − 1/16) / 3
    for (const h of hs.slice(1)) {
      expect(c.get(h)!).toBeGreaterThan(fast.low);
      expect(c.get(h)!).toBeLessThan(fast.high);
    }
  });

  it('re-picks while previous_hosts rejects the pick, then returns the last pick after 1 + 5 tries', () => {
    const hs = hosts(3);
    const lb = new LeastRequestLoadBalancer(params(prioritySet(hs), seeded('lr-retry')), undefined, 2);
    // All idle: a pick is hs[2] only when it is drawn first (ties keep the first): 1/3 per try, so the
    // untried host is reached within 6 tries with probability 1 − (2/3)^6.
    const n = 20_000;
    const c = countPicks(() => lb.chooseHost(context({ tried: [hs[0]!, hs[1]!] })), n);
    const band = binomialBand(n, 1 - (2 / 3) ** 6);
    expect(c.get(hs[2]!)!).toBeGreaterThan(band.low);
    expect(c.get(hs[2]!)!).toBeLessThan(band.high);
    const rng = new ScriptedRng([0]);
    const only = new LeastRequestLoadBalancer(params(prioritySet([hs[0]!]), rng), undefined, 2);
    expect(only.chooseHost(context({ tried: [hs[0]!] }))).toBe(hs[0]);
    expect(rng.draws).toBe(1 + 6 * 3); // seed + 6 picks × (priority + 2 choices)
  });

  it('serves only healthy hosts; with none left and panic disabled it finds no host (503 UH)', () => {
    const hs = hosts(2);
    eject(hs[0]!);
    const ps = prioritySet(hs);
    const lb = new LeastRequestLoadBalancer(
      params(ps, seeded('lr-h'), { panicThresholdPercent: 0 }),
      undefined,
      2,
    );
    for (let i = 0; i < 50; i++) expect(lb.chooseHost(null)).toBe(hs[1]);
    eject(hs[1]!);
    ps.refreshHealth();
    expect(lb.chooseHost(null)).toBeNull();
  });

  it('in panic (threshold 50, 1 of 3 healthy) picks among all hosts and counts lb_healthy_panic', () => {
    const hs = hosts(3);
    eject(hs[0]!);
    eject(hs[1]!);
    const p = params(prioritySet(hs), seeded('lr-panic'));
    const lb = new LeastRequestLoadBalancer(p, undefined, 2);
    const c = countPicks(() => lb.chooseHost(null), 3000);
    expect(c.get(hs[0]!)).toBeGreaterThan(0);
    expect(p.panics).toBe(3000);
  });
});

describe('LEAST_REQUEST, the flat source (one priority takes every pick, healthy, unweighted)', () => {
  it('draws the priority random even when priority 0 takes every pick, then picks from its healthy hosts', () => {
    const p0 = hosts(2);
    const p1 = hosts(2);
    // seed, then per pick: priority, choice 1, choice 2 (load [100, 0]: any priority draw gives 0).
    const rng = new ScriptedRng([0, 99, 1, 1, 7, 0, 0]);
    const lb = new LeastRequestLoadBalancer(params(prioritySet(p0, p1), rng), undefined, 2);
    expect(lb.chooseHost(null)).toBe(p0[1]);
    expect(lb.chooseHost(null)).toBe(p0[0]);
    expect(rng.draws).toBe(7);
  });

  it('a retry priority plugin on the context still moves the pick to another priority', () => {
    const p0 = hosts(2);
    const p1 = hosts(2);
    const rng = new ScriptedRng([0, 0, 1, 1]);
    const lb = new LeastRequestLoadBalancer(params(prioritySet(p0, p1), rng), undefined, 2);
    const ctx = { ...context(), determinePriorityLoad: () => [0, 100] };
    expect(lb.chooseHost(ctx)).toBe(p1[1]);
    expect(lb.chooseHost(null)).toBe(p0[1]);
  });

  it('leaves and re-takes the flat source as health changes: ejected host skipped, panic, recovery', () => {
    const hs = hosts(2);
    const ps = prioritySet(hs);
    const rng = new ScriptedRng([0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1]);
    const p = params(ps, rng, { panicThresholdPercent: 100 });
    const lb = new LeastRequestLoadBalancer(p, undefined, 2);
    expect(lb.chooseHost(null)).toBe(hs[1]); // flat: both healthy
    eject(hs[1]!);
    ps.refreshHealth();
    // 1 of 2 healthy is below the 100 % threshold: panic serves all hosts (index 1 is the ejected one).
    expect(lb.chooseHost(null)).toBe(hs[1]);
    expect(p.panics).toBe(1);
    uneject(hs[1]!);
    ps.refreshHealth();
    expect(lb.chooseHost(null)).toBe(hs[1]);
    expect(lb.chooseHost(null)).toBe(hs[1]);
    expect(p.panics).toBe(1);
    expect(rng.draws).toBe(13);
  });
});

describe('LEAST_REQUEST, unequal weights: EDF with weight / (rq_active + 1)', () => {
  it('all-hosts schedule only while in panic: weighted picks over ejected hosts, healthy ones again after', () => {
    // Weights 1, 2, 3, 4; ejecting the three heaviest leaves 1 of 4 healthy (25 % < 50 %): panic.
    const hs = [1, 2, 3, 4].map((weight) => host({ weight }));
    const ps = prioritySet(hs);
    const p = params(ps, seeded('lr-edf-panic'));
    const lb = new LeastRequestLoadBalancer(p, undefined, 2);
    const tally = (n: number) => {
      const c = countPicks(() => lb.chooseHost(null), n);
      return hs.map((h) => c.get(h) ?? 0);
    };
    // Largest distance of host i's count from 100 x its weight (i + 1).
    const spread = (counts: number[]) => Math.max(...counts.map((n, i) => Math.abs(n - 100 * (i + 1))));
    // Healthy: every pick from the healthy schedule, 1 : 2 : 3 : 4 within one pick per host.
    const healthy = tally(1000);
    expect(spread(healthy)).toBeLessThanOrEqual(1);
    for (const h of hs.slice(1)) eject(h);
    ps.refreshHealth();
    const panic = tally(1000);
    expect(p.panics).toBe(1000);
    // The schedule of all hosts, built at this refresh: the ejected hosts by weight too.
    expect(spread(panic)).toBeLessThanOrEqual(1);
    for (const h of hs.slice(1, 3)) uneject(h);
    ps.refreshHealth();
    // 3 of 4 healthy: no panic; hosts 1..3 by weight 1 : 2 : 3 of 600 picks, none to the ejected one.
    const after = tally(600);
    expect(p.panics).toBe(1000);
    expect(after[3]).toBe(0);
    expect(spread(after.slice(0, 3))).toBeLessThanOrEqual(1);
  });

  it('idle hosts share in proportion to weight: 1 : 3 exactly over full EDF cycles', () => {
    const a = host({ weight: 1 });
    const b = host({ weight: 3 });
    const lb = new LeastRequestLoadBalancer(params(prioritySet([a, b]), seeded('lr-w')), undefined, 2);
    const c = countPicks(() => lb.chooseHost(null), 400);
    expect(c.get(a)).toBe(100);
    expect(c.get(b)).toBe(300);
  });

  it('active requests divide the weight: weight 3 with 2 in flight ties weight 1 idle', () => {
    const a = host({ weight: 1 });
    const b = host({ weight: 3 });
    b.rqActive = 2; // 3 / (2 + 1) = 1 = 1 / (0 + 1)
    const lb = new LeastRequestLoadBalancer(params(prioritySet([a, b]), seeded('lr-w2')), undefined, 2);
    // The schedule was seeded with the static weights; after one pick of each, both weigh 1.
    const c = countPicks(() => lb.chooseHost(null), 1000);
    expect(Math.abs(c.get(a)! - c.get(b)!)).toBeLessThanOrEqual(4);
  });
});
