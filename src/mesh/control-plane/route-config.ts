import type { MeshConfig, ServiceConfig } from '../../config/types.js';
import { RouteTable, type VirtualHost } from '../../envoy/index.js';
import type { Pod } from '../pod.js';
import { isHttpOrSniffed, serviceDomains } from './service-domains.js';
import { defaultOutboundRoute, virtualServiceVirtualHosts } from './virtual-service-routes.js';

export { serviceDomains };

/**
 * istiod's outbound route configuration for one sidecar and one listener port (Istio route.go BuildSidecarVirtualHostWrapper): a virtual
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

/**
 * The route configurations istiod would push, built once per distinct proxy identity and port and
 * shared by every sidecar with that identity. buildRouteTable reads only the proxy's namespace and labels
 * (export scoping, `sourceNamespace`/`sourceLabels` matches) and RouteTables are immutable, so sidecars
 * of one workload get the same object instead of a copy each: a mesh of S services and P pods holds
 * O(workloads x S) routes, not O(P x S) (issue #14).
 */
export class RouteConfigs {
  private readonly byProxy = new Map<string, RouteTable>();

  constructor(
    private readonly config: MeshConfig,
    private readonly services: readonly ServiceConfig[],
  ) {}

  table(pod: Pod, port: number): RouteTable {
    const key = `${port}\u0000${pod.namespace}\u0000${JSON.stringify(Object.entries(pod.labels).sort())}`;
    let t = this.byProxy.get(key);
    if (t === undefined) {
      t = buildRouteTable(this.config, this.services, pod, port);
      this.byProxy.set(key, t);
    }
    return t;
  }
}
