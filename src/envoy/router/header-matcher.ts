import type { HttpRequest } from '../http.js';
import type { RequestCondition } from './route-match.js';
import type { StringMatcher } from './string-matcher.js';

/**
 * The value of a request header as Envoy's header map holds it: the pseudo-headers `:method`,
 * `:authority` (the raw Host header, port included), `:scheme` and `:path` come from the request line;
 * others from the header map (names are lower case; repeated headers are already joined with ",").
 */
export function requestHeaderValue(request: HttpRequest, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* ':' */) {
    if (name === ':authority') return request.authority;
    if (name === ':method') return request.method;
    if (name === ':path') return request.path;
    if (name === ':scheme') return request.scheme;
    return undefined;
  }
  return request.headers.get(name);
}

/**
 * Envoy's route HeaderMatcher (HeaderUtility::matchHeaders, Istio route.go TranslateRouteMatch) as istiod builds it:
 * `string` null is `present_match: true`. `headers` give plain matchers; `withoutHeaders` give
 * `invert_match: true` plus `treat_missing_header_as_empty: true` unless presence-type; `method`,
 * `authority` and `scheme` are matchers on the pseudo-headers.
 *
 * A missing header without treat-missing-as-empty matches only an inverted presence matcher; otherwise
 * the value (or "" when missing) is matched and the result XORed with `invert_match`.
 */
export class HeaderMatcher implements RequestCondition {
  constructor(
    readonly name: string,
    private readonly string: StringMatcher | null,
    readonly invert: boolean,
    readonly treatMissingAsEmpty: boolean,
  ) {}

  test(request: HttpRequest): boolean {
    const value = requestHeaderValue(request, this.name);
    if (value === undefined && !this.treatMissingAsEmpty) return this.invert && this.string === null;
    const matched = this.string === null ? true : this.string.match(value ?? '');
    return matched !== this.invert;
  }
}

/**
 * A condition that never holds (or always, inverted): `@request.auth.claims` header matches become JWT
 * dynamic-metadata matchers, and a sidecar has no JWT metadata to match (they are meant for gateways).
 */
export class NoMetadataCondition implements RequestCondition {
  constructor(private readonly inverted: boolean) {}
  test(_request: HttpRequest): boolean {
    return this.inverted;
  }
}
