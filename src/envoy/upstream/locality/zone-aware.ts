import type { LoadBalancerSettings } from '../../../config/types.js';
import type { Rng } from '../../../engine/index.js';
import type { Endpoint, EndpointSource, Locality } from '../host.js';
import type { HostSet, LocalityLbEndpoints } from '../host-set.js';

/**
 * Envoy's zone-aware routing as istiod configures it for `loadBalancer.zoneAwareLbSetting` (Istio 1.31,
 * istio/api PR #3733, istio/istio PR #60765; envoyproxy.io "Zone aware routing", arch_overview
 * load_balancing/zone_aware): the cluster gets `common_lb_config.zone_aware_lb_config` {routing_enabled:
 * 100 % (0 % with `enabled: false`), min_cluster_size (default 6)} and the proxy a `local_cluster` (self
 * discovery, `ISTIO_META_ENABLE_SELF_DISCOVERY: "true"` in proxyMetadata): the endpoints of the first
 * Service that selects the proxy, filtered to its region and workload.
 *
 * Envoy [E:source/extensions/load_balancing_policies/common/load_balancer_impl.cc ZoneAwareLoadBalancerBase]:
 * `regenerateLocalityRoutingStructures` on every change of priority 0 or of the local cluster latches one
 * of three states; `hostSourceToUse` consults it for picks of priority 0 and `tryChooseLocalLocalityHosts`
 * returns the locality to pick from.
 */
export const LocalityRoutingState = {
  NoLocalityRouting: 0,
  /** All picks go to the local zone: its share of upstream hosts is at least its share of local hosts. */
  LocalityDirect: 1,
  /** local_percent_to_route_ of the picks stay local, the rest spill by residual capacity. */
  LocalityResidual: 2,
} as const;
export type LocalityRoutingState = (typeof LocalityRoutingState)[keyof typeof LocalityRoutingState];

/** The proxy's `local_cluster`: a versioned endpoint list and which of its endpoints belong to it. */
export interface LocalCluster {
  readonly source: EndpointSource;
  readonly member: (e: Endpoint) => boolean;
}

export interface ZoneAwareParams {
  /** routing_enabled as istiod sets it: 100 % (`enabled: true`) or 0 % (`enabled: false`). */
  readonly routingEnabled: boolean;
  /** min_cluster_size: fewer healthy hosts at priority 0 disables zone routing (Envoy default 6). */
  readonly minClusterSize: number;
  readonly local: LocalCluster;
  /** The proxy's own locality (the node locality Envoy calls local). */
  readonly locality: Locality;
}

/** Envoy's zone routing stats [E:source/common/upstream/upstream_impl.h ALL_CLUSTER_LB_STATS]. */
export type ZoneRoutingStat =
  | 'lb_recalculate_zone_structures'
  | 'lb_local_cluster_not_ok'
  | 'lb_zone_cluster_too_small'
  | 'lb_zone_routing_all_directly'
  | 'lb_zone_routing_sampled'
  | 'lb_zone_routing_cross_zone'
  | 'lb_zone_no_capacity_left';

export const ENVOY_DEFAULT_MIN_CLUSTER_SIZE = 6;

const sameLocality = (a: Locality, b: Locality) =>
  a === b || (a.region === b.region && a.zone === b.zone && a.subZone === b.subZone);

/**
 * The per-LB zone routing state (Envoy's PerPriorityState of priority 0). Localities are visited local
 * first, as Envoy's HostsPerLocality orders them (`order`), so the residual search matches Envoy's.
 */
export class ZoneAwareRouting {
  state: LocalityRoutingState = LocalityRoutingState.NoLocalityRouting;
  /** Out of 10000. */
  localPercentToRoute = 0;
  /** Cumulative residual capacity per entry of `order` (out of 10000). */
  residualCapacity: number[] = [];
  /** Host-set locality indices, the local locality first when priority 0 has it. */
  order: number[] = [];
  private localIndex = -1;
  private seenUpstream = -1;
  private seenLocal = -1;
  /** Healthy local-cluster hosts per locality, the local locality first (Envoy's local HostsPerLocality). */
  private localCounts: { locality: Locality; n: number }[] = [];

