/**
 * The effective policy of one Envoy cluster `outbound|PORT|SUBSET|FQDN` (Istio cluster_traffic_policy.go, policy merge, read from
 * [I:pilot/pkg/networking/util/util.go `MergeSubsetTrafficPolicy`, `GetPortLevelTrafficPolicy`]):
 *   1. top-level policy, or, if `portLevelSettings` has this port, that entry alone (nothing inherited);
 *   2. the subset's policy with its own port-level replacement; each block it has (connectionPool,
 *      outlierDetection, loadBalancer, tls) replaces the parent's block wholesale, and a matching
 *      subset port-level entry replaces all four, even with nothing;
 *   3. defaults for whatever is still unset (defaults.ts).
 */
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from './istio-version.js';
import { DEFAULTS, resolveConnectionPool, resolveLoadBalancer } from './defaults.js';
import type { ClusterPolicy, DestinationRuleConfig, TrafficPolicy, TrafficPolicyBlocks } from './types.js';

function portLevel(
  policy: TrafficPolicy | undefined,
  port: number,
): { blocks: TrafficPolicyBlocks | undefined; hasPortLevel: boolean } {
  if (!policy) return { blocks: undefined, hasPortLevel: false };
  const entry = policy.portLevelSettings.find((p) => p.port === port);
  if (!entry) return { blocks: policy, hasPortLevel: false };
  // Port-level entries carry only these four blocks (`shadowCopyPortTrafficPolicy`).
  const { connectionPool, outlierDetection, loadBalancer, tls } = entry.policy;
  return { blocks: { connectionPool, outlierDetection, loadBalancer, tls }, hasPortLevel: true };
}

function mergeBlocks(
  parent: TrafficPolicyBlocks | undefined,
  subset: TrafficPolicyBlocks | undefined,
  hasPortLevel: boolean,
): TrafficPolicyBlocks | undefined {
  if (!subset) return parent;
  if (!parent) return subset;
  const merged: TrafficPolicyBlocks = { ...parent };
  if (subset.connectionPool || hasPortLevel) merged.connectionPool = subset.connectionPool;
  if (subset.outlierDetection || hasPortLevel) merged.outlierDetection = subset.outlierDetection;
  if (subset.loadBalancer || hasPortLevel) merged.loadBalancer = subset.loadBalancer;
  if (subset.tls || hasPortLevel) merged.tls = subset.tls;
  if (subset.retryBudget) merged.retryBudget = subset.retryBudget;
  return merged;
}

/** The single place Istio's cluster defaults are applied. `dr` undefined = no DestinationRule. */
export function effectiveClusterPolicy(
  dr: DestinationRuleConfig | undefined,
  subset: string | undefined,
  port: number,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): ClusterPolicy {
  const top = portLevel(dr?.trafficPolicy, port).blocks;
  const sub = subset ? dr?.subsets.find((s) => s.name === subset) : undefined;
  const subLevel = portLevel(sub?.trafficPolicy, port);
  const blocks = mergeBlocks(top, subLevel.blocks, subLevel.hasPortLevel);
  const outlierDetection = blocks?.outlierDetection;
  const policy: ClusterPolicy = {
    connectionPool: blocks?.connectionPool ?? resolveConnectionPool(undefined),
    loadBalancer: blocks?.loadBalancer ?? resolveLoadBalancer(undefined),
    // Envoy load_balancer_impl.cc panic threshold: with outlier detection Istio sets the panic threshold to minHealthPercent (default 0).
    // Without it, since Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) istiod sets 0 too: the service
    // receives unhealthy endpoints (cluster_traffic_policy.go, "disable it when service supports unhealthy endpoints").
    panicThresholdPercent: outlierDetection
      ? outlierDetection.minHealthPercent
      : profile.autoSendUnhealthyEndpoints
        ? 0
        : DEFAULTS.panicThresholdWithoutOutlierPercent,
  };
  if (outlierDetection) policy.outlierDetection = outlierDetection;
  if (blocks?.retryBudget) policy.retryBudget = blocks.retryBudget;
  if (blocks?.tls) policy.tlsMode = blocks.tls.mode;
  return policy;
}

/** Envoy cluster name for a destination (`BuildSubsetKey`). */
export function clusterName(port: number, subset: string | undefined, fqdn: string): string {
  return `outbound|${port}|${subset ?? ''}|${fqdn}`;
}
