import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultLocality, resolveLoadBalancer } from '../../../src/config/defaults.js';
import type { LocalityLbSetting } from '../../../src/config/types.js';
import type { LoadBalancerDoc } from '../../../src/config/schema/destination-rule.js';
import { RandomStreams, Simulation } from '../../../src/engine/index.js';
import { type Endpoint, HealthFlag, Host, type Locality, NULL_OBSERVER } from '../../../src/envoy/index.js';
import { Cluster } from '../../../src/envoy/upstream/cluster.js';
import type { ClusterSpec } from '../../../src/envoy/upstream/cluster-spec.js';
import { PrioritySet } from '../../../src/envoy/upstream/host-set.js';
import { idleHost } from '../../../src/envoy/upstream/idle-host.js';
import { buildLoadAssignment, type ProxyPlacement } from '../../../src/envoy/upstream/locality/index.js';
import { sharedAssignment } from '../../../src/envoy/upstream/locality/shared-assignment.js';
import { FakeTransport, policy } from './support.js';

/**
 * Shared load assignments (issue #14): istiod's locality pass is computed once per (cluster, endpoint
 * version, proxy placement) and every cluster copies its placeholder lists. The clusters must end up with
 * exactly the lists, priorities, locality weights, own Hosts and join times they had when each cluster
 * regrouped its members itself (the reference below is that code, kept here).
 */
const LOCALITIES: Locality[] = [
  { region: 'r1', zone: 'a', subZone: '' },
  { region: 'r1', zone: 'b', subZone: '' },
  { region: 'r2', zone: 'c', subZone: 's' },
];

const pool: Endpoint[] = Array.from({ length: 12 }, (_, i) => ({
  id: 5000 + i,
  address: `10.2.0.${i}:8080`,
  podName: `backend-${i}`,
  labels: { version: i % 3 === 0 ? 'v2' : 'v1', tier: i % 2 === 0 ? 'gold' : 'silver' },
  locality: LOCALITIES[i % 3]!,
  weight: 1,
  addedAtMs: 0,
}));
const heavy = pool.map((e, i) => ({ ...e, id: 6000 + i, weight: 1 + (i % 2) }));

type Spec = ClusterSpec & { endpoints: { version: number; endpoints: readonly Endpoint[] } };

function spec(
  lb: LoadBalancerDoc,
  locality: Partial<LocalityLbSetting> | null,
  od: boolean,
  subset: string,
): Spec {
  const p = policy({}, od ? { consecutive5xxErrors: 5 } : undefined);
  p.loadBalancer = resolveLoadBalancer(lb);
  if (locality !== null) p.loadBalancer.locality = { ...defaultLocality(), ...locality };
  return {
    name: `outbound|8080|${subset}|backend.default.svc.cluster.local`,
    serviceHost: 'backend.default.svc.cluster.local',
    port: 8080,
    subset,
    subsetLabels: subset === '' ? {} : { version: subset },
    policy: p,
    endpoints: { version: 0, endpoints: [] },
    protocol: 'http1',
  };
}

function cluster(s: ClusterSpec, proxy: ProxyPlacement, sim: Simulation): Cluster {
  return new Cluster(s, {
    sim,
    streams: new RandomStreams(3),
    sidecar: 'client-0',
    locality: proxy.locality,
    labels: proxy.labels,
    transport: new FakeTransport(sim),
    observer: NULL_OBSERVER,
  });
}

/** The membership sync every cluster ran before shared assignments (Cluster.syncMembership then). */
class Reference {
  readonly ps = new PrioritySet();
  constructor(
    private readonly s: Spec,
    private readonly proxy: ProxyPlacement,
    private readonly lazyPolicy: boolean,
  ) {}

  sync(nowMs: number): void {
    const byId = new Map<number, Host>();
    for (const h of this.ps.allHosts) byId.set(h.endpoint.id, h);
    const members = this.s.endpoints.endpoints.filter((e) =>
      Object.entries(this.s.subsetLabels).every(([k, v]) => e.labels[k] === v),
    );
    const equal = members.every((e) => e.weight === members[0]!.weight);
    const lazy = this.lazyPolicy && equal;
    const hosts = members.map((e) => {
      const h = byId.get(e.id);
      if (h === undefined) return lazy ? idleHost(e, 0) : new Host(e);
      return lazy || !h.isIdle ? h : this.ps.ownHost(h);
    });
    const od = this.s.policy.outlierDetection !== undefined;
    this.ps.update(buildLoadAssignment(hosts, this.proxy, this.s.policy.loadBalancer, od), nowMs);
  }
}