  constructor(
    readonly p: ZoneAwareParams,
    private readonly stat: (name: ZoneRoutingStat) => void,
  ) {}

  /** Recomputes when priority 0 (`upstreamVersion`) or the local cluster changed since the last pick. */
  maybeRegenerate(p0: HostSet | undefined, upstreamVersion: number): void {
    const lv = this.p.local.source.version;
    if (upstreamVersion === this.seenUpstream && lv === this.seenLocal) return;
    if (lv !== this.seenLocal) this.localCounts = countLocal(this.p.local, this.p.locality);
    this.seenUpstream = upstreamVersion;
    this.seenLocal = lv;
    this.regenerate(p0);
  }

  /** `regenerateLocalityRoutingStructures`. */
  private regenerate(p0: HostSet | undefined): void {
    this.stat('lb_recalculate_zone_structures');
    this.state = LocalityRoutingState.NoLocalityRouting;
    if (p0 === undefined || this.earlyExitNonLocalityRouting(p0)) return;
    const upstream = p0.healthyHostsPerLocality;
    this.localIndex = p0.localities.findIndex((l) => sameLocality(l, this.p.locality));
    this.order = [];
    if (this.localIndex >= 0) this.order.push(this.localIndex);
    for (let i = 0; i < upstream.length; i++) if (i !== this.localIndex) this.order.push(i);
    // calculateLocalityPercentages (HEALTHY_HOSTS_NUM): shares of healthy hosts, out of 10000, truncated.
    let totalLocal = 0;
    for (const c of this.localCounts) totalLocal += c.n;
    let totalUpstream = 0;
    for (const hs of upstream) totalUpstream += hs.length;
    const n = this.order.length;
    const localPct = new Array<number>(n);
    const upstreamPct = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const i = this.order[k]!;
      const hs = upstream[i]!;
      if (hs.length === 0) {
        localPct[k] = 0;
        upstreamPct[k] = 0;
        continue;
      }
      const loc = p0.localities[i]!;
      const lw = this.localCounts.find((c) => sameLocality(c.locality, loc))?.n ?? 0;
      localPct[k] = totalLocal > 0 ? Math.floor((10000 * lw) / totalLocal) : 0;
      upstreamPct[k] = totalUpstream > 0 ? Math.floor((10000 * hs.length) / totalUpstream) : 0;
    }
    const hasLocal = this.localIndex >= 0;
    if (hasLocal && upstreamPct[0]! > 0 && upstreamPct[0]! >= localPct[0]!) {
      this.state = LocalityRoutingState.LocalityDirect;
      return;
    }
    this.state = LocalityRoutingState.LocalityResidual;
    this.localPercentToRoute =
      hasLocal && localPct[0]! > 0 ? Math.floor((upstreamPct[0]! * 10000) / localPct[0]!) : 0;
    this.residualCapacity = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const last = k > 0 ? this.residualCapacity[k - 1]! : 0;
      const spare = upstreamPct[k]! - localPct[k]!;
      this.residualCapacity[k] = (k === 0 && hasLocal) || spare <= 0 ? last : last + spare;
    }
  }

  /** `earlyExitNonLocalityRouting`, in Envoy's order. */
  private earlyExitNonLocalityRouting(p0: HostSet): boolean {
    if (p0.healthyHostsPerLocality.length < 2) return true;
    if (this.localCounts.length < 2) return true;
    // The local cluster must have hosts in the proxy's own locality.
    if (this.localCounts[0] === undefined || !sameLocality(this.localCounts[0].locality, this.p.locality)) {
      this.stat('lb_local_cluster_not_ok');
      return true;
    }
    if (p0.healthyHosts.length < this.p.minClusterSize) {
      this.stat('lb_zone_cluster_too_small');
      return true;
    }
    return false;
  }

  /**
   * Whether this pick does zone routing (`hostSourceToUse`, after the panic and locality-weighted
   * branches): state latched, routing_enabled. The local cluster's panic check never fires here: its
   * hosts are its ready endpoints, all healthy, and it is never empty once latched.
   */
  routes(priority: number): boolean {
    return priority === 0 && this.state !== LocalityRoutingState.NoLocalityRouting && this.p.routingEnabled;
  }

  /** `tryChooseLocalLocalityHosts`: the host-set locality index to pick from. */
  chooseLocality(rng: Rng): number {
    if (this.state === LocalityRoutingState.LocalityDirect) {
      this.stat('lb_zone_routing_all_directly');
      return this.localIndex;
    }
    if (rng.uint32() % 10000 < this.localPercentToRoute) {
      this.stat('lb_zone_routing_sampled');
      return this.localIndex;
    }
    this.stat('lb_zone_routing_cross_zone');
    const n = this.order.length;
    const total = this.residualCapacity[n - 1]!;
    if (total === 0) {
      // Rounding left no residual capacity: Envoy picks a random locality.
      this.stat('lb_zone_no_capacity_left');
      return this.order[rng.uint32() % n]!;
    }
    const threshold = rng.uint32() % total;
    let k = 0;
    while (threshold > this.residualCapacity[k]!) k++;
    return this.order[k]!;
  }
}

