import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveLoadBalancer } from '../../../src/config/defaults.js';
import { balancerKeepsEveryHost } from '../../../src/config/scenario/balancer-memory.js';
import type { LoadBalancerDoc } from '../../../src/config/schema/destination-rule.js';
import { RandomStreams, Simulation } from '../../../src/engine/index.js';
import { type Endpoint, HealthFlag, Host, NULL_OBSERVER } from '../../../src/envoy/index.js';
import { Cluster } from '../../../src/envoy/upstream/cluster.js';
import type { ClusterSpec } from '../../../src/envoy/upstream/cluster-spec.js';
import { PrioritySet } from '../../../src/envoy/upstream/host-set.js';
import { buildLoadAssignment } from '../../../src/envoy/upstream/locality/index.js';
import { balancerFor, type LbContext } from '../../../src/envoy/upstream/load-balancers/index.js';
import { FakeTransport, policy } from './support.js';

/**
 * Lazy Hosts (issue #14): a cluster lists the members it never picked by shared idle placeholders and
 * makes its own Host on the first pick. It must pick exactly what a cluster of own Hosts picks, draw for
 * draw, while ejections and active requests change the picture.
 */
const ZONES = ['zone-a', 'zone-b'].map((zone) => ({ region: 'r1', zone, subZone: '' }));
const SIDECAR = { region: 'r1', zone: 'zone-a', subZone: '' };

function endpoints(n: number, weight = (_i: number) => 1): Endpoint[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    address: `10.1.0.${i}:8080`,
    podName: `backend-${i}`,
    labels: {},
    locality: ZONES[i % 2]!,
    weight: weight(i),
    addedAtMs: 0,
  }));
}

function spec(
  eps: Endpoint[],
  lb?: LoadBalancerDoc,
  version = 1,
): ClusterSpec & { endpoints: { version: number; endpoints: Endpoint[] } } {
  const p = policy();
  p.loadBalancer = resolveLoadBalancer(lb);
  return {
    name: 'outbound|8080||backend.default.svc.cluster.local',
    serviceHost: 'backend.default.svc.cluster.local',
    port: 8080,
    subset: '',
    subsetLabels: {},
    policy: p,
    endpoints: { version, endpoints: eps },
    protocol: 'http1',
  };
}

function cluster(s: ClusterSpec, sidecar = 'client-0', seed = 7): Cluster {
  const sim = new Simulation();
  return new Cluster(s, {
    sim,
    streams: new RandomStreams(seed),
    sidecar,
    locality: SIDECAR,
    transport: new FakeTransport(sim),
    observer: NULL_OBSERVER,
  });
}

/** The same cluster's balancer over own Hosts built eagerly (what every cluster did before). */
function eagerTwin(s: ClusterSpec, sidecar = 'client-0', seed = 7) {
  const hosts = s.endpoints.endpoints.map((e) => new Host(e));
  const ps = new PrioritySet();
  ps.update(buildLoadAssignment(hosts, { locality: SIDECAR, labels: {} }, s.policy.loadBalancer, false));
  const rng = new RandomStreams(seed).stream(`lb/${sidecar}/${s.name}`);
  const lb = balancerFor(s.policy.loadBalancer, {
    prioritySet: ps,
    rng,
    panicThresholdPercent: s.policy.panicThresholdPercent,
    localityWeighted: false,
    clock: { now: 0 },
    onPanic: () => {},
  });
  return { ps, lb, byId: new Map(hosts.map((h) => [h.endpoint.id, h])) };
}

/** The router's previous_hosts predicate over `tried` (identity, as router-filter.ts compares). */
const previousHosts = (tried: Host[]): LbContext => ({
  hashKey: undefined,
  hostSelectionRetryMaxAttempts: 3,
  shouldSelectAnotherHost: (h) => tried.includes(h),
});

const own = (c: Cluster) => c.prioritySet.allHosts.filter((h) => !h.isIdle).length;

