import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { RandomStreams } from '../../src/engine/index.js';
import type { Endpoint, Locality } from '../../src/envoy/index.js';
import { Host } from '../../src/envoy/index.js';
import { groupByLocality, HostSet } from '../../src/envoy/upstream/host-set.js';
import {
  LocalityRoutingState,
  ZoneAwareRouting,
  type ZoneRoutingStat,
  zoneAwarePriorities,
} from '../../src/envoy/upstream/locality/index.js';
import { runWithViews } from '../../src/run/views-run.js';

const zone = (z: string, region = 'r1'): Locality => ({ region, zone: z, subZone: '' });
let id = 0;
const ep = (z: string, region = 'r1'): Endpoint => ({
  id: id++,
  address: `10.0.0.${id}:80`,
  podName: `p${id}`,
  labels: {},
  locality: zone(z, region),
  weight: 1,
  addedAtMs: 0,
});
/** `counts`: zone -> number of endpoints, in this order. */
const eps = (counts: Record<string, number>): Endpoint[] =>
  Object.entries(counts).flatMap(([z, n]) => Array.from({ length: n }, () => ep(z)));

function upstream(counts: Record<string, number>): HostSet {
  const set = new HostSet(0);
  set.update(groupByLocality(eps(counts).map((e) => new Host(e))));
  return set;
}

/** Zone routing of a proxy in zone `a` with `local` local-cluster pods per zone. */
function routing(
  local: Record<string, number>,
  opts: { minClusterSize?: number; routingEnabled?: boolean } = {},
) {
  const stats: Partial<Record<ZoneRoutingStat, number>> = {};
  const z = new ZoneAwareRouting(
    {
      routingEnabled: opts.routingEnabled ?? true,
      minClusterSize: opts.minClusterSize ?? 6,
      local: { source: { version: 1, endpoints: eps(local) }, member: () => true },
      locality: zone('a'),
    },
    (n) => {
      stats[n] = (stats[n] ?? 0) + 1;
    },
  );
  return { z, stats };
}

