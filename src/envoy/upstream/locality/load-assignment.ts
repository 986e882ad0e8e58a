import type { LoadBalancerSettings, LocalityLbSetting } from '../../../config/types.js';
import type { Host, Locality } from '../host.js';
import { groupByLocality, type LocalityLbEndpoints } from '../host-set.js';
import { lbPriority, localityMatch, withTopologyLabels } from './locality-match.js';
import { zoneAwarePriorities } from './zone-aware.js';

/** The client proxy a cluster belongs to: load assignments are computed relative to it (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go). */
export interface ProxyPlacement {
  readonly locality: Locality;
  /** The proxy's pod labels (failoverPriority compares them with endpoint labels). */
  readonly labels: Readonly<Record<string, string>>;
}

interface Group {
  locality: Locality;
  hosts: Host[];
  weight: number;
  priority: number;
}

/**
 * istiod's locality pass over one cluster's endpoints for one proxy
 * [I:pilot/pkg/networking/core/loadbalancer/loadbalancer.go `ApplyLocalityLoadBalancer`]:
 *   1. localityLbSetting disabled: every locality at priority 0 with its natural weight;
 *   2. `distribute` (wins over failover): locality weights from the first rule whose `from` matches the
 *      proxy, localities no `to` entry names are dropped;
 *   3. no outlier detection: stop here (failover needs it, or Envoy would never leave priority 0);
 *   4. `failoverPriority`: priorities by the number of leading labels matching the proxy's, then, if
 *      `failover` is also set, region failover on top;
 *   5. otherwise Istio's default region/zone/subzone failover with the `failover` from→to rules.
 *
 * Kubernetes `trafficDistribution` forces step 4 without outlier detection (`forced`, config/istio-version-locality.ts).
 *
 * NOTE: simplification: istiod's ENABLE_LOCALITY_WEIGHTED_LB_CONFIG is not modelled: the cluster spec lacks it.
 */
export function buildLoadAssignment(
  hosts: readonly Host[],
  proxy: ProxyPlacement,
  lb: LoadBalancerSettings,
  hasOutlierDetection: boolean,
): LocalityLbEndpoints[] {
  const groups = groupByLocality(hosts) as Group[];
  // zoneAwareLbSetting (Istio 1.31): region tiers, zones balanced by Envoy (zone-aware.ts).
  if (lb.zoneAware?.enabled) return zoneAwarePriorities(groups, proxy.locality, lb.zoneAware.failover);
  const s = lb.locality;
  if (!s.enabled) return groups;
  if (s.distribute.length > 0) return applyLocalityWeights(proxy.locality, groups, s.distribute);
  // trafficDistribution forces failover without outlier detection (loadbalancer.go: forceFailover).
  if (!hasOutlierDetection && s.forced !== true) return groups;
  if (s.failoverPriority.length > 0) {
    const split = applyFailoverPriorities(
      groups,
      withTopologyLabels(proxy.labels, proxy.locality),
      s.failoverPriority,
    );
    return s.failover.length > 0 ? applyLocalityFailover(proxy.locality, split, s.failover) : split;
  }
  return applyLocalityFailover(proxy.locality, groups, s.failover);
}

/**
 * What of the proxy's placement buildLoadAssignment reads, as a key: its locality always, its labels
 * only when failoverPriority may compare them. Proxies with the same key get the same assignment
 * (shared-assignment.ts).
 */
export function placementKey(lb: LoadBalancerSettings, proxy: ProxyPlacement): string {
  const l = proxy.locality;
  let key = `${l.region}\0${l.zone}\0${l.subZone}`;
  if (lb.locality.failoverPriority.length === 0) return key;
  const labels = proxy.labels;
  for (const k of Object.keys(labels).sort()) key += `\0${k}\0${labels[k]}`;
  return key;
}

/**
 * Whether istiod sets `locality_weighted_lb_config` on the cluster [I:cluster_traffic_policy.go
 * `applyLocalityLoadBalancer`]: with `distribute`, or with failover/failoverPriority when failover is
 * enabled (outlier detection present). Istio's default failover alone sets priorities, not locality weights.
 */
export function localityWeightedLbEnabled(lb: LoadBalancerSettings, hasOutlierDetection: boolean): boolean {
  const s = lb.locality;
  // zone_aware_lb_config and locality_weighted_lb_config are one oneof (Envoy CommonLbConfig).
  if (lb.zoneAware?.enabled) return false;
  if (!s.enabled) return false;
  if (s.distribute.length > 0) return true;
  return hasOutlierDetection && (s.failover.length > 0 || s.failoverPriority.length > 0);
}

