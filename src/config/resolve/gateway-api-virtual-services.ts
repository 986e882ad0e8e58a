/**
 * HTTPRoutes → the VirtualServices istiod generates for them (istio pilot/pkg/config/kube/gateway
 * route_collections.go HTTPRouteCollection and mergeHTTPRoutes): for every parent the route may bind
 * to, one VirtualService per hostname, keyed `<parent internal name>/<host>` for a Gateway listener and
 * `<route namespace>[/<port>]/<service FQDN>` for a Service (mesh) parent. VirtualServices with the same
 * key are merged: oldest route first (sortRoutesByCreationTime), rules appended, then sorted by the
 * Gateway API precedence (conversion.go sortHTTPRoutes); the merged name is the key with "/" → "~".
 */
import type { HttpRoute, ObjectMeta, VirtualServiceConfig } from '../types.js';
import { meshParentKind, type RouteParentReference } from './gateway-api-parents.js';
import { type BackendLookup, type BackendProblem, convertHTTPRouteRule } from './gateway-api-rules.js';
import type { HTTPRouteConfig } from './gateway-api-types.js';

/** Marks a VirtualService generated from the Gateway API (constants.InternalRouteSemantics = gateway). */
export const ROUTE_SEMANTICS = 'internal.istio.io/route-semantics';

/** model.UseGatewaySemantics: a VirtualService istiod generated from the Gateway API. */
export function useGatewaySemantics(meta: { annotations: Readonly<Record<string, string>> }): boolean {
  return meta.annotations[ROUTE_SEMANTICS] === 'gateway';
}

interface Keyed {
  key: string;
  route: HTTPRouteConfig;
  order: number;
  vs: VirtualServiceConfig;
}

/**
 * getURIRank/getURILength and sortHTTPRoutes: rules without a match last; then Exact > PathPrefix >
 * RegularExpression, longer paths first, a method match first, more header matches, more query matches.
 * Stable, so equal rules keep their order (oldest route, then rule order).
 */
export function sortHTTPRoutes(routes: HttpRoute[]): HttpRoute[] {
  const rank = (r: HttpRoute) => {
    const u = r.match[0]?.uri;
    return u === undefined
      ? -1
      : u.kind === 'exact'
        ? 3
        : u.kind === 'prefix'
          ? 2
          : u.kind === 'regex'
            ? 1
            : -1;
  };
  const len = (r: HttpRoute) => {
    const u = r.match[0]?.uri;
    return u === undefined || u.kind === 'present' ? 0 : u.value.length;
  };
  return routes
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ma = a.r.match[0];
      const mb = b.r.match[0];
      if (ma === undefined || mb === undefined) return ma === mb ? a.i - b.i : ma === undefined ? 1 : -1;
      return (
        rank(b.r) - rank(a.r) ||
        len(b.r) - len(a.r) ||
        Number(mb.method !== undefined) - Number(ma.method !== undefined) ||
        mb.headers.length - ma.headers.length ||
        mb.queryParams.length - ma.queryParams.length ||
        a.i - b.i
      );
    })
    .map((x) => x.r);
}