describe('zone-aware routing state (Envoy regenerateLocalityRoutingStructures)', () => {
  it('min_cluster_size: 6 healthy upstream hosts route by zone at 5 and 6, not at 7 (lb_zone_cluster_too_small)', () => {
    const states = [5, 6, 7].map((m) => {
      const { z, stats } = routing({ a: 1, b: 1 }, { minClusterSize: m });
      z.maybeRegenerate(upstream({ a: 3, b: 3 }), 1);
      return [z.state, stats.lb_zone_cluster_too_small ?? 0];
    });
    expect(states).toEqual([
      [LocalityRoutingState.LocalityDirect, 0],
      [LocalityRoutingState.LocalityDirect, 0],
      [LocalityRoutingState.NoLocalityRouting, 1],
    ]);
  });

  it('local zone with at least its share of upstream hosts: LocalityDirect, every pick local', () => {
    const { z, stats } = routing({ a: 1, b: 1 });
    const set = upstream({ a: 3, b: 1, c: 2 });
    z.maybeRegenerate(set, 1);
    expect(z.state).toBe(LocalityRoutingState.LocalityDirect);
    const rng = new RandomStreams(1).stream('t');
    const picks = new Set(Array.from({ length: 100 }, () => z.chooseLocality(rng)));
    expect([...picks].map((i) => set.localities[i]!.zone)).toEqual(['a']);
    expect(stats.lb_zone_routing_all_directly).toBe(100);
  });

  it('unequal zones: 50 % of the proxies in zone a, 25 % of the hosts: half the picks stay, the rest go to b', () => {
    const { z } = routing({ a: 1, b: 1 });
    const set = upstream({ a: 2, b: 6 });
    z.maybeRegenerate(set, 1);
    expect([z.state, z.localPercentToRoute, z.residualCapacity]).toEqual([
      LocalityRoutingState.LocalityResidual,
      5000,
      [0, 2500],
    ]);
    const rng = new RandomStreams(7).stream('t');
    const n = 20_000;
    let local = 0;
    for (let i = 0; i < n; i++) if (set.localities[z.chooseLocality(rng)]!.zone === 'a') local++;
    // Binomial(n, 0.5): 4 standard deviations = 4 * sqrt(0.25 / n) = 0.0141.
    expect(Math.abs(local / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });

  it("Envoy's three-locality example: local 40/40/20 %, upstream 25/50/25 %: 62.5 % local, residual 0/1000/1500", () => {
    const { z } = routing({ a: 2, b: 2, c: 1 });
    const set = upstream({ a: 2, b: 4, c: 2 });
    z.maybeRegenerate(set, 1);
    expect([z.state, z.localPercentToRoute, z.residualCapacity]).toEqual([
      LocalityRoutingState.LocalityResidual,
      6250,
      [0, 1000, 1500],
    ]);
    const rng = new RandomStreams(3).stream('t');
    const n = 40_000;
    const byZone: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < n; i++) byZone[set.localities[z.chooseLocality(rng)]!.zone]!++;
    // Expected: a 0.625, b 0.375 × 1000/1500 = 0.25, c 0.125; 4 standard deviations each.
    for (const [zn, p] of [
      ['a', 0.625],
      ['b', 0.25],
      ['c', 0.125],
    ] as const)
      expect(Math.abs(byZone[zn]! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('no upstream host in the proxy zone: every pick crosses zones, by residual capacity (b 7500-5000, c 2500-0)', () => {
    const { z, stats } = routing({ a: 1, b: 1 }, { minClusterSize: 4 });
    const set = upstream({ b: 3, c: 1 });
    z.maybeRegenerate(set, 1);
    expect([z.state, z.localPercentToRoute, z.residualCapacity]).toEqual([
      LocalityRoutingState.LocalityResidual,
      0,
      [2500, 5000],
    ]);
    const rng = new RandomStreams(5).stream('t');
    const n = 20_000;
    let b = 0;
    for (let i = 0; i < n; i++) if (set.localities[z.chooseLocality(rng)]!.zone === 'b') b++;
    // threshold = random % 5000 picks b while threshold <= 2500 (Envoy's `threshold > residual` scan): 2501/5000.
    const p = 2501 / 5000;
    expect(Math.abs(b / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect([stats.lb_zone_routing_cross_zone, stats.lb_zone_routing_sampled]).toEqual([n, undefined]);
  });

  it('local cluster without a pod in the proxy zone: lb_local_cluster_not_ok, no zone routing', () => {
    const { z, stats } = routing({ b: 1, c: 1 });
    z.maybeRegenerate(upstream({ a: 3, b: 3 }), 1);
    expect([z.state, stats.lb_local_cluster_not_ok]).toEqual([LocalityRoutingState.NoLocalityRouting, 1]);
  });

  it('fewer than 2 localities upstream or in the local cluster: no zone routing', () => {
    const one = routing({ a: 1, b: 1 });
    one.z.maybeRegenerate(upstream({ a: 6 }), 1);
    const local = routing({ a: 2 });
    local.z.maybeRegenerate(upstream({ a: 3, b: 3 }), 1);
    expect([one.z.state, local.z.state]).toEqual([
      LocalityRoutingState.NoLocalityRouting,
      LocalityRoutingState.NoLocalityRouting,
    ]);
  });

  it('routing_enabled 0 % (enabled: false) never routes by zone; 100 % routes priority 0 only', () => {
    const off = routing({ a: 1, b: 1 }, { routingEnabled: false });
    off.z.maybeRegenerate(upstream({ a: 3, b: 3 }), 1);
    const on = routing({ a: 1, b: 1 });
    on.z.maybeRegenerate(upstream({ a: 3, b: 3 }), 1);
    expect([off.z.routes(0), on.z.routes(0), on.z.routes(1)]).toEqual([false, true, false]);
  });

  it('recomputes only when priority 0 or the local cluster changed', () => {
    const { z, stats } = routing({ a: 1, b: 1 });
    const set = upstream({ a: 3, b: 3 });
    z.maybeRegenerate(set, 1);
    z.maybeRegenerate(set, 1);
    z.maybeRegenerate(set, 2);
    expect(stats.lb_recalculate_zone_structures).toBe(2);
  });
});

describe("istiod's zone-aware load assignment: region tiers", () => {
  it("the proxy's region at priority 0, a failover target region at 1, the others at 2", () => {
    const hosts = [ep('a'), ep('b'), ep('x', 'r2'), ep('y', 'r3')].map((e) => new Host(e));
    const groups = groupByLocality(hosts);
    const plain = zoneAwarePriorities(groups, zone('a'), []);
    const failover = zoneAwarePriorities(groups, zone('a'), [{ from: 'r1', to: 'r3' }]);
    expect(plain.map((g) => g.priority)).toEqual([0, 0, 1, 1]);
    expect(failover.map((g) => g.priority)).toEqual([0, 0, 2, 1]);
  });
});

const deployment = (name: string, labels: string, replicas: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {${labels}}}
  template: {metadata: {labels: {${labels}}}, spec: {containers: [{name: c, image: c}]}}
`;

/**
 * web (2 pods: zone-a, zone-b; its own Service, so each sidecar's local cluster is 50/50) calls api:
 * 3 pods in zone-a, 1 in zone-b (75/25). `mesh`: the scenario's meshConfig line; `za`: the DR's setting.
 */
const mesh = (meshConfig: string, za: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: zone-aware}
spec:
  duration: 10s
  seed: 5
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
${meshConfig}  workloads:
    default/web: {zones: [zone-a, zone-b], latency: 1ms, calls: [{url: "http://api/"}]}
    default/api-a: {zones: [zone-a], latency: 1ms}
    default/api-b: {zones: [zone-b], latency: 1ms}
  traffic:
    - {name: client, rate: 400/s, requests: [{url: "http://web/"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
${deployment('web', 'app: web', 2)}${deployment('api-a', 'app: api, zone: a', 3)}${deployment('api-b', 'app: api, zone: b', 1)}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy: {loadBalancer: {zoneAwareLbSetting: ${za}}}
`;
const SELF_DISCOVERY =
  '  meshConfig: {defaultConfig: {proxyMetadata: {ISTIO_META_ENABLE_SELF_DISCOVERY: "true"}}}\n';

/** Per web pod (zone-a first): requests to zone-a and zone-b api pods, and the lb_zone_* stats. */
function webToApi(meshConfig: string, za: string) {
  const r = loadScenarioFromTexts({ file: 's.yaml', text: mesh(meshConfig, za) }, [], {});
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const v = runWithViews(r.loaded, {}, { sidecars: true });
  if (v.kind !== 'ran') throw new Error(v.kind);
  return [...v.sidecars!]
    .filter((s) => s.pod.startsWith('web-'))
    .map((s) => {
      const c = s.clusters.find((x) => x.name === 'outbound|80||api.default.svc.cluster.local')!;
      const to = (zone: string) =>
        c.hosts.filter((h) => h.zone === zone).reduce((n, h) => n + (h.stats.rq_total ?? 0), 0);
      const lb = Object.fromEntries(Object.entries(c.stats).filter(([k]) => k.startsWith('lb_zone')));
      return { a: to('zone-a'), b: to('zone-b'), lb };
    });
}

describe('zoneAwareLbSetting end to end (Istio 1.31, ISTIO_META_ENABLE_SELF_DISCOVERY)', () => {
  const off = webToApi('', '{enabled: true, minClusterSize: 4}');

  it('with self discovery: the zone-a web pod stays in zone-a, the zone-b pod keeps half local, half to zone-a', () => {
    const [webA, webB] = webToApi(SELF_DISCOVERY, '{enabled: true, minClusterSize: 4}');
    expect(webA!.b).toBe(0);
    expect(webA!.lb).toEqual({ lb_zone_routing_all_directly: webA!.a });
    // zone-b: 25 % of the hosts for 50 % of the callers: local_percent_to_route 5000 (4 sigma on the share).
    const n = webB!.a + webB!.b;
    expect(Math.abs(webB!.b / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    // Every pick is sampled local or crosses zones; a cross-zone draw of 0 stays local (Envoy's
    // `threshold > residual_capacity_[i]` scan stops at the local entry, whose residual is 0): 1 in 2500.
    expect(webB!.lb.lb_zone_routing_sampled! + webB!.lb.lb_zone_routing_cross_zone!).toBe(n);
    expect(webB!.b - webB!.lb.lb_zone_routing_sampled!).toBe(1);
  });

  it('without self discovery (no local cluster) least-request spreads over all 4 pods: ~1/4 to zone-b from each', () => {
    for (const w of off) {
      const n = w.a + w.b;
      expect(Math.abs(w.b / n - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
      expect(w.lb).toEqual({});
    }
  });

  it('min_cluster_size at its default 6 with 4 api pods: too small, the same picks as without zone routing', () => {
    const small = webToApi(SELF_DISCOVERY, '{enabled: true}');
    expect(small.map((w) => [w.a, w.b])).toEqual(off.map((w) => [w.a, w.b]));
    expect(small.map((w) => w.lb)).toEqual([
      { lb_zone_cluster_too_small: 1 },
      { lb_zone_cluster_too_small: 1 },
    ]);
  });

  it('enabled: false (routing_enabled 0 %): the same picks as without zone routing', () => {
    const disabled = webToApi(SELF_DISCOVERY, '{enabled: false, minClusterSize: 4}');
    expect(disabled.map((w) => [w.a, w.b])).toEqual(off.map((w) => [w.a, w.b]));
  });
});

describe('self discovery is read from MeshConfig defaultConfig.proxyMetadata as Go strconv.ParseBool', () => {
  it.each([
    ['"true"', true],
    ['"1"', true],
    ['"True"', true],
    ['"false"', undefined],
    ['"yes"', undefined],
  ])('ISTIO_META_ENABLE_SELF_DISCOVERY: %s', (value, expected) => {
    const meshConfig = `  meshConfig: {defaultConfig: {proxyMetadata: {ISTIO_META_ENABLE_SELF_DISCOVERY: ${value}}}}\n`;
    const r = loadScenarioFromTexts({ file: 's.yaml', text: mesh(meshConfig, '{enabled: true}') }, [], {});
    expect(r.loaded?.scenario.meshConfig?.selfDiscovery).toBe(expected);
  });
});
