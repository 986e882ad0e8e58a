import {
  defaultRetryPolicy,
  hostMatches,
  isMeshBound,
  isWildcardHost,
  virtualServiceIndex,
} from '../../config/index.js';
import { istioOf } from '../../config/istio-version.js';
import type { MeshConfig, ServiceConfig, VirtualServiceConfig } from '../../config/types.js';
import { clusterName } from '../../envoy/index.js';
import type { Route, RouteEntry, VirtualHost } from '../../envoy/router/index.js';
import type { Pod } from '../pod.js';
import { hashForService } from './destination-hash.js';
import { type RouteGenContext, translateVirtualServiceRoutes } from './http-route-translation.js';
import { isHttpOrSniffed, serviceDomains } from './service-domains.js';

/**
 * istiod's sidecar virtual hosts from VirtualServices for one proxy and one outbound listener port
 * [I:route.go BuildSidecarVirtualHostWrapper, buildSidecarVirtualHostsForVirtualService] (Istio route.go BuildSidecarVirtualHostWrapper):
 *
 * - Only mesh-bound VirtualServices (no `gateways`, or `mesh` among them: push_context.go
 *   getGatewayNames puts a VirtualService without gateways under `mesh` only) exported to the proxy's
 *   namespace apply; one bound to gateways alone is for gateway proxies (gateway-routes.ts);
 *   each service host takes the one VirtualService istiod keeps for it (exact host over wildcard, then
 *   the oldest; lookup.ts).
 * - A VirtualService contributes a virtual host on every HTTP port of the services it covers, answering
 *   to their names and to its hosts that are not services (`api.example.com`); when it covers no service,
 *   those hosts get a virtual host on port 80 only.
 * - A VirtualService that yields no route for this proxy and port (every match block is for another
 *   port or other sources) contributes nothing: its services keep their default route.
 *
 * `coveredHosts` lists the service FQDNs whose default route the VirtualServices replace: a host with a
 * VirtualService gets only its routes, so an unmatched request is 404 NR.
 */
export function virtualServiceVirtualHosts(
  config: MeshConfig,
  services: readonly ServiceConfig[],
  pod: Pod,
  port: number,
): { virtualHosts: VirtualHost[]; coveredHosts: Set<string> } {
  const registry = new Map(services.map((s) => [s.fqdn, s]));
  const ctx: RouteGenContext = {
    config,
    services: registry,
    proxyNamespace: pod.namespace,
    proxyLabels: pod.labels,
    listenPort: port,
  };
  const servicesOf = new Map<VirtualServiceConfig, ServiceConfig[]>();
  const virtualServiceFor = virtualServiceIndex(config, pod.namespace);
  for (const svc of services) {
    const vs = virtualServiceFor(svc.fqdn);
    if (vs === undefined) continue;
    let list = servicesOf.get(vs);
    if (list === undefined) servicesOf.set(vs, (list = []));
    list.push(svc);
  }
  const virtualHosts: VirtualHost[] = [];
  const coveredHosts = new Set<string>();
  for (const vs of config.virtualServices) {
    if (!isMeshBound(vs) || !exportedTo(vs, pod.namespace)) continue;
    const matched = servicesOf.get(vs) ?? [];
    // A plain host can only match a service of the same name: a map lookup, not a scan of the registry.
    const nonService = vs.hosts.filter((h) =>
      isWildcardHost(h) ? !services.some((s) => hostMatches(h, s.fqdn)) : !registry.has(h),
    );
    if (matched.length === 0 && nonService.length === 0) continue;
    if (!listensOn(matched, port)) continue;
    const routes = translateVirtualServiceRoutes(vs, ctx);
    if (routes.length === 0) continue;
    const domains: string[] = [];
    for (const svc of matched) {
      if (!svc.ports.some((p) => p.port === port && isHttpOrSniffed(p))) continue;
      domains.push(...serviceDomains(svc, port, pod.namespace));
      coveredHosts.add(svc.fqdn);
    }
    for (const h of nonService) domains.push(h, `${h}:${port}`);
    virtualHosts.push({ name: `${vs.meta.namespace}/${vs.meta.name}:${port}`, domains, routes });
  }
  return { virtualHosts, coveredHosts };
}

/** The VirtualService's virtual hosts exist on its services' HTTP ports, or on port 80 when it has none. */
function listensOn(matched: readonly ServiceConfig[], port: number): boolean {
  let anyHttpPort = false;
  for (const svc of matched) {
    for (const p of svc.ports) {
      if (!isHttpOrSniffed(p)) continue;
      if (p.port === port) return true;
      anyHttpPort = true;
    }
  }
  // istiod's "gross hack": VirtualServices for non-registry hosts only get port 80.
  return !anyHttpPort && port === 80;
}

function exportedTo(vs: VirtualServiceConfig, ns: string): boolean {
  const e = vs.exportTo;
  if (e.length === 0 || e.includes('*')) return true;
  return e.some((x) => (x === '.' ? vs.meta.namespace === ns : x === ns));
}

/**
 * Istio's default route for a service port without a VirtualService [I:route.go
 * BuildDefaultHTTPOutboundRoute, buildSidecarVirtualHostForService]: prefix "/" to `outbound|PORT||FQDN`,
 * the default retry policy (built with consistentHash = false, so previous_hosts stays even for a
 * consistent-hash DestinationRule), timeout 0, and the DestinationRule's hash policy.
 */
export function defaultOutboundRoute(
  config: MeshConfig,
  fqdn: string,
  port: number,
  clientNamespace: string,
): Route {
  const hashPolicy = hashForService(config, fqdn, port, clientNamespace);
  const entry: RouteEntry = {
    kind: 'route',
    name: 'default',
    clusters: [{ name: clusterName(port, '', fqdn), weight: 1 }],
    totalWeight: 1,
    timeoutMs: 0,
    retryPolicy: defaultRetryPolicy(false, istioOf(config)),
    retryPreviousHosts: true,
    mirrors: [],
    ...(hashPolicy ? { hashPolicy } : {}),
  };
  return {
    match: { path: { kind: 'prefix', value: '/', caseSensitive: true }, conditions: [] },
    action: entry,
  };
}
