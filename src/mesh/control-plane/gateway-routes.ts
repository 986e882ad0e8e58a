import { serviceSelects } from '../../config/labels.js';
import type { GatewayHost, MeshConfig, ServiceConfig } from '../../config/types.js';
import { type Route, RouteTable, type VirtualHost } from '../../envoy/router/index.js';
import { type RouteGenContext, translateVirtualServiceRoutes } from './http-route-translation.js';
import { isCatchAll } from './route-match-translation.js';
import {
  gatewayName,
  gatewaysForProxy,
  isHttpServer,
  type ProxyIdentity,
  virtualServicesForGateway,
} from './gateway-selection.js';

/**
 * istiod's HTTP route configuration of a gateway proxy for one listener port (Istio
 * pilot/pkg/networking/core/gateway.go buildGatewayHTTPRouteConfig):
 *
 * - every HTTP server on the port of every Gateway the proxy serves, in order; for each, the
 *   VirtualServices bound to that Gateway and visible from the proxy's namespace
 *   (VirtualServicesForGateway);
 * - a VirtualService's hosts are intersected with the server's hosts allowed for the VirtualService's
 *   namespace (host.NamesForNamespace, Names.Intersection: the more specific of two matching names);
 *   no intersection, no routes;
 * - one virtual host per intersecting host (domains: that host only, the port ignored); VirtualServices
 *   sharing a host are merged: their routes are appended, then catch-all routes move to the end
 *   (route.go SortVHostRoutes), unlike sidecars where the oldest VirtualService wins;
 * - `tls.httpsRedirect` makes the virtual host require TLS: a plain-text request gets a 301 to https;
 * - no virtual host at all: the `blackhole:PORT` virtual host for `*` without routes (404 NR).
 *
 * NOTE: simplification: HTTPS servers that terminate TLS route like HTTP ones (no handshake cost, all on
 * one route configuration per port); TCP/TLS passthrough servers carry no simulated traffic.
 */
export function buildGatewayRouteTable(
  config: MeshConfig,
  services: ReadonlyMap<string, ServiceConfig>,
  proxy: ProxyIdentity,
  port: number,
  scopeToNamespace = false,
): RouteTable {
  const vhosts = new Map<string, { name: string; routes: Route[]; requireTls: boolean }>();
  const built = new Map<string, Route[]>();
  for (const gw of gatewaysForProxy(config, proxy, scopeToNamespace)) {
    const name = gatewayName(gw);
    const ctx: RouteGenContext = {
      config,
      services,
      proxyNamespace: proxy.namespace,
      proxyLabels: proxy.labels,
      listenPort: port,
      gatewayNames: new Set([name]),
    };
    for (const server of gw.servers) {
      if (listenerPortOf(server.port.number, services, proxy) !== port || !isHttpServer(server)) continue;
      const redirect = server.tls?.httpsRedirect === true;
      for (const vs of virtualServicesForGateway(config, proxy.namespace, name)) {
        const hosts = intersectHosts(serverHostsFor(server.hosts, vs.meta.namespace), vs.hosts);
        if (hosts.length === 0) continue;
        const key = `${name}\u0000${vs.meta.namespace}/${vs.meta.name}`;
        let routes = built.get(key);
        if (routes === undefined) built.set(key, (routes = translateVirtualServiceRoutes(vs, ctx)));
        for (const h of hosts) {
          const vh = vhosts.get(h);
          if (vh === undefined)
            vhosts.set(h, { name: `${h}:${port}`, routes: [...routes], requireTls: redirect });
          else {
            vh.routes.push(...routes);
            if (redirect) vh.requireTls = true;
          }
        }
      }
      if (!redirect) continue;
      for (const h of server.hosts) {
        if (!vhosts.has(h.host))
          vhosts.set(h.host, { name: `${h.host}:${port}`, routes: [], requireTls: true });
        else vhosts.get(h.host)!.requireTls = true;
      }
    }
  }
  const out: VirtualHost[] = [];
  for (const [host, vh] of vhosts)
    out.push({
      name: vh.name,
      domains: [host],
      routes: vh.requireTls ? [httpsRedirect(port)] : sortVHostRoutes(vh.routes),
    });
  // Empty route list: Envoy answers 404 NR to every request.
  if (out.length === 0) out.push({ name: `blackhole:${port}`, domains: ['*'], routes: [] });
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return new RouteTable(out, true);
}

/** SortVHostRoutes: catch-all routes to the end, the others keep their relative order. */
function sortVHostRoutes(routes: readonly Route[]): Route[] {
  const rest: Route[] = [];
  const catchAll: Route[] = [];
  for (const r of routes) (isCatchAll(r.match) ? catchAll : rest).push(r);
  return rest.concat(catchAll);
}

/** VirtualHost.require_tls ALL: Envoy redirects a plain-text request to https with a 301. */
function httpsRedirect(port: number): Route {
  return {
    match: { path: { kind: 'prefix', value: '/', caseSensitive: true }, conditions: [] },
    action: { kind: 'redirect', name: `https-redirect:${port}`, status: 301, scheme: 'https', port: 0 },
  };
}

/** host.NamesForNamespace: the server hosts a VirtualService in `namespace` may bind to, namespace dropped. */
export function serverHostsFor(hosts: readonly GatewayHost[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) if (h.namespace === '*' || h.namespace === namespace) out.push(h.host);
  return out;
}

/** host.Names.Intersection: for each matching pair, the one that is a subset of the other. */
export function intersectHosts(serverHosts: readonly string[], vsHosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of serverHosts) {
    for (const v0 of vsHosts) {
      const v = v0.toLowerCase();
      const pick = hostSubsetOf(s, v) ? s : hostSubsetOf(v, s) ? v : undefined;
      if (pick !== undefined && !out.includes(pick)) out.push(pick);
    }
  }
  return out;
}

/** host.Name.SubsetOf (pkg/config/host/name.go): `a` is `b` or within `b`'s wildcard. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * The port a Gateway server's listener binds on the gateway pod (Istio pilot/pkg/model/gateway.go
 * resolvePorts, label-selected gateways): the targetPort of the first port of a Service selecting the
 * pod whose `port` is the server's number (Gateway port 80 on the default ingress gateway listens on
 * 8080), else the number as written.
 */
function listenerPortOf(
  number: number,
  services: ReadonlyMap<string, ServiceConfig>,
  proxy: ProxyIdentity,
): number {
  for (const svc of services.values()) {
    if (!serviceSelects(svc, proxy.namespace, proxy.labels)) continue;
    const sp = svc.ports.find((p) => p.port === number);
    if (sp !== undefined && typeof sp.targetPort === 'number') return sp.targetPort;
  }
  return number;
}
