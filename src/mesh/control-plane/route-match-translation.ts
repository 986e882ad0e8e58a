import type { HttpMatchRequest, NamedMatch, StringMatch } from '../../config/types.js';
import {
  HeaderMatcher,
  NoMetadataCondition,
  type PathMatch,
  QueryParameterMatcher,
  type RequestCondition,
  type RouteMatch,
  re2FullMatcher,
  StringMatcher,
} from '../../envoy/router/index.js';

/**
 * istiod's TranslateRouteMatch (Istio route.go TranslateRouteMatch): the uri becomes the path specifier (prefix "/" when
 * absent; `case_sensitive = !ignoreUriCase`, which regexes ignore); `headers` become header matchers,
 * `withoutHeaders` inverted ones that treat a missing header as "" (unless presence-type); `method`,
 * `authority` and `scheme` match the pseudo-headers; `queryParams` become query-parameter matchers.
 * Matchers are compiled here, once per route table.
 */
export function translateRouteMatch(m: HttpMatchRequest | undefined): RouteMatch {
  const caseSensitive = !(m?.ignoreUriCase ?? false);
  const path = pathMatch(m?.uri, caseSensitive);
  if (m === undefined) return { path, conditions: [] };
  const conditions: RequestCondition[] = [];
  for (const h of sortedByName(m.headers)) conditions.push(headerCondition(h, false));
  for (const h of sortedByName(m.withoutHeaders)) conditions.push(headerCondition(h, true));
  if (m.method) conditions.push(new HeaderMatcher(':method', stringMatcher(m.method), false, false));
  if (m.authority) conditions.push(new HeaderMatcher(':authority', stringMatcher(m.authority), false, false));
  if (m.scheme) conditions.push(new HeaderMatcher(':scheme', stringMatcher(m.scheme), false, false));
  for (const q of m.queryParams) conditions.push(new QueryParameterMatcher(q.name, stringMatcher(q.match)));
  return { path, conditions };
}

/**
 * IsCatchAllRoute: prefix "/" or regex ".*" with no header, query or metadata condition. Routes after
 * one are never emitted [I:route.go BuildHTTPRoutesForVirtualService].
 */
export function isCatchAll(m: RouteMatch): boolean {
  if (m.conditions.length > 0) return false;
  const p = m.path;
  return (p.kind === 'prefix' && p.value === '/') || (p.kind === 'regex' && p.value === '.*');
}

function pathMatch(uri: StringMatch | undefined, caseSensitive: boolean): PathMatch {
  if (uri === undefined || uri.kind === 'present') return { kind: 'prefix', value: '/', caseSensitive };
  if (uri.kind === 'exact') return { kind: 'exact', value: uri.value, caseSensitive };
  if (uri.kind === 'prefix') return { kind: 'prefix', value: uri.value, caseSensitive };
  return { kind: 'regex', value: uri.value, re: re2FullMatcher(uri.value) };
}

/** `{}` and `regex: "*"` are presence matches (canBeConvertedToPresentMatch): null. */
function stringMatcher(sm: StringMatch): StringMatcher | null {
  return sm.kind === 'present' ? null : new StringMatcher(sm.kind, sm.value);
}

function headerCondition(h: NamedMatch, without: boolean): RequestCondition {
  // JWT-claim "headers" are dynamic-metadata matches; a sidecar has no such metadata.
  if (h.name.startsWith('@request.auth.claims')) return new NoMetadataCondition(without);
  const sm = stringMatcher(h.match);
  // Envoy lower-cases header names (LowerCaseString); withoutHeaders: invert_match, and
  // treat_missing_header_as_empty unless presence-type (the two conflict).
  return new HeaderMatcher(h.name.toLowerCase(), sm, without, without && sm !== null);
}

function sortedByName(ms: readonly NamedMatch[]): readonly NamedMatch[] {
  return ms.length < 2 ? ms : [...ms].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
