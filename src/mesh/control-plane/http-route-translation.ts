import { retryHostPredicate } from '../../config/index.js';
import { istioOf } from '../../config/istio-version.js';
import { MESH_GATEWAY, resolveGatewayName } from '../../config/resolve/gateway.js';
import type {
  Destination,
  HttpRoute,
  HttpRouteDestination,
  MeshConfig,
  ServiceConfig,
  VirtualServiceConfig,
} from '../../config/types.js';
import { clusterName } from '../../envoy/index.js';
import {
  authorityFromHeaderOps,
  envoySubstitutionToRe2js,
  HeaderMutations,
  type MirrorTarget,
  type PathRewrite,
  type RedirectEntry,
  type Route,
  type RouteAction,
  type RouteEntry,
  type RouteMatch,
  re2FullMatcher,
  type WeightedCluster,
} from '../../envoy/router/index.js';
import { hashForDestination } from './destination-hash.js';
import { isCatchAll, translateRouteMatch } from './route-match-translation.js';

/** The proxy and listener a route configuration is generated for. */
export interface RouteGenContext {
  readonly config: MeshConfig;
  /** Services by FQDN (the service registry). */
  readonly services: ReadonlyMap<string, ServiceConfig>;
  readonly proxyNamespace: string;
  readonly proxyLabels: Readonly<Record<string, string>>;
  /** The outbound listener port the route configuration is for. */
  readonly listenPort: number;
  /**
   * The gateway names (`ns/name`) the routes are built for: absent for sidecars (`mesh`); one Gateway
   * for a gateway proxy's server (gateway.go buildGatewayHTTPRouteConfig passes sets.New(gatewayName)).
   */
  readonly gatewayNames?: ReadonlySet<string>;
}

const MESH_ONLY: ReadonlySet<string> = new Set([MESH_GATEWAY]);

/**
 * istiod's BuildHTTPRoutesForVirtualService for a sidecar (Istio route.go BuildSidecarVirtualHostWrapper): every http rule in order, one
 * Envoy route per match block (a rule without match is one catch-all route); a match block whose `port`
 * is another listener's, or whose `sourceLabels`/`sourceNamespace`/`gateways` exclude this proxy, yields
 * no route; emission stops after the first catch-all route.
 */
export function translateVirtualServiceRoutes(vs: VirtualServiceConfig, ctx: RouteGenContext): Route[] {
  const out: Route[] = [];
  for (let i = 0; i < vs.http.length; i++) {
    const rule = vs.http[i]!;
    const name = `${vs.meta.namespace}/${vs.meta.name}#${i}`;
    let catchAll = false;
    if (rule.match.length === 0) {
      const r = translateRoute(rule, undefined, name, ctx);
      if (r !== null) out.push(r);
      catchAll = true;
    } else {
      for (const m of rule.match) {
        if (m.port !== undefined && m.port !== 0 && m.port !== ctx.listenPort) continue;
        if (!sourceMatches(m, ctx, vs.meta.namespace)) continue;
        const r = translateRoute(rule, m, name, ctx);
        if (r === null) continue;
        out.push(r);
        if (isCatchAll(r.match)) {
          catchAll = true;
          break;
        }
      }
    }
    if (catchAll) break;
  }
  return out;
}

/**
 * sourceMatchHTTP (Istio route.go): match gateways (resolved like the VirtualService's, resolveGatewayName)
 * must name one of the proxy's gateways (`mesh` for sidecars); else sourceLabels ⊆ proxy labels and the
 * namespace.
 */
/** A match's `sourceLabels` are all among the proxy's labels, with the same values (sourceMatchHTTP). */
export function sourceLabelsMatch(
  want: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in want) if (labels[k] !== want[k]) return false;
  return true;
}

