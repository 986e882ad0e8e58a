import { RE2JS } from 're2js';
import type { HttpRequest } from '../http.js';
import { pathWithoutQuery } from './route-match.js';
import type { RouteEntry } from './route-entry.js';

const compiled = new Map<string, RE2JS>();

function re2(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern);
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * VirtualService `rewrite` as istiod emits it (semantics §1.4): `uri` → prefix_rewrite (replaces the
 * matched prefix; for exact/regex matches the matched portion is the whole path), `uriRegexRewrite` →
 * regex_rewrite on the path without the query, `authority` → host_rewrite_literal.
 */
export function applyRewrite(route: RouteEntry, request: HttpRequest): void {
  const rw = route.rewrite;
  if (rw === undefined) return;
  if (rw.uri !== undefined) {
    const prefix = route.matchedPrefix;
    if (prefix !== undefined) {
      if (request.path.startsWith(prefix)) request.path = rw.uri + request.path.slice(prefix.length);
    } else {
      const q = request.path.indexOf('?');
      request.path = rw.uri + (q < 0 ? '' : request.path.slice(q));
    }
  } else if (rw.uriRegexRewrite !== undefined) {
    const path = pathWithoutQuery(request.path);
    const query = request.path.slice(path.length);
    // Envoy substitutions write capture groups as \1; re2js expects $1.
    const replacement = rw.uriRegexRewrite.rewrite.replace(/\\(\d)/g, '$$$1');
    request.path = re2(rw.uriRegexRewrite.match).matcher(path).replaceAll(replacement) + query;
  }
  if (rw.authority !== undefined) request.authority = rw.authority;
}