describe('lazy Hosts', () => {
  it('an idle cluster holds no Host of its own; placeholders are shared by every sidecar listing the endpoint', () => {
    const eps = endpoints(6);
    const a = cluster(spec(eps), 'client-0');
    const b = cluster(spec(eps), 'client-1');
    expect(own(a)).toBe(0);
    expect(a.prioritySet.allHosts.every((h, i) => h === b.prioritySet.allHosts[i])).toBe(true);
    // Placeholders read as fresh Hosts: idle, healthy, priority 0, no pool, no outlier state.
    const h = a.prioritySet.allHosts[0]!;
    expect([h.isIdle, h.rqActive, h.healthy, h.priority, h.pool, h.outlier]).toEqual([
      true,
      0,
      true,
      0,
      undefined,
      undefined,
    ]);
    expect(a.stats.gauges.membership_total).toBe(6);
    expect(() => {
      h.healthFlags = HealthFlag.FAILED_OUTLIER_CHECK;
    }).toThrow(/idle placeholder/);
  });

  it('the first pick makes the Host, in place in every list; a second sidecar keeps its placeholders', () => {
    const eps = endpoints(6);
    const a = cluster(spec(eps, { simple: 'ROUND_ROBIN' }), 'client-0');
    const b = cluster(spec(eps, { simple: 'ROUND_ROBIN' }), 'client-1');
    const picked = a.chooseHost(null)!;
    expect(picked.isIdle).toBe(false);
    expect(own(a)).toBe(1);
    expect(own(b)).toBe(0);
    const set = a.prioritySet.hostSets[0]!;
    expect(set.hosts.filter((h) => h === picked)).toHaveLength(1);
    expect(set.hostsPerLocality.flat().filter((h) => h === picked)).toHaveLength(1);
    // The same endpoint again: the same own Host (state survives), not a second one.
    for (let i = 0; i < 5; i++) a.chooseHost(null);
    expect(a.chooseHost(null)).toBe(picked);
    expect(own(a)).toBe(6);
  });

  it('per-locality lists, built on first use, follow the flat list: own Hosts before and after, ejections', () => {
    const c = cluster(spec(endpoints(6)));
    const set = c.prioritySet.hostSets[0]!;
    const first = c.chooseHost(null)!;
    const ids = (hs: readonly Host[]) => hs.map((h) => `${h.endpoint.id}${h.isIdle ? '' : '*'}`);
    // Built now, from the flat list as it is (zone-a: even endpoints, zone-b: odd ones).
    const before = ids(set.hostsPerLocality.flat());
    expect(before.filter((x) => x.endsWith('*'))).toEqual([`${first.endpoint.id}*`]);
    expect(set.hostsPerLocality.map((hs) => hs.length)).toEqual([3, 3]);
    expect(set.healthyHostsPerLocality).toBe(set.hostsPerLocality);
    // A later first pick is put in place in the built lists too.
    let second = c.chooseHost(null)!;
    while (second === first) second = c.chooseHost(null)!;
    expect(
      ids(set.hostsPerLocality.flat())
        .filter((x) => x.endsWith('*'))
        .sort(),
    ).toEqual([`${first.endpoint.id}*`, `${second.endpoint.id}*`].sort());
    // An ejection: the healthy lists are filtered per locality, the host lists keep every member.
    first.healthFlags = HealthFlag.FAILED_OUTLIER_CHECK;
    c.onHostHealthChanged();
    expect(set.healthyHostsPerLocality.flat()).not.toContain(first);
    expect(set.healthyHostsPerLocality.map((hs) => hs.length).sort()).toEqual([2, 3]);
    expect(set.hostsPerLocality.flat()).toContain(first);
  });

  it('a membership change keeps own Hosts, placeholders and join times; a new member joins at its update', () => {
    const eps = endpoints(4);
    const s = spec(eps);
    const c = cluster(s);
    const first = c.chooseHost(null)!;
    const joinedAt = (i: number) =>
      c.prioritySet.joinedAtMs(c.prioritySet.allHosts.find((h) => h.endpoint.id === 1000 + i)!);
    (c.ctx.sim as Simulation).runUntil(50);
    s.endpoints = { version: 2, endpoints: [...eps, ...endpoints(6).slice(4)] };
    c.syncMembership();
    expect(c.prioritySet.allHosts).toContain(first);
    expect([0, 1, 2, 3, 4, 5].map(joinedAt)).toEqual([0, 0, 0, 0, 50, 50]);
    // A placeholder made own keeps its join time.
    const late = c.ownHost(c.prioritySet.allHosts.find((h) => h.endpoint.id === 1004)!);
    expect([late.isIdle, c.prioritySet.joinedAtMs(late)]).toEqual([false, 50]);
    // A member that leaves and comes back starts again.
    (c.ctx.sim as Simulation).runUntil(80);
    s.endpoints = { version: 3, endpoints: eps.slice(1) };
    c.syncMembership();
    s.endpoints = { version: 4, endpoints: eps };
    c.syncMembership();
    expect(joinedAt(0)).toBe(80);
    expect(joinedAt(1)).toBe(0);
  });

  it('passthrough, slow start and unequal weights keep every Host their own; hash rings and Maglev do not', () => {
    for (const lb of [
      { consistentHash: { httpHeaderName: 'x-user' } },
      { consistentHash: { httpHeaderName: 'x-user', maglev: { tableSize: 7 } } },
    ] as LoadBalancerDoc[]) {
      const c = cluster(spec(endpoints(4), lb));
      expect(own(c)).toBe(0);
      const first = c.chooseHost(null)!;
      expect(first.isIdle).toBe(false);
      expect(own(c)).toBe(1);
      // The same member again (its ring entries now give the Host): no second Host.
      const key = { ...previousHosts([]), hashKey: 12345 };
      const a = c.chooseHost(key)!;
      expect(c.chooseHost(key)).toBe(a);
      expect(own(c)).toBeLessThanOrEqual(2);
    }
    const cases: [Endpoint[], LoadBalancerDoc][] = [
      [endpoints(4), { simple: 'PASSTHROUGH' }],
      [endpoints(4), { simple: 'ROUND_ROBIN', warmupDurationSecs: '10s' } as LoadBalancerDoc],
      [endpoints(4, (i) => 1 + i), { simple: 'LEAST_REQUEST' }],
    ];
    for (const [eps, lb] of cases) expect(own(cluster(spec(eps, lb)))).toBe(4);
    // Equal weights: every member is a placeholder.
    expect(own(cluster(spec(endpoints(4, () => 3))))).toBe(0);
  });

  it("the memory estimate's rule (balancerKeepsEveryHost) is the cluster's, balancer by balancer", () => {
    const docs: (LoadBalancerDoc | undefined)[] = [
      undefined,
      { simple: 'LEAST_REQUEST' },
      { simple: 'ROUND_ROBIN' },
      { simple: 'RANDOM' },
      { simple: 'PASSTHROUGH' },
      { consistentHash: { httpHeaderName: 'x-user' } },
      { consistentHash: { httpHeaderName: 'x-user', maglev: { tableSize: 7 } } },
      { simple: 'ROUND_ROBIN', warmupDurationSecs: '10s' } as LoadBalancerDoc,
      { simple: 'LEAST_REQUEST', warmupDurationSecs: '1s' } as LoadBalancerDoc,
    ];
    const kept = docs.map((lb) => own(cluster(spec(endpoints(4), lb))) === 4);
    expect(kept).toEqual([false, false, false, false, true, false, false, true, true]);
    expect(docs.map((lb) => balancerKeepsEveryHost(resolveLoadBalancer(lb)))).toEqual(kept);
  });

  it('picks exactly what a cluster of own Hosts picks, with requests in flight, ejections and weights (property)', () => {
    const policies: LoadBalancerDoc[] = [
      { simple: 'LEAST_REQUEST' },
      { simple: 'ROUND_ROBIN' },
      { simple: 'RANDOM' },
      { consistentHash: { httpHeaderName: 'x-user' } },
      { consistentHash: { httpHeaderName: 'x-user', maglev: { tableSize: 251 } } },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...policies),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat()), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        (n, lb, seed, steps, weighted) => {
          // Two sidecars list the same endpoints (so they share placeholders), each with its eager twin.
          // Unequal weights: own Hosts and EDF schedules (the shared assignment says weights differ).
          const s = spec(endpoints(n, weighted ? (i) => 1 + (i % 3) : undefined), lb);
          const sides = ['client-0', 'client-1'].map((name) => ({
            lazy: cluster(s, name, seed),
            eager: eagerTwin(s, name, seed),
            active: [] as [Host, Host][],
          }));
          for (const [op, k] of steps) {
            const { lazy, eager, active } = sides[k % 2]!;
            if (op <= 1) {
              // A pick (op 1: a retry's, whose previous_hosts predicate rejects every host still
              // active on that side); the request stays active on both.
              const l = lazy.chooseHost(op === 1 ? previousHosts(active.map(([h]) => h)) : null);
              const e = eager.lb.chooseHost(op === 1 ? previousHosts(active.map(([, h]) => h)) : null);
              expect(l?.endpoint.id).toBe(e?.endpoint.id);
              if (l === null || e === null) continue;
              // The Host picked is the one the cluster lists (never a second Host for a member).
              expect(lazy.prioritySet.allHosts.includes(l)).toBe(true);
              l.rqActive++;
              e.rqActive++;
              active.push([l, e]);
            } else if (op === 2 && active.length > 0) {
              const [[l, e]] = active.splice(k % active.length, 1) as [[Host, Host]];
              l.rqActive--;
              e.rqActive--;
            } else {
              // Toggle ejection of member k on both (the detector's write, on each side's own Host).
              const id = 1000 + (k % n);
              const l = lazy.ownHost(lazy.prioritySet.allHosts.find((h) => h.endpoint.id === id)!);
              const e = eager.byId.get(id)!;
              l.healthFlags ^= HealthFlag.FAILED_OUTLIER_CHECK;
              e.healthFlags ^= HealthFlag.FAILED_OUTLIER_CHECK;
              lazy.onHostHealthChanged();
              eager.ps.refreshHealth();
            }
          }
          for (const { lazy } of sides) {
            // Placeholders were never written; only what was picked or ejected is a Host of its own.
            for (const h of lazy.prioritySet.allHosts) if (h.isIdle) expect(h.rqActive).toBe(0);
            expect(own(lazy)).toBeLessThanOrEqual(weighted ? n : steps.length);
          }
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });
});
