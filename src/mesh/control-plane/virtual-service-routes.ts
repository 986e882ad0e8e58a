import type { MeshConfig, ServiceConfig } from '../../config/types.js';
import type { VirtualHost } from '../../envoy/index.js';
import type { Pod } from '../pod.js';

/**
 * Translation of VirtualServices into Envoy virtual hosts and routes for one sidecar and port, as istiod
 * does it (semantics §1). `coveredHosts` lists the service FQDNs whose default route the VirtualServices
 * replace.
 *
 * NOTE: simplification: VirtualServices are not translated yet; every host gets Istio's default route.
 */
export function virtualServiceVirtualHosts(
  _config: MeshConfig,
  _services: readonly ServiceConfig[],
  _pod: Pod,
  _port: number,
): { virtualHosts: VirtualHost[]; coveredHosts: Set<string> } {
  return { virtualHosts: [], coveredHosts: new Set() };
}