/** Everything a balancer, detector or report can read of a PrioritySet. */
function picture(ps: PrioritySet) {
  const h = (x: Host) =>
    `${x.endpoint.id}${x.isIdle ? '' : '*'}${x.healthy ? '' : '!'}@${x.priority}+${ps.joinedAtMs(x)}`;
  return ps.hostSets.map((set) => ({
    hosts: set.hosts.map(h),
    healthy: set.healthyHosts.map(h),
    localities: set.localities.map((l) => `${l.region}/${l.zone}/${l.subZone}`),
    weights: [...set.localityWeights],
    perLocality: set.hostsPerLocality.map((hs) => hs.map(h)),
    healthyPerLocality: set.healthyHostsPerLocality.map((hs) => hs.map(h)),
  }));
}

const proxies: ProxyPlacement[] = [
  { locality: LOCALITIES[0]!, labels: { tier: 'gold' } },
  { locality: LOCALITIES[0]!, labels: { tier: 'silver' } },
  { locality: LOCALITIES[2]!, labels: {} },
];
const localitySettings: (Partial<LocalityLbSetting> | null)[] = [
  null,
  { enabled: false },
  { distribute: [{ from: 'r1/*', to: { 'r1/a': 70, 'r2/*': 30 } }] },
  { failover: [{ from: 'r1', to: 'r2' }] },
  { failoverPriority: ['tier', 'topology.kubernetes.io/zone'] },
];
const balancers: LoadBalancerDoc[] = [
  { simple: 'LEAST_REQUEST' },
  { simple: 'ROUND_ROBIN' },
  { simple: 'RANDOM' },
  { consistentHash: { httpHeaderName: 'x-user' } },
  // Slow start keeps a Host per member (EDF schedules); every other balancer here is lazy.
  { simple: 'ROUND_ROBIN', warmupDurationSecs: '10s' } as LoadBalancerDoc,
];

