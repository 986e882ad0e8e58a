import type { HttpRequest } from '../http.js';
import { pathLength } from './route-match.js';
import type { PathRewrite, RouteEntry, WeightedCluster } from './route-entry.js';

/**
 * Path and host rewrites of a route as istiod emits them (Istio route.go rewrite/redirect/headers). `prefix_rewrite` replaces
 * the matched prefix (for exact/regex routes the whole path; the query string is kept);
 * `regex_rewrite` substitutes every match of its pattern in the path without the query;
 * host_rewrite_literal replaces the authority (a weighted cluster's own rewrite wins).
 */
export function applyRewrite(route: RouteEntry, wc: WeightedCluster, request: HttpRequest): void {
  const rw = route.pathRewrite;
  if (rw !== undefined) request.path = rewritePath(rw, request.path);
  const host = wc.hostRewrite ?? route.hostRewrite;
  if (host !== undefined) request.authority = host;
}

export function rewritePath(rw: PathRewrite, path: string): string {
  const len = pathLength(path);
  if (rw.kind === 'prefix') {
    // Case-insensitive prefix routes replace as many characters as the prefix has.
    const cut = rw.matchedPrefixLength ?? len;
    return rw.replacement + path.slice(cut);
  }
  return rw.pattern.matcher(path.slice(0, len)).replaceAll(rw.substitution) + path.slice(len);
}

/** Envoy's substitutions write capture groups as \1; re2js expects $1. */
export function envoySubstitutionToRe2js(substitution: string): string {
  return substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}
