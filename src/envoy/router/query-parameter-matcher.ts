import type { HttpRequest } from '../http.js';
import type { RequestCondition } from './route-match.js';
import type { StringMatcher } from './string-matcher.js';

/**
 * Envoy's QueryParameterMatcher (Istio route.go TranslateRouteMatch): the first value of the parameter in the query string
 * must match (`string` null = `present_match`); a missing parameter never matches. `?k` and `?k=` have
 * the empty value, so `exact: ""` matches them.
 */
export class QueryParameterMatcher implements RequestCondition {
  constructor(
    readonly name: string,
    private readonly string: StringMatcher | null,
  ) {}

  test(request: HttpRequest): boolean {
    const value = firstQueryValue(request.path, this.name);
    if (value === undefined) return false;
    return this.string === null || this.string.match(value);
  }
}

/**
 * The first value of `name` in the query string of `path` (percent-decoded, as Envoy's
 * parseAndDecodeQueryString does), or undefined. Scans in place: no split arrays.
 */
export function firstQueryValue(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  let end = path.indexOf('#', q);
  if (end < 0) end = path.length;
  let start = q + 1;
  while (start <= end) {
    let amp = path.indexOf('&', start);
    if (amp < 0 || amp > end) amp = end;
    const eq = path.indexOf('=', start);
    const keyEnd = eq >= 0 && eq < amp ? eq : amp;
    if (keyEnd - start > 0 && decode(path.slice(start, keyEnd)) === name) {
      return keyEnd === amp ? '' : decode(path.slice(keyEnd + 1, amp));
    }
    start = amp + 1;
  }
  return undefined;
}

function decode(s: string): string {
  // Percent-decoding only: Envoy's PercentEncoding::decode leaves '+' alone.
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
