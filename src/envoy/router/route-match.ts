import type { HttpRequest } from '../http.js';

/** Envoy's path specifier of a route match. */
export type PathMatch =
  | { kind: 'prefix'; value: string; caseSensitive: boolean }
  | { kind: 'exact'; value: string; caseSensitive: boolean }
  /** RE2, full match against the path without its query string. */
  | { kind: 'regex'; value: string; re: FullMatcher };

/** A compiled regular expression that must match the whole input (RE2 `FullMatch`, as Envoy's safe_regex). */
export interface FullMatcher {
  matches(input: string): boolean;
}

/** Envoy's RouteMatch as istiod emits it from one HTTPMatchRequest (semantics §1.2). */
export interface RouteMatch {
  readonly path: PathMatch;
  /** Header and query conditions, ANDed; filled in by the VirtualService translation. */
  readonly conditions: readonly RequestCondition[];
}

/** One compiled condition on a request (a header matcher, query parameter matcher, ...). */
export interface RequestCondition {
  test(request: HttpRequest): boolean;
}

/** The path without its query string (exact and regex matches ignore the query; prefix does not). */
export function pathWithoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** Whether `request` satisfies `m`. */
export function routeMatches(m: RouteMatch, request: HttpRequest): boolean {
  const p = m.path;
  if (p.kind === 'prefix') {
    // The query string is part of :path, so prefix "/a" matches "/a?x=1" (semantics §1.2).
    if (p.caseSensitive ? !request.path.startsWith(p.value) : !request.path.toLowerCase().startsWith(p.value.toLowerCase()))
      return false;
  } else if (p.kind === 'exact') {
    const path = pathWithoutQuery(request.path);
    if (p.caseSensitive ? path !== p.value : path.toLowerCase() !== p.value.toLowerCase()) return false;
  } else if (!p.re.matches(pathWithoutQuery(request.path))) {
    return false;
  }
  for (const c of m.conditions) if (!c.test(request)) return false;
  return true;
}
