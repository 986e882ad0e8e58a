import type { HttpRequest } from '../http.js';
import { pathLength } from './route-match.js';
import type { RedirectEntry } from './route-entry.js';

/**
 * The Location of a redirect route (Envoy RedirectAction, Istio route.go rewrite/redirect/headers): scheme_redirect or the
 * request's scheme; host_redirect or the request's host; port_redirect replaces the port (istiod already
 * elided 80 for http and 443 for https), otherwise the request's port stays with its host; path_redirect
 * replaces the path and keeps the request's query unless the new path carries its own.
 *
 * NOTE: simplification: Envoy's handling of a scheme change that leaves a default port in the Host
 * header (dropping :80 when switching to https) is not modelled.
 */
export function redirectLocation(r: RedirectEntry, request: HttpRequest): string {
  const scheme = r.scheme ?? request.scheme;
  const authority = request.authority;
  const colon = authority.lastIndexOf(':');
  const reqHost = colon >= 0 ? authority.slice(0, colon) : authority;
  const reqPort = colon >= 0 ? authority.slice(colon) : '';
  const host = r.host ?? reqHost;
  const port = r.port > 0 ? `:${r.port}` : r.host !== undefined ? '' : reqPort;
  let path = request.path;
  if (r.path !== undefined) {
    const query = path.slice(pathLength(path));
    path = r.path.includes('?') ? r.path : r.path + query;
  }
  return `${scheme}://${host}${port}${path}`;
}
