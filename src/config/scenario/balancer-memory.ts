/**
 * What a sidecar's cluster costs beyond its idle (sidecar, endpoint) pairs, for the memory estimate
 * (size.ts, MSIM2006). Balancers that pick by index into the member lists (LEAST_REQUEST, ROUND_ROBIN,
 * RANDOM, no slow start) and hash rings and Maglev tables list the endpoints they never picked by shared
 * placeholders, so an idle pair costs BYTES_PER_IDLE_PAIR (plus a slot in the sidecar's ring or table);
 * EDF schedules (slow start) and PASSTHROUGH hold a Host for every endpoint; a Maglev table or a ring
 * costs its entries once for every sidecar with the same members (issue #14: a 3 x 1,000-pod mesh with
 * `warmup` had 2.7x the memory of the same mesh without it, none of it in the estimate).
 */
import {
  BYTES_PER_HASH_MEMBER,
  BYTES_PER_KEPT_HOST_PAIR,
  BYTES_PER_MAGLEV_SLOT,
  BYTES_PER_RING_ENTRY,
  MAX_RING_SIZE,
} from '../limits.js';
import { effectiveClusterPolicy } from '../cluster-policy.js';
import { destinationRuleFor } from '../lookup.js';
import type { LoadBalancerSettings, MeshConfig, ServiceConfig } from '../types.js';

/**
 * Whether a cluster with these settings keeps a Host per endpoint from the start (slow start's EDF
 * schedules, PASSTHROUGH; hash rings and Maglev tables take placeholders and swap in what they pick).
 * The same rule as Cluster's lazy hosts (envoy/upstream/cluster.ts `pickByIndex`; a test holds the two
 * together).
 */
export function balancerKeepsEveryHost(lb: LoadBalancerSettings): boolean {
  if (lb.policy === 'RING_HASH' || lb.policy === 'MAGLEV') return false;
  if (lb.policy !== 'LEAST_REQUEST' && lb.policy !== 'ROUND_ROBIN' && lb.policy !== 'RANDOM') return true;
  return lb.warmup !== undefined && lb.warmup.durationMs > 0;
}

/** What one cluster's balancer adds: per sidecar, and once per member set (a table every sidecar shares). */
export interface BalancerCost {
  perSidecar: number;
  shared: number;
}

/**
 * Extra bytes of one cluster of `endpoints` members with balancer `lb`: every member's own Host (and its
 * EDF entries) and the balancer's table. Measured at 3 x 1,000 pods (docs/performance.md, ninth pass):
 * ~77 bytes a kept Host with its list slots, ~35-50 more once its EDF schedule exists (two schedules
 * while a priority is in panic); Maglev ~5.3 bytes a table slot (~350 KB measured per 65,537-slot cluster before tables were
 * shared), a ring 16 bytes an entry; one table or ring for every sidecar with the same members
 * (member-table-cache.ts).
 */
export function balancerBytes(lb: LoadBalancerSettings, endpoints: number): BalancerCost {
  // A ring or table is shared; each sidecar's structure keeps a slot per member (placeholder or Host).
  if (lb.policy === 'MAGLEV')
    return {
      perSidecar: endpoints * BYTES_PER_HASH_MEMBER,
      shared: lb.maglevTableSize * BYTES_PER_MAGLEV_SLOT,
    };
  if (lb.policy === 'RING_HASH')
    return {
      perSidecar: endpoints * BYTES_PER_HASH_MEMBER,
      shared: endpoints > 0 ? ringEntries(endpoints, lb.minimumRingSize) * BYTES_PER_RING_ENTRY : 0,
    };
  if (!balancerKeepsEveryHost(lb)) return { perSidecar: 0, shared: 0 };
  return { perSidecar: endpoints * BYTES_PER_KEPT_HOST_PAIR, shared: 0 };
}

/**
 * Entries of a ring of `n` equally weighted hosts (ring-hash.ts: the lightest host gets
 * ceil(minWeight x minRingSize) entries, bounded by the maximum ring size).
 */
function ringEntries(n: number, minRingSize: number): number {
  return Math.min(Math.ceil(minRingSize / n) * n, MAX_RING_SIZE);
}

/**
 * The heaviest balancer cost of the clusters a sidecar in `clientNamespace` may build for `svc`: the
 * service's cluster on each port and each subset cluster of its DestinationRule (a conservative bound:
 * every subset is counted with all the service's endpoints).
 */
export function serviceBalancerBytes(
  config: MeshConfig,
  svc: ServiceConfig,
  clientNamespace: string,
  endpoints: number,
): BalancerCost {
  const worst: BalancerCost = { perSidecar: 0, shared: 0 };
  const dr = destinationRuleFor(config, svc.fqdn, clientNamespace);
  if (dr === undefined) return worst;
  const ports = svc.ports.length > 0 ? svc.ports.map((p) => p.port) : [0];
  const subsets: (string | undefined)[] = [undefined, ...dr.subsets.map((s) => s.name)];
  for (const port of ports)
    for (const subset of subsets) {
      const c = balancerBytes(effectiveClusterPolicy(dr, subset, port).loadBalancer, endpoints);
      worst.perSidecar = Math.max(worst.perSidecar, c.perSidecar);
      worst.shared = Math.max(worst.shared, c.shared);
    }
  return worst;
}