function sourceMatches(m: HttpRoute['match'][number], ctx: RouteGenContext, vsNamespace: string): boolean {
  if (m.gateways.length > 0) {
    const names = ctx.gatewayNames ?? MESH_ONLY;
    return m.gateways.some((g) => names.has(resolveGatewayName(g, vsNamespace)));
  }
  if (m.sourceLabels !== undefined && !sourceLabelsMatch(m.sourceLabels, ctx.proxyLabels)) return false;
  return (
    m.sourceNamespace === undefined || m.sourceNamespace === '' || m.sourceNamespace === ctx.proxyNamespace
  );
}

function translateRoute(
  rule: HttpRoute,
  m: HttpRoute['match'][number] | undefined,
  name: string,
  ctx: RouteGenContext,
): Route | null {
  const match = translateRouteMatch(m);
  const action = translateAction(rule, match, name, ctx);
  return action === null ? null : { match, action };
}

function translateAction(
  rule: HttpRoute,
  match: RouteMatch,
  name: string,
  ctx: RouteGenContext,
): RouteAction | null {
  const responseHeaders = HeaderMutations.compile(rule.headers.response);
  if (rule.redirect !== undefined) return translateRedirect(rule, name, ctx, responseHeaders);
  if (rule.directResponse !== undefined) {
    return {
      kind: 'direct-response',
      name,
      status: rule.directResponse.status,
      ...(rule.directResponse.body !== undefined ? { body: rule.directResponse.body } : {}),
      ...(rule.fault ? { fault: rule.fault } : {}),
      ...(responseHeaders ? { responseHeaders } : {}),
    };
  }
  return translateRouteEntry(rule, match, name, ctx);
}

