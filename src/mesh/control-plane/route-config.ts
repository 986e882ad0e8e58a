import type { MeshConfig, ServiceConfig } from '../../config/types.js';
import { RouteTable, type VirtualHost } from '../../envoy/index.js';
import type { Pod } from '../pod.js';
import { isHttpOrSniffed, serviceDomains } from './service-domains.js';
import { defaultOutboundRoute, virtualServiceVirtualHosts } from './virtual-service-routes.js';

export { serviceDomains };

/**
 * istiod's outbound route configuration for one sidecar and one listener port (semantics §1.1): a virtual
 * host per service on that port, answering to every name the service can be called by from the pod's
 * namespace. Hosts that have a VirtualService get only its routes (virtual-service-routes.ts); the others
 * get Istio's default route: prefix "/" to `outbound|PORT||FQDN` with the default retry policy and no
 * timeout [I:route.go BuildDefaultHTTPOutboundRoute].
 */
export function buildRouteTable(
  config: MeshConfig,
  services: readonly ServiceConfig[],
  pod: Pod,
  port: number,
): RouteTable {
  const fromVs = virtualServiceVirtualHosts(config, services, pod, port);
  const vhosts: VirtualHost[] = [...fromVs.virtualHosts];
  for (const svc of services) {
    if (fromVs.coveredHosts.has(svc.fqdn)) continue;
    if (!svc.ports.some((p) => p.port === port && isHttpOrSniffed(p))) continue;
    vhosts.push({
      name: `${svc.fqdn}:${port}`,
      domains: serviceDomains(svc, port, pod.namespace),
      routes: [defaultOutboundRoute(config, svc.fqdn, port, pod.namespace)],
    });
  }
  return new RouteTable(vhosts);
}