describe('shared load assignments', () => {
  it('one assignment per placement and endpoint version; labels count only under failoverPriority', () => {
    const s = spec({ simple: 'LEAST_REQUEST' }, null, true, '');
    s.endpoints = { version: 1, endpoints: pool };
    const [gold, silver, far] = proxies as [ProxyPlacement, ProxyPlacement, ProxyPlacement];
    const a = sharedAssignment(s, gold);
    expect(sharedAssignment(s, { locality: { ...gold.locality }, labels: {} })).toBe(a);
    expect(sharedAssignment(s, silver)).toBe(a);
    expect(sharedAssignment(s, far)).not.toBe(a);
    s.endpoints = { version: 2, endpoints: pool.slice(1) };
    expect(sharedAssignment(s, gold)).not.toBe(a);
    const fp = spec({ simple: 'LEAST_REQUEST' }, { failoverPriority: ['tier'] }, true, '');
    fp.endpoints = { version: 1, endpoints: pool };
    expect(sharedAssignment(fp, gold)).not.toBe(sharedAssignment(fp, silver));
    expect(sharedAssignment(fp, gold)).toBe(sharedAssignment(fp, { ...gold }));
  });

  it('clusters of every sidecar with one placement copy its lists: the same placeholders, their own arrays', () => {
    const s = spec({ simple: 'LEAST_REQUEST' }, null, false, '');
    s.endpoints = { version: 1, endpoints: pool };
    const sim = new Simulation();
    const [a, b] = [cluster(s, proxies[0]!, sim), cluster(s, proxies[1]!, sim)];
    const [ha, hb] = [a.prioritySet.hostSets[0]!.hosts, b.prioritySet.hostSets[0]!.hosts];
    expect(ha).not.toBe(hb);
    expect(ha.every((h, i) => h === hb[i] && h.isIdle)).toBe(true);
    // A first pick in one leaves the other's list alone.
    const own = a.ownHost(ha[5]!);
    expect([ha[5], hb[5]!.isIdle]).toEqual([own, true]);
  });

  it('first picks put the own Host in place in every list, with hosts ejected and per-locality lists built', () => {
    const s = spec({ simple: 'ROUND_ROBIN' }, { distribute: [{ from: 'r1/*', to: { '*': 100 } }] }, true, '');
    s.endpoints = { version: 1, endpoints: pool };
    const c = cluster(s, proxies[0]!, new Simulation());
    const set = c.prioritySet.hostSets[0]!;
    const ejected = c.ownHost(set.hosts[1]!);
    ejected.healthFlags = HealthFlag.FAILED_OUTLIER_CHECK;
    c.onHostHealthChanged();
    expect(set.healthyHostsPerLocality.map((hs) => hs.length)).toEqual([3, 4, 4]);
    for (const i of [0, 4, 11, 7]) {
      const idle = set.hosts[i]!;
      const own = c.ownHost(idle);
      for (const list of [
        set.hosts,
        set.healthyHosts,
        ...set.hostsPerLocality,
        ...set.healthyHostsPerLocality,
      ]) {
        expect(list).not.toContain(idle);
      }
      expect(set.hosts[i]).toBe(own);
      expect(set.healthyHosts).toContain(own);
      expect(set.hostsPerLocality.flat()).toContain(own);
      expect(set.healthyHostsPerLocality.flat()).toContain(own);
    }
  });

  it('clusters end up as when each regrouped its own members, through membership changes, picks and ejections (property)', () => {
    const member = fc.subarray(
      pool.map((_, i) => i),
      { minLength: 0 },
    );
    const step = fc.oneof(
      fc.record({ kind: fc.constant('members' as const), members: member, heavy: fc.boolean() }),
      fc.record({ kind: fc.constant('pick' as const), k: fc.nat() }),
      fc.record({ kind: fc.constant('eject' as const), k: fc.nat() }),
      fc.record({ kind: fc.constant('lists' as const) }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...balancers),
        fc.constantFrom(...localitySettings),
        fc.boolean(),
        fc.constantFrom('', 'v1'),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        (lb, locality, od, subset, steps) => {
          const s = spec(lb, locality, od, subset);
          const lazyPolicy = !('warmupDurationSecs' in lb);
          const sim = new Simulation();
          // Two sidecars per placement share assignments; each has its reference.
          const sides = [proxies[0]!, proxies[0]!, proxies[1]!, proxies[2]!].map((proxy) => {
            const side = {
              c: cluster(s, proxy, sim),
              ref: new Reference(s, proxy, lazyPolicy),
              forgot: [] as number[],
            };
            // Own Hosts that leave membership have their outlier state dropped (and pools drained).
            const od = side.c.outlierDetector;
            if (od !== null) {
              const removed = od.onHostRemoved.bind(od);
              od.onHostRemoved = (h: Host) => {
                side.forgot.push(h.endpoint.id);
                removed(h);
              };
            }
            return side;
          });
          const ownIds = (ps: PrioritySet) => ps.allHosts.filter((h) => !h.isIdle).map((h) => h.endpoint.id);
          for (const { ref } of sides) ref.sync(0);
          let version = 0;
          let t = 0;
          for (const [n, st] of steps.entries()) {
            const side = sides[n % sides.length]!;
            if (st.kind === 'members') {
              s.endpoints = {
                version: ++version,
                endpoints: st.members.map((i) => (st.heavy ? heavy : pool)[i]!),
              };
              sim.runUntil((t += 10));
              for (const x of sides) {
                const before = ownIds(x.ref.ps);
                x.forgot.length = 0;
                x.c.syncMembership();
                x.ref.sync(t);
                const after = new Set(ownIds(x.ref.ps));
                if (x.c.outlierDetector !== null)
                  expect(x.forgot).toEqual(before.filter((id) => !after.has(id)));
              }
            } else if (st.kind === 'pick' || st.kind === 'eject') {
              const all = side.c.prioritySet.allHosts;
              if (all.length === 0) continue;
              const i = st.k % all.length;
              const own = side.c.ownHost(all[i]!);
              const ref = side.ref.ps.ownHost(side.ref.ps.allHosts[i]!);
              if (st.kind === 'eject') {
                own.healthFlags ^= HealthFlag.FAILED_OUTLIER_CHECK;
                ref.healthFlags ^= HealthFlag.FAILED_OUTLIER_CHECK;
                side.c.onHostHealthChanged();
                side.ref.ps.refreshHealth();
              }
            }
            // Per-locality lists are built on first read: read them at some steps only.
            if (st.kind === 'lists') expect(picture(side.c.prioritySet)).toEqual(picture(side.ref.ps));
          }
          for (const { c, ref } of sides) {
            expect(picture(c.prioritySet)).toEqual(picture(ref.ps));
            expect(c.prioritySet.version).toBe(ref.ps.version);
          }
        },
      ),
      { numRuns: 400, seed: 41 },
    );
  });
});
