import { destinationRuleFor } from '../../config/index.js';
import type { ConsistentHashKey, Destination, MeshConfig, TrafficPolicy } from '../../config/types.js';

/**
 * The consistent-hash key istiod puts on a route for one VirtualService destination
 * [I:route.go hashForHTTPDestination]: the DestinationRule's loadBalancer hash, overridden by its port-level
 * setting for the destination's explicit port, by the subset's, and by the subset's port-level one.
 */
export function hashForDestination(
  config: MeshConfig,
  dst: Destination,
  clientNamespace: string,
): ConsistentHashKey | undefined {
  const dr = destinationRuleFor(config, dst.host, clientNamespace);
  if (dr === undefined) return undefined;
  const top = dr.trafficPolicy?.loadBalancer?.hashKey;
  const pls = portLevelHash(dr.trafficPolicy, dst.port);
  const subset = dst.subset === undefined ? undefined : dr.subsets.find((s) => s.name === dst.subset);
  const subsetHash = subset?.trafficPolicy?.loadBalancer?.hashKey;
  const subsetPls = portLevelHash(subset?.trafficPolicy, dst.port);
  return subsetPls ?? subsetHash ?? pls ?? top;
}

/** The hash of the default route of a service port [I:route.go hashForService]. */
export function hashForService(
  config: MeshConfig,
  fqdn: string,
  port: number,
  clientNamespace: string,
): ConsistentHashKey | undefined {
  const dr = destinationRuleFor(config, fqdn, clientNamespace);
  if (dr === undefined) return undefined;
  return portLevelHash(dr.trafficPolicy, port) ?? dr.trafficPolicy?.loadBalancer?.hashKey;
}

function portLevelHash(
  policy: TrafficPolicy | undefined,
  port: number | undefined,
): ConsistentHashKey | undefined {
  if (policy === undefined || port === undefined) return undefined;
  return policy.portLevelSettings.find((p) => p.port === port)?.policy.loadBalancer?.hashKey;
}
