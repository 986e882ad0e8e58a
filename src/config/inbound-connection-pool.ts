/**
 * The connection pool istiod gives a server pod's inbound cluster `inbound|PORT||` [I:pilot/pkg/networking/
 * core/cluster_builder.go `buildInboundCluster`]: "When users specify circuit breakers, they need to be set
 * on the receiver end (server side) as well as client side". Three layers, each replacing the whole
 * connectionPool block (never merged field by field):
 *
 *   1. the DestinationRule of the pod's Service host, after `util.GetPortLevelTrafficPolicy(dr.trafficPolicy,
 *      servicePort)`: a `portLevelSettings` entry for the service port replaces the top-level policy
 *      (with nothing inherited, so an entry without connectionPool leaves none). Subsets never apply:
 *      the inbound cluster is not a subset cluster;
 *   2. below it, MeshConfig `defaultTrafficPolicy.connectionPool` (`applyDefaultTrafficPolicy`: used only
 *      when the DR layer has no connectionPool);
 *   3. above both, the Sidecar resource (`SidecarScope.InboundConnectionPoolForPort`: the `ingress[]`
 *      listener of that port's connectionPool, else `inboundConnectionPool`), which replaces the block.
 *
 * Then `applyTrafficPolicy(nil, opts)` with direction inbound applies only the connection pool (limits,
 * connect/idle timeouts, max requests per connection) and the DR's retryBudget; outlierDetection,
 * loadBalancer, tls and h2UpgradePolicy are skipped for inbound clusters [I:pilot/pkg/networking/core/
 * cluster_traffic_policy.go `applyTrafficPolicy`: "only connection pool will be applied to inbound cluster"].
 */
import { destinationRuleFor } from './lookup.js';
import type { ConnectionPoolSettings, MeshConfig, TrafficPolicyBlocks } from './types.js';

/** One layer's connectionPool block, resolved (defaults.ts resolveConnectionPool), as each resource writes it. */
export type InboundConnectionPoolInput = ConnectionPoolSettings;

/** The three layers for one inbound port; each optional (absent = that resource sets nothing). */
export interface InboundConnectionPoolLayers {
  /** The DR's connectionPool for the service port (see `destinationRuleInboundLayer`). */
  readonly destinationRule?: InboundConnectionPoolInput;
  /** MeshConfig `defaultTrafficPolicy.connectionPool` (Istio 1.31). */
  readonly meshDefault?: InboundConnectionPoolInput;
  /** Sidecar `ingress[port].connectionPool`, else Sidecar `inboundConnectionPool` (see `sidecarInboundLayer`). */
  readonly sidecar?: InboundConnectionPoolInput;
}

/**
 * The effective inbound connectionPool, or undefined when no layer sets one: istiod then applies an empty
 * block (every limit 2^32-1), which the mesh models by not interposing a pool at all (same behaviour, no
 * cost on the hot path).
 */
export function inboundConnectionPool(
  layers: InboundConnectionPoolLayers,
): InboundConnectionPoolInput | undefined {
  if (layers.sidecar !== undefined) return layers.sidecar;
  if (layers.destinationRule !== undefined) return layers.destinationRule;
  return layers.meshDefault;
}

/**
 * The Sidecar layer (`InboundConnectionPoolForPort`): the ingress listener whose port is the inbound
 * cluster's port wins when it has a connectionPool, else the resource-wide `inboundConnectionPool`.
 */
export function sidecarInboundLayer(
  ingress: readonly { port: number; connectionPool?: InboundConnectionPoolInput }[],
  inboundConnectionPoolOfSidecar: InboundConnectionPoolInput | undefined,
  clusterPort: number,
): InboundConnectionPoolInput | undefined {
  for (const i of ingress) if (i.port === clusterPort && i.connectionPool) return i.connectionPool;
  return inboundConnectionPoolOfSidecar;
}

/** The DR layer's blocks for the inbound side: connectionPool and retryBudget (both applied inbound). */
export interface DestinationRuleInboundLayer {
  readonly connectionPool?: InboundConnectionPoolInput;
  readonly retryBudget?: TrafficPolicyBlocks['retryBudget'];
}

/**
 * The DestinationRule layer of a server pod's Service: the DR istiod finds for the Service host from the
 * pod's namespace, port-level replacement by the service port, then its connectionPool and retryBudget.
 */
export function destinationRuleInboundLayer(
  config: MeshConfig,
  serviceFqdn: string,
  servicePort: number,
  podNamespace: string,
): DestinationRuleInboundLayer {
  const policy = destinationRuleFor(config, serviceFqdn, podNamespace)?.trafficPolicy;
  if (policy === undefined) return {};
  const entry = policy.portLevelSettings.find((p) => p.port === servicePort);
  // shadowCopyPortTrafficPolicy copies connectionPool, loadBalancer, outlierDetection and tls only: a
  // port-level entry drops the top-level retryBudget too.
  const blocks: TrafficPolicyBlocks =
    entry !== undefined ? { connectionPool: entry.policy.connectionPool } : policy;
  const out: {
    connectionPool?: InboundConnectionPoolInput;
    retryBudget?: TrafficPolicyBlocks['retryBudget'];
  } = {};
  if (blocks.connectionPool !== undefined) out.connectionPool = blocks.connectionPool;
  if (blocks.retryBudget !== undefined) out.retryBudget = blocks.retryBudget;
  return out;
}
