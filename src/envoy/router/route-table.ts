import type { HttpRequest } from '../http.js';
import type { RouteAction } from './route-entry.js';
import { type RouteMatch, routeMatches } from './route-match.js';

export interface Route {
  readonly match: RouteMatch;
  readonly action: RouteAction;
}

/** Envoy's VirtualHost: the domains it answers for and its ordered routes (first match wins). */
export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
}

/**
 * One outbound route configuration of a sidecar (Envoy RouteConfiguration for a listener port): pick the
 * virtual host by the request's authority, then the first route whose match passes (Istio route.go BuildSidecarVirtualHostWrapper).
 * Domain lookup is exact on the authority as sent (with or without `:port`) and falls back to wildcard
 * suffix domains (`*.example.com`).
 */
export class RouteTable {
  private readonly byDomain = new Map<string, VirtualHost>();
  private readonly wildcards: { suffix: string; vhost: VirtualHost }[] = [];
  /** Authority as sent -> its virtual host (null: none), filled by virtualHost. */
  private readonly resolved = new Map<string, VirtualHost | null>();

  constructor(
    readonly virtualHosts: readonly VirtualHost[],
    /**
     * RouteConfiguration.ignore_port_in_host_matching: the authority's `:port` is dropped before the
     * domain lookup (istiod sets it on gateway route configurations, gateway.go buildGatewayHTTPRouteConfig).
     */
    readonly ignorePortInHostMatching = false,
  ) {
    for (const vh of virtualHosts) {
      for (const d of vh.domains) {
        const key = d.toLowerCase();
        if (key.startsWith('*')) this.wildcards.push({ suffix: key.slice(1), vhost: vh });
        else if (!this.byDomain.has(key)) this.byDomain.set(key, vh);
      }
    }
    // Longest suffix first, as Envoy prefers the most specific wildcard.
    this.wildcards.sort((a, b) => b.suffix.length - a.suffix.length);
  }

  /**
   * The virtual host for an authority. Its resolution (lower-casing, the port rule, exact domain, then
   * wildcard suffixes, then `*`) depends on the authority string alone, so it is memoised: a request
   * costs one map lookup here (issue #14). The memo is a cache of a pure function, so a table shared by
   * several sidecars stays as immutable as istiod's output; it stops growing at MEMO_LIMIT authorities.
   */
  virtualHost(authority: string): VirtualHost | undefined {
    const hit = this.resolved.get(authority);
    if (hit !== undefined) return hit ?? undefined;
    const vh = this.resolve(authority);
    if (this.resolved.size < MEMO_LIMIT) this.resolved.set(authority, vh ?? null);
    return vh;
  }

  private resolve(authority: string): VirtualHost | undefined {
    let key = authority.toLowerCase();
    if (this.ignorePortInHostMatching) {
      const colon = key.lastIndexOf(':');
      if (colon > 0 && key.indexOf(']') < colon) key = key.slice(0, colon);
    }
    const exact = this.byDomain.get(key);
    if (exact) return exact;
    for (const w of this.wildcards) if (key.endsWith(w.suffix)) return w.vhost;
    return this.byDomain.get('*');
  }

  /** The action of the first matching route, or null: 404 NR. */
  route(request: HttpRequest): RouteAction | null {
    const vh = this.virtualHost(request.authority);
    if (vh === undefined) return null;
    const routes = vh.routes;
    for (let i = 0; i < routes.length; i++)
      if (routeMatches(routes[i]!.match, request)) return routes[i]!.action;
    return null;
  }
}

/** Distinct authorities memoised per route table (a mesh's requests name a few hosts each). */
const MEMO_LIMIT = 4096;