/** applyHTTPRouteDestination (Istio route.go weighted clusters-1.8). */
function translateRouteEntry(
  rule: HttpRoute,
  match: RouteMatch,
  name: string,
  ctx: RouteGenContext,
): RouteEntry | null {
  const single = rule.route.length === 1;
  // Several destinations: weight-0 ones are dropped, the rest keep their weights (no sum-to-100 rule).
  const dests = single ? rule.route : rule.route.filter((d) => d.weight !== 0);
  if (dests.length === 0) return null;
  const clusters: WeightedCluster[] = dests.map((d) => weightedCluster(d, single, ctx));
  const totalWeight = single ? 1 : clusters.reduce((s, c) => s + c.weight, 0);
  // NOTE: simplification: an all-zero weighted route (rejected by validation, NACKed by Envoy) is dropped.
  if (totalWeight <= 0) return null;
  const routeOps = rule.headers.request;
  const singleOps = single ? dests[0]!.headers : undefined;
  const requestHeaders = HeaderMutations.compile(routeOps, singleOps?.request);
  const responseHeaders = HeaderMutations.compile(rule.headers.response, singleOps?.response);
  // host_rewrite_literal: rewrite.authority over a route-level :authority header op; a single
  // destination's authority op only when the route sets none.
  const hostRewrite =
    rule.rewrite?.authority || authorityFromHeaderOps(routeOps) || authorityFromHeaderOps(singleOps?.request);
  // Consistent hash: every destination's DestinationRule hash. A single destination with a hash omits
  // the previous_hosts predicate; weighted routes keep it (istiod passes consistentHash only for one).
  const hashes = dests.map((d) => hashForDestination(ctx.config, d.destination, ctx.proxyNamespace));
  const hashPolicy = hashes.find((h) => h !== undefined);
  const consistentHash = single && hashes[0] !== undefined;
  const retryPolicy = rule.retries;
  const pathRewrite = translatePathRewrite(rule, match);
  const mirrors: MirrorTarget[] = [];
  for (const mp of rule.mirrors) {
    // Explicit 0 % mirrors nothing; absent was already defaulted to 100 % (Istio route.go TranslateRequestMirrorPolicy; Envoy router.cc maybeDoShadowing).
    if (mp.percentage > 0)
      mirrors.push({
        cluster: destinationCluster(mp.destination, ctx),
        percentage: mp.percentage,
        ...(istioOf(ctx.config).shadowHostSuffix ? { shadowHostSuffix: true } : {}),
      });
  }
  return {
    kind: 'route',
    name,
    clusters,
    totalWeight,
    timeoutMs: rule.timeoutMs,
    retryPolicy,
    retryPreviousHosts: retryPolicy !== null && retryHostPredicate(retryPolicy, consistentHash),
    mirrors,
    ...(rule.fault && (rule.fault.delay || rule.fault.abort) ? { fault: rule.fault } : {}),
    ...(pathRewrite ? { pathRewrite } : {}),
    ...(hostRewrite ? { hostRewrite } : {}),
    ...(requestHeaders ? { requestHeaders } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
    // NOTE: simplification: Envoy combines several hash policies into one hash; the first one is used.
    ...(hashPolicy ? { hashPolicy } : {}),
    ...(rule.clusterNotFoundStatus !== undefined
      ? { clusterNotFoundStatus: rule.clusterNotFoundStatus }
      : {}),
  };
}

function weightedCluster(d: HttpRouteDestination, single: boolean, ctx: RouteGenContext): WeightedCluster {
  const name = destinationCluster(d.destination, ctx);
  // One destination: its weight is ignored and its header operations join the route's.
  if (single) return { name, weight: 1 };
  const requestHeaders = HeaderMutations.compile(d.headers?.request);
  const responseHeaders = HeaderMutations.compile(d.headers?.response);
  const hostRewrite = authorityFromHeaderOps(d.headers?.request);
  return {
    name,
    weight: d.weight,
    ...(requestHeaders ? { requestHeaders } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
    ...(hostRewrite ? { hostRewrite } : {}),
  };
}

/**
 * GetDestinationCluster (Istio route.go weighted clusters): `outbound|PORT|SUBSET|FQDN` with the destination's port, else
 * the service's only port, else the listener port.
 */
export function destinationCluster(d: Destination, ctx: RouteGenContext): string {
  const svc = ctx.services.get(d.host);
  let port = ctx.listenPort;
  if (d.port !== undefined) port = d.port;
  else if (svc !== undefined && svc.ports.length === 1) port = svc.ports[0]!.port;
  return clusterName(port, d.subset ?? '', d.host);
}

/** `rewrite.uriRegexRewrite` → regex_rewrite; `rewrite.uri` → prefix_rewrite of the matched part. */
function translatePathRewrite(rule: HttpRoute, match: RouteMatch): PathRewrite | undefined {
  const rw = rule.rewrite;
  if (rw === undefined) return undefined;
  if (rw.uriRegexRewrite !== undefined) {
    return {
      kind: 'regex',
      pattern: re2FullMatcher(rw.uriRegexRewrite.match),
      substitution: envoySubstitutionToRe2js(rw.uriRegexRewrite.rewrite),
    };
  }
  if (rw.uri === undefined || rw.uri === '') return undefined;
  const p = match.path;
  return {
    kind: 'prefix',
    replacement: rw.uri,
    matchedPrefixLength: p.kind === 'prefix' ? p.value.length : null,
  };
}

/** ApplyRedirect (Istio route.go rewrite/redirect/headers): codes 301/302/303/307/308 (0 → 301); other codes drop the route. */
function translateRedirect(
  rule: HttpRoute,
  name: string,
  ctx: RouteGenContext,
  responseHeaders: HeaderMutations | undefined,
): RedirectEntry | null {
  const r = rule.redirect!;
  const status = r.redirectCode === 0 ? 301 : r.redirectCode;
  if (![301, 302, 303, 307, 308].includes(status)) return null;
  let port = 0;
  if (r.port !== undefined) port = r.port;
  else if (r.derivePort === 'FROM_REQUEST_PORT') port = ctx.listenPort;
  if (r.port !== undefined || r.derivePort !== undefined) {
    // Sidecars never terminate TLS: the implied scheme is http; default ports are elided.
    const scheme = r.scheme || 'http';
    if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = 0;
  }
  return {
    kind: 'redirect',
    name,
    status,
    port,
    ...(r.scheme ? { scheme: r.scheme } : {}),
    ...(r.authority ? { host: r.authority } : {}),
    ...(r.uri ? { path: r.uri } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
  };
}
