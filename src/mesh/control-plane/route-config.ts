import { defaultRetryPolicy, destinationRuleFor } from '../../config/index.js';
import type { MeshConfig, ServiceConfig } from '../../config/types.js';
import { clusterName, type Route, type RouteEntry, RouteTable, type VirtualHost } from '../../envoy/index.js';
import type { Pod } from '../pod.js';
import { virtualServiceVirtualHosts } from './virtual-service-routes.js';

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
    if (!svc.ports.some((p) => p.port === port)) continue;
    vhosts.push({
      name: `${svc.fqdn}:${port}`,
      domains: serviceDomains(svc, port, pod.namespace),
      routes: [defaultRoute(config, svc.fqdn, port)],
    });
  }
  return new RouteTable(vhosts);
}

/**
 * The names a service answers to from a pod in `clientNamespace`, with and without the port, as Istio
 * lists them in the virtual host's domains (the short name only from the same namespace).
 */
export function serviceDomains(svc: ServiceConfig, port: number, clientNamespace: string): string[] {
  const name = svc.meta.name;
  const ns = svc.meta.namespace;
  const names = [svc.fqdn, `${name}.${ns}.svc`, `${name}.${ns}`];
  if (ns === clientNamespace) names.push(name);
  const out: string[] = [];
  for (const n of names) out.push(n, `${n}:${port}`);
  return out;
}

function defaultRoute(config: MeshConfig, fqdn: string, port: number): Route {
  const dr = destinationRuleFor(config, fqdn);
  const hashed = dr?.trafficPolicy?.loadBalancer?.hashKey !== undefined;
  const entry: RouteEntry = {
    kind: 'route',
    name: 'default',
    clusters: [{ name: clusterName(port, '', fqdn), weight: 1 }],
    totalWeight: 1,
    timeoutMs: 0,
    retryPolicy: defaultRetryPolicy(hashed),
    mirrors: [],
    ...(dr?.trafficPolicy?.loadBalancer?.hashKey
      ? { hashPolicy: dr.trafficPolicy.loadBalancer.hashKey }
      : {}),
  };
  return {
    match: { path: { kind: 'prefix', value: '/', caseSensitive: true }, conditions: [] },
    action: entry,
  };
}
