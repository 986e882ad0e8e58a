import type { HttpRequest } from '../http.js';
import { equalsIgnoreCase, startsWithIgnoreCase } from './string-matcher.js';

/** Envoy's path specifier of a route match. */
export type PathMatch =
  | { kind: 'prefix'; value: string; caseSensitive: boolean }
  /** `path`: the whole path without its query string. */
  | { kind: 'exact'; value: string; caseSensitive: boolean }
  /** `safe_regex`: RE2, full match against the path without its query string (case_sensitive does not apply). */
  | { kind: 'regex'; value: string; re: FullMatcher };

/** A compiled regular expression that must match the whole input (RE2 `FullMatch`, as Envoy's safe_regex). */
export interface FullMatcher {
  matches(input: string): boolean;
}

/** Envoy's RouteMatch as istiod emits it from one HTTPMatchRequest (Istio route.go TranslateRouteMatch). */
export interface RouteMatch {
  readonly path: PathMatch;
  /** Header and query-parameter matchers, ANDed; compiled once when the route table is built. */
  readonly conditions: readonly RequestCondition[];
}

/** One compiled condition on a request (a header matcher, query parameter matcher, ...). */
export interface RequestCondition {
  test(request: HttpRequest): boolean;
}

/** Length of the path before its query string (exact and regex matches ignore the query; prefix does not). */
export function pathLength(path: string): number {
  const q = path.indexOf('?');
  return q < 0 ? path.length : q;
}

/** The path without its query string. */
export function pathWithoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** Whether `request` satisfies `m`: the path specifier, then every condition (Istio route.go TranslateRouteMatch). */
export function routeMatches(m: RouteMatch, request: HttpRequest): boolean {
  const p = m.path;
  const path = request.path;
  if (p.kind === 'prefix') {
    // The query string is part of :path, so prefix "/a" matches "/a?x=1" (Istio route.go TranslateRouteMatch).
    if (p.caseSensitive ? !path.startsWith(p.value) : !startsWithIgnoreCase(path, p.value)) return false;
  } else if (p.kind === 'exact') {
    const len = pathLength(path);
    if (
      p.caseSensitive
        ? len !== p.value.length || !path.startsWith(p.value)
        : !equalsIgnoreCase(path, len, p.value)
    )
      return false;
  } else if (!p.re.matches(pathWithoutQuery(path))) {
    return false;
  }
  const cs = m.conditions;
  for (let i = 0; i < cs.length; i++) if (!cs[i]!.test(request)) return false;
  return true;
}