/** One route's VirtualServices (before merging), for the parents it binds to. */
function routeVirtualServices(
  route: HTTPRouteConfig,
  parents: readonly RouteParentReference[],
  lookup: BackendLookup,
  problems: BackendProblem[],
  order: number,
): Keyed[] {
  const ok = parents
    .filter((p) => p.denied === undefined)
    .sort((a, b) => (a.internalName < b.internalName ? -1 : a.internalName > b.internalName ? 1 : 0));
  const convert = (mesh: boolean) => {
    const out: HttpRoute[] = [];
    for (let n = 0; n < route.rules.length; n++) {
      const rule = route.rules[n]!;
      for (const m of rule.matches) {
        const r = convertHTTPRouteRule(route, rule, n, m, lookup, !mesh, problems);
        // A hard error: computeRoute keeps no routes at all.
        if (r === null) return [];
        out.push(r);
      }
    }
    return out;
  };
  // buildMeshAndGatewayRoutes converts for every parent type referenced, bound or denied, so
  // ResolvedRefs is reported even for a route that is not Accepted.
  const meshRoutes = parents.some((p) => p.internalName === 'mesh') ? convert(true) : [];
  const gwRoutes = parents.some((p) => p.listener !== undefined) ? convert(false) : [];
  const out: Keyed[] = [];
  for (const p of ok) {
    let key = p.internalName;
    let hosts = route.hostnames.length > 0 ? [...route.hostnames] : ['*'];
    let routes = gwRoutes;
    if (p.internalName === 'mesh') {
      routes = meshRoutes;
      key = route.meta.namespace;
      if (p.ref.port !== undefined) {
        // augmentPortMatch: the route applies to that service port only.
        const port = p.ref.port;
        routes = routes.map((r) => ({ ...r, match: r.match.map((m) => ({ ...m, port })) }));
        key += `/${port}`;
      }
      // A ServiceEntry parent: one VirtualService per host of the ServiceEntry (route_collections.go).
      hosts =
        meshParentKind(p.ref) === 'ServiceEntry'
          ? [...lookup.serviceEntryHosts(p.ref.namespace, p.ref.name)]
          : [`${p.ref.name}.${p.ref.namespace}.svc.cluster.local`];
    }
    if (routes.length === 0) continue;
    for (const h of hosts) {
      if (p.listener && !hostnameAllowedByIsolation(h, p, parents)) continue;
      out.push({
        key: `${key}/${h}`,
        route,
        order,
        vs: generated(route, h, p.internalName, p.ref.namespace, routes),
      });
    }
  }
  return out;
}

function generated(
  route: HTTPRouteConfig,
  host: string,
  gateway: string,
  parentNamespace: string,
  http: HttpRoute[],
): VirtualServiceConfig {
  const meta: ObjectMeta = {
    name: '',
    namespace: route.meta.namespace,
    labels: {},
    annotations: {
      [ROUTE_SEMANTICS]: 'gateway',
      'internal.istio.io/parents': `HTTPRoute/${route.meta.name}.${route.meta.namespace}`,
    },
    source: route.meta.source,
    apiVersion: 'networking.istio.io/v1',
    ...(route.meta.creationTimestamp !== undefined
      ? { creationTimestamp: route.meta.creationTimestamp }
      : {}),
  };
  // A consumer route (in another namespace than its Service or ServiceEntry) applies only to that
  // namespace's proxies (route.go: "Gateway allows only routes from the namespace of the proxy, or
  // namespace of the destination"): exported to its own namespace only.
  const consumer = gateway === 'mesh' && parentNamespace !== route.meta.namespace;
  return {
    meta,
    hosts: [host],
    gateways: [gateway],
    exportTo: consumer ? ['.'] : [],
    http,
    hasTcpOrTls: false,
  };
}

/**
 * hostnameAllowedByIsolation: a wildcard listener does not take a hostname that a more specific listener
 * of the same Gateway, port and protocol matches.
 */
function hostnameAllowedByIsolation(
  host: string,
  p: RouteParentReference,
  all: readonly RouteParentReference[],
): boolean {
  const ours = p.listener!.listener;
  const mine = ours.hostname ?? '';
  if (mine !== '' && !mine.startsWith('*')) return true;
  if (mine !== '' && !(host === mine || (mine.startsWith('*.') && host.endsWith(mine.slice(1)))))
    return false;
  for (const q of all) {
    const l = q.listener?.listener;
    if (!l || q.listener === p.listener || q.listener!.gateway !== p.listener!.gateway) continue;
    if (l.port !== ours.port || l.protocol !== ours.protocol || l.hostname === undefined) continue;
    if (mine.length > l.hostname.length) continue;
    const other = l.hostname;
    const subset =
      host === other || (other.startsWith('*.') && host.endsWith(other.slice(1)) && !host.startsWith('*'));
    if (subset) return false;
  }
  return true;
}

