import type { ServiceConfig } from '../config/types.js';
import type { Rng } from '../engine/index.js';
import type { Pod } from './pod.js';

/**
 * A Service's traffic distribution as istiod hands it to ztunnel [pilot/pkg/model/service.go
 * GetTrafficDistribution]: `spec.trafficDistribution` first (PreferClose and PreferSameZone prefer the
 * zone, PreferSameNode the node), then the Service's `networking.istio.io/traffic-distribution`
 * annotation, then the namespace's; anything else is `any`.
 */
export type TrafficDistribution = 'any' | 'same-zone' | 'same-node';

export const TRAFFIC_DISTRIBUTION_ANNOTATION = 'networking.istio.io/traffic-distribution';

export function trafficDistributionOf(
  svc: ServiceConfig,
  nsAnnotations: Readonly<Record<string, string>>,
): TrafficDistribution {
  const spec = parse(svc.trafficDistribution, false);
  if (spec !== undefined) return spec;
  const a = svc.meta.annotations[TRAFFIC_DISTRIBUTION_ANNOTATION];
  if (a !== undefined && a !== '') return parse(a, true) ?? 'any';
  const n = nsAnnotations[TRAFFIC_DISTRIBUTION_ANNOTATION];
  if (n !== undefined && n !== '') return parse(n, true) ?? 'any';
  return 'any';
}

function parse(v: string | undefined, caseInsensitive: boolean): TrafficDistribution | undefined {
  if (v === undefined) return undefined;
  const s = caseInsensitive ? v.toLowerCase() : v;
  const eq = (x: string) => s === (caseInsensitive ? x.toLowerCase() : x);
  if (eq('PreferClose') || eq('PreferSameZone')) return 'same-zone';
  if (eq('PreferSameNode')) return 'same-node';
  return undefined;
}

/**
 * How many of the routing preferences an endpoint's pod shares with the client, in order, stopping at the
 * first mismatch [ztunnel src/state.rs load_balance]. Preferences per istiod
 * [ambient/services.go preferSameZoneLoadBalancer, preferSameNodeLoadBalancer]: network, region, zone
 * (+ subzone, node for PreferSameNode), in FAILOVER mode: only endpoints of the best rank are candidates.
 * NOTE: simplification: one network and one cluster, so the network scope always matches.
 */
function rank(src: Pod, dst: Pod, mode: TrafficDistribution): number {
  let r = 1; // network
  if (src.locality.region !== dst.locality.region) return r;
  r++;
  if (src.locality.zone !== dst.locality.zone) return r;
  r++;
  if (mode === 'same-zone') return r;
  if (src.locality.subZone !== dst.locality.subZone) return r;
  r++;
  if (src.node !== dst.node) return r;
  return r + 1;
}

/**
 * ztunnel's endpoint choice for one connection: among the healthy endpoints (meshsim's are the ready
 * pods, as EDS), those of the best locality rank when the Service prefers closeness, then a weighted
 * random choice by capacity (1 for every pod) [ztunnel src/state.rs load_balance: choose_weighted]:
 * uniform. No outlier detection, no request balancing: ztunnel sees connections, not requests.
 * `podAt(i)` is the i-th candidate's pod, or null when it cannot be used. Returns an index, or -1.
 * Allocation-free.
 */
export function ztunnelPick(
  src: Pod,
  n: number,
  podAt: (i: number) => Pod | null,
  mode: TrafficDistribution,
  rng: Rng,
): number {
  let best = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const p = podAt(i);
    if (p === null) continue;
    const r = mode === 'any' ? 0 : rank(src, p, mode);
    if (r > best) {
      best = r;
      count = 1;
    } else if (r === best) count++;
  }
  if (count === 0) return -1;
  let k = count === 1 ? 0 : rng.uint32() % count;
  for (let i = 0; i < n; i++) {
    const p = podAt(i);
    if (p === null) continue;
    if ((mode === 'any' ? 0 : rank(src, p, mode)) !== best) continue;
    if (k-- === 0) return i;
  }
  return -1;
}
