import { RE2JS } from 're2js';
import type { RegexReplacer } from './route-entry.js';
import type { FullMatcher } from './route-match.js';

/** A compiled RE2 pattern: full match for route matching, replaceAll for regex_rewrite. */
export type Re2Pattern = FullMatcher & RegexReplacer;

/**
 * Envoy's StringMatcher as istiod emits it from an Istio StringMatch (Istio route.go TranslateRouteMatch): `exact`, `prefix`
 * or `safe_regex`. Regexes are RE2 and must match the whole input (Envoy's `FullMatch`), so `us-.*`
 * matches "us-east" but not "eu-us-east", and `\d+$` matches "123" but not "a123".
 */
export class StringMatcher {
  private readonly re: FullMatcher | null;

  constructor(
    readonly kind: 'exact' | 'prefix' | 'regex',
    readonly value: string,
  ) {
    this.re = kind === 'regex' ? re2FullMatcher(value) : null;
  }

  match(input: string): boolean {
    if (this.kind === 'exact') return input === this.value;
    if (this.kind === 'prefix') return input.startsWith(this.value);
    return this.re!.matches(input);
  }
}

const compiled = new Map<string, Re2Pattern>();

/** A compiled RE2 pattern whose `matches` is a full match; compiled once per pattern and shared. */
export function re2FullMatcher(pattern: string): Re2Pattern {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern);
    compiled.set(pattern, re);
  }
  return re;
}

/** ASCII case-insensitive `startsWith` without allocating (Envoy's absl::StartsWithIgnoreCase). */
export function startsWithIgnoreCase(s: string, prefix: string): boolean {
  if (prefix.length > s.length) return false;
  for (let i = 0; i < prefix.length; i++)
    if (foldAscii(s.charCodeAt(i)) !== foldAscii(prefix.charCodeAt(i))) return false;
  return true;
}

/** ASCII case-insensitive equality of `s.slice(0, len)` and `other` without allocating. */
export function equalsIgnoreCase(s: string, len: number, other: string): boolean {
  if (len !== other.length) return false;
  for (let i = 0; i < len; i++)
    if (foldAscii(s.charCodeAt(i)) !== foldAscii(other.charCodeAt(i))) return false;
  return true;
}

function foldAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