/** Every route's VirtualServices, merged per key as mergeHTTPRoutes merges them. */
export function buildGatewayApiVirtualServices(
  routes: readonly { route: HTTPRouteConfig; parents: readonly RouteParentReference[] }[],
  lookup: BackendLookup,
  problems: Map<HTTPRouteConfig, BackendProblem[]>,
): VirtualServiceConfig[] {
  const byKey = new Map<string, Keyed[]>();
  routes.forEach(({ route, parents }, order) => {
    const list: BackendProblem[] = [];
    for (const k of routeVirtualServices(route, parents, lookup, list, order)) {
      const group = byKey.get(k.key);
      if (group) group.push(k);
      else byKey.set(k.key, [k]);
    }
    problems.set(route, list);
  });
  const out: VirtualServiceConfig[] = [];
  for (const [key, group] of byKey) {
    group.sort(byCreation);
    const base = group[0]!.vs;
    const http = withPathSeparatedPrefixes(sortHTTPRoutes(group.flatMap((g) => g.vs.http)));
    const parentsNote = group.map((g) => g.vs.meta.annotations['internal.istio.io/parents']).join(',');
    out.push({
      ...base,
      meta: {
        ...base.meta,
        name: key.replaceAll('/', '~'),
        annotations: { ...base.meta.annotations, 'internal.istio.io/parents': parentsNote },
      },
      http,
    });
  }
  return out;
}

/** sortRoutesByCreationTime: creation time, then namespace, then name (load order without timestamps). */
function byCreation(a: Keyed, b: Keyed): number {
  const ta = a.route.meta.creationTimestamp;
  const tb = b.route.meta.creationTimestamp;
  if (ta !== undefined && tb !== undefined && ta !== tb) return ta < tb ? -1 : 1;
  // No timestamp is Go's zero time: the oldest.
  if (ta !== tb) return ta === undefined ? -1 : 1;
  const na = a.route.meta.namespace;
  const nb = b.route.meta.namespace;
  if (na !== nb) return na < nb ? -1 : 1;
  if (a.route.meta.name !== b.route.meta.name) return a.route.meta.name < b.route.meta.name ? -1 : 1;
  return a.order - b.order;
}

/**
 * Gateway semantics make a PathPrefix other than "/" an Envoy path_separated_prefix (route.go
 * TranslateRouteMatch): "/foo" matches "/foo" and "/foo/..." but not "/foobar". meshsim's matcher has
 * exact and prefix paths, so the route gets the two equivalent matches: exact "/foo" or prefix "/foo/".
 * A ReplacePrefixMatch rewrite then replaces the separated prefix through a regex, as Envoy's
 * prefix_rewrite does for it (and "/" removes it: route.go's `^prefix(/?)(.*)` → `/\2`).
 */
function withPathSeparatedPrefixes(http: readonly HttpRoute[]): HttpRoute[] {
  return http.map((r) => {
    const m = r.match[0];
    const u = m?.uri;
    if (m === undefined || u?.kind !== 'prefix' || u.value === '/') return r;
    const out: HttpRoute = {
      ...r,
      match: [
        { ...m, uri: { kind: 'exact', value: u.value } },
        { ...m, uri: { kind: 'prefix', value: `${u.value}/` } },
      ],
    };
    const rw = r.rewrite;
    if (rw?.uri !== undefined) {
      const { uri, ...rest } = rw;
      out.rewrite = {
        ...rest,
        uriRegexRewrite:
          uri === '/'
            ? { match: `^${quoteMeta(u.value)}(/?)(.*)`, rewrite: '/\\2' }
            : { match: `^${quoteMeta(u.value)}`, rewrite: uri },
      };
    }
    return out;
  });
}

/** regexp.QuoteMeta: escapes RE2's metacharacters. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