/**
 * `distribute` [I:loadbalancer.go `applyLocalityWeights`]: the first rule whose `from` matches the proxy
 * wins; each `to` entry claims the still unclaimed locality groups it matches and splits its weight over
 * them as ceil(group weight × w / claimed total); unclaimed groups lose their endpoints.
 *
 * NOTE: simplification: `to` entries are visited in the order written; istiod ranges over a Go map (random
 * order), which only matters when two `to` patterns overlap.
 */
function applyLocalityWeights(
  proxy: Locality,
  groups: Group[],
  distribute: LocalityLbSetting['distribute'],
): Group[] {
  const rule = distribute.find((d) => localityMatch(proxy, d.from));
  if (rule === undefined) return groups;
  const claimed = new Array<boolean>(groups.length).fill(false);
  for (const [pattern, w] of Object.entries(rule.to)) {
    const mine: number[] = [];
    let total = 0;
    groups.forEach((g, i) => {
      if (claimed[i] || !localityMatch(g.locality, pattern)) return;
      claimed[i] = true;
      mine.push(i);
      total += g.weight;
    });
    for (const i of mine) {
      const dest = (groups[i]!.weight * w) / total;
      if (dest > 0) groups[i]!.weight = Math.ceil(dest);
    }
  }
  return groups.map((g, i) => (claimed[i] ? g : { ...g, hosts: [] }));
}

/**
 * Region/zone/subzone failover [I:loadbalancer.go `applyLocalityFailover`]: priority = LbPriority (0..3);
 * another region's endpoints get 4 when a `failover` rule from the proxy's region names a different `to`
 * region; combined with any failoverPriority priority as p×5 + locality priority, then compacted to 0..N.
 */
function applyLocalityFailover(
  proxy: Locality,
  groups: Group[],
  failover: LocalityLbSetting['failover'],
): Group[] {
  for (const g of groups) {
    let p = lbPriority(proxy, g.locality);
    if (p === 3) {
      const rule = failover.find((f) => f.from === proxy.region);
      if (rule !== undefined && g.locality.region !== rule.to) p = 4;
    }
    g.priority = g.priority * 5 + p;
  }
  return compactPriorities(groups);
}

/**
 * failoverPriority [I:loadbalancer.go `applyFailoverPriorities`]: an endpoint whose first mismatching
 * label (proxy value, or the `label=value` override) is the j-th of N gets priority N − j; all match → 0.
 * Each locality group splits into one group per priority, weighing the sum of its endpoints' weights.
 */
function applyFailoverPriorities(
  groups: Group[],
  proxyLabels: Readonly<Record<string, string>>,
  failoverPriority: readonly string[],
): Group[] {
  const names: string[] = [];
  const overrides = new Map<string, string>();
  for (const entry of failoverPriority) {
    const [name = '', value] = entry.split('=');
    names.push(name);
    if (value !== undefined) overrides.set(name, value);
  }
  const lowest = names.length;
  const out: Group[] = [];
  for (const g of groups) {
    const byPriority = new Map<number, Group>();
    for (const h of g.hosts) {
      const labels = withTopologyLabels(h.endpoint.labels, h.endpoint.locality);
      let p = 0;
      for (let j = 0; j < names.length; j++) {
        const name = names[j]!;
        const want = overrides.get(name) ?? proxyLabels[name];
        if (want !== labels[name]) {
          p = lowest - j;
          break;
        }
      }
      let split = byPriority.get(p);
      if (split === undefined) {
        split = { locality: g.locality, hosts: [], weight: 0, priority: p };
        byPriority.set(p, split);
      }
      split.hosts.push(h);
      split.weight += h.endpoint.weight;
    }
    out.push(...[...byPriority.values()].sort((a, b) => a.priority - b.priority));
  }
  return compactPriorities(out);
}

/** Priorities must run 0..N without gaps: map the sorted distinct values to their rank. */
function compactPriorities(groups: Group[]): Group[] {
  const distinct = [...new Set(groups.map((g) => g.priority))].sort((a, b) => a - b);
  for (const g of groups) g.priority = distinct.indexOf(g.priority);
  return groups;
}