/** The local cluster's hosts per locality, the proxy's locality first (only localities with hosts). */
function countLocal(local: LocalCluster, proxy: Locality): { locality: Locality; n: number }[] {
  const out: { locality: Locality; n: number }[] = [];
  for (const e of local.source.endpoints) {
    if (!local.member(e)) continue;
    let c = out.find((x) => sameLocality(x.locality, e.locality));
    if (c === undefined) out.push((c = { locality: e.locality, n: 0 }));
    c.n++;
  }
  const i = out.findIndex((c) => sameLocality(c.locality, proxy));
  if (i > 0) out.unshift(...out.splice(i, 1));
  return out;
}

/**
 * istiod's load assignment with zone-aware routing on: endpoints always partitioned by region, the
 * proxy's region at priority 0 (Envoy balances its zones), other regions below it; a `failover` rule
 * from the proxy's region puts its `to` region at 1 and the rest at 2 (ZoneAwareLoadBalancerSetting
 * reference, istio.io; istio/istio PR #60765).
 * NOTE: simplification: `failoverPriority` labels do not order the cross-region tiers.
 */
export function zoneAwarePriorities(
  groups: readonly LocalityLbEndpoints[],
  proxy: Locality,
  failover: readonly { from: string; to: string }[],
): LocalityLbEndpoints[] {
  const rule = failover.find((f) => f.from === proxy.region);
  const tier = (l: Locality) =>
    l.region === proxy.region ? 0 : rule === undefined || l.region === rule.to ? 1 : 2;
  const used = [...new Set(groups.map((g) => tier(g.locality)))].sort((a, b) => a - b);
  return groups.map((g) => ({ ...g, priority: used.indexOf(tier(g.locality)) }));
}

/**
 * The zone routing of one cluster's LB, or null: the DestinationRule must set zoneAwareLbSetting and the
 * proxy must have a local cluster (self discovery), else Envoy has no zone_aware state to latch.
 */
export function zoneAwareRoutingFor(
  lb: LoadBalancerSettings,
  local: LocalCluster | undefined,
  locality: Locality,
  stat: (name: ZoneRoutingStat) => void,
): ZoneAwareRouting | null {
  const za = lb.zoneAware;
  if (za === undefined || local === undefined) return null;
  const minClusterSize = za.minClusterSize ?? ENVOY_DEFAULT_MIN_CLUSTER_SIZE;
  return new ZoneAwareRouting({ routingEnabled: za.enabled, minClusterSize, local, locality }, stat);
}
