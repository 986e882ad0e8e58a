import { describe, expect, it } from 'vitest';
import type { Rng } from '../../../src/engine/index.js';
import type { HttpRequest } from '../../../src/envoy/index.js';
import {
  faultFires,
  firstQueryValue,
  HeaderMatcher,
  JitteredExponentialBackOff,
  QueryParameterMatcher,
  re2FullMatcher,
  redirectLocation,
  rewritePath,
  envoySubstitutionToRe2js,
  routeMatches,
  StringMatcher,
} from '../../../src/envoy/router/index.js';

const req = (path: string, headers: Record<string, string> = {}, authority = 'reviews'): HttpRequest => ({
  method: 'GET',
  scheme: 'http',
  authority,
  path,
  headers: new Map(Object.entries(headers)),
  port: 9080,
});

/** An Rng that returns the given uint32 values in turn. */
function fixed(...values: number[]): Rng {
  let i = 0;
  return { next: () => 0, uint32: () => values[i++ % values.length]!, int: () => 0 };
}

describe('path matching (semantics §1.2)', () => {
  const prefix = { path: { kind: 'prefix' as const, value: '/a', caseSensitive: true }, conditions: [] };
  const exact = { path: { kind: 'exact' as const, value: '/a', caseSensitive: true }, conditions: [] };
  const regex = {
    path: { kind: 'regex' as const, value: '/a/\\d+', re: re2FullMatcher('/a/\\d+') },
    conditions: [],
  };

  it('prefix includes the query string; exact and regex ignore it', () => {
    expect(routeMatches(prefix, req('/a?x=1'))).toBe(true);
    expect(routeMatches(prefix, req('/ab'))).toBe(true);
    expect(routeMatches(exact, req('/a?x=1'))).toBe(true);
    expect(routeMatches(exact, req('/ab'))).toBe(false);
    expect(routeMatches(regex, req('/a/12?x=y'))).toBe(true);
  });

  it('regex is a full match, never partial', () => {
    expect(routeMatches(regex, req('/a/12'))).toBe(true);
    expect(routeMatches(regex, req('/a/12/x'))).toBe(false);
    expect(routeMatches(regex, req('/x/a/12'))).toBe(false);
  });

  it('ignoreUriCase applies to prefix and exact', () => {
    const ci = { path: { kind: 'prefix' as const, value: '/API/', caseSensitive: false }, conditions: [] };
    const ciExact = {
      path: { kind: 'exact' as const, value: '/Login', caseSensitive: false },
      conditions: [],
    };
    expect(routeMatches(ci, req('/api/x'))).toBe(true);
    expect(routeMatches({ ...ci, path: { ...ci.path, caseSensitive: true } }, req('/api/x'))).toBe(false);
    expect(routeMatches(ciExact, req('/LOGIN?next=/'))).toBe(true);
    expect(routeMatches(ciExact, req('/LOGINS'))).toBe(false);
  });
});

describe('header matchers (Envoy HeaderUtility::matchHeaders)', () => {
  it('exact / prefix / regex full match; a missing header never matches', () => {
    expect(
      new HeaderMatcher('end-user', new StringMatcher('exact', 'jason'), false, false).test(
        req('/', { 'end-user': 'jason' }),
      ),
    ).toBe(true);
    expect(
      new HeaderMatcher('end-user', new StringMatcher('exact', 'jason'), false, false).test(
        req('/', { 'end-user': 'jasonx' }),
      ),
    ).toBe(false);
    expect(
      new HeaderMatcher('end-user', new StringMatcher('exact', 'jason'), false, false).test(req('/')),
    ).toBe(false);
    expect(
      new HeaderMatcher('user-agent', new StringMatcher('prefix', 'Mobile'), false, false).test(
        req('/', { 'user-agent': 'Mobile Safari' }),
      ),
    ).toBe(true);
    const region = new HeaderMatcher('x-region', new StringMatcher('regex', 'us-.*'), false, false);
    expect(region.test(req('/', { 'x-region': 'us-east' }))).toBe(true);
    expect(region.test(req('/', { 'x-region': 'eu-us-east' }))).toBe(false);
  });

  it('presence matches any value, including empty', () => {
    const p = new HeaderMatcher('x', null, false, false);
    expect(p.test(req('/', { x: '' }))).toBe(true);
    expect(p.test(req('/'))).toBe(false);
  });

  it('withoutHeaders: inverted, a missing header treated as "" (so exact foo matches when absent)', () => {
    const w = new HeaderMatcher('x', new StringMatcher('exact', 'foo'), true, true);
    expect(w.test(req('/'))).toBe(true);
    expect(w.test(req('/', { x: 'foo' }))).toBe(false);
    expect(w.test(req('/', { x: 'bar' }))).toBe(true);
    const wEmpty = new HeaderMatcher('x', new StringMatcher('exact', ''), true, true);
    expect(wEmpty.test(req('/'))).toBe(false);
    const wPresent = new HeaderMatcher('x', null, true, false);
    expect(wPresent.test(req('/'))).toBe(true);
    expect(wPresent.test(req('/', { x: '1' }))).toBe(false);
  });

  it(':authority is the raw Host header: exact reviews does not match reviews:9080', () => {
    const a = new HeaderMatcher(':authority', new StringMatcher('exact', 'reviews'), false, false);
    expect(a.test(req('/', {}, 'reviews'))).toBe(true);
    expect(a.test(req('/', {}, 'reviews:9080'))).toBe(false);
    expect(new HeaderMatcher(':method', new StringMatcher('exact', 'GET'), false, false).test(req('/'))).toBe(
      true,
    );
  });
});

describe('query parameter matchers', () => {
  it('first value, full-match regex, empty values and absence', () => {
    expect(firstQueryValue('/p?a=1&b=2&a=3', 'a')).toBe('1');
    expect(firstQueryValue('/p?k', 'k')).toBe('');
    expect(firstQueryValue('/p?k=', 'k')).toBe('');
    expect(firstQueryValue('/p?kk=1', 'k')).toBeUndefined();
    expect(firstQueryValue('/p', 'k')).toBeUndefined();
    expect(firstQueryValue('/p?n=a%20b', 'n')).toBe('a b');
    const digits = new QueryParameterMatcher('id', new StringMatcher('regex', '\\d+$'));
    expect(digits.test(req('/p?id=123'))).toBe(true);
    expect(digits.test(req('/p?id=a123'))).toBe(false);
    expect(new QueryParameterMatcher('k', new StringMatcher('exact', '')).test(req('/p?k'))).toBe(true);
    expect(new QueryParameterMatcher('k', null).test(req('/p'))).toBe(false);
  });
});

describe('back-off (Envoy JitteredExponentialBackOffStrategy, semantics §1.6)', () => {
  it('Envoy oracle: base 5, max 100, random 9999 → 4, 9, 19, 39, 79, 99, 99', () => {
    const b = new JitteredExponentialBackOff(5, 100, fixed(9999));
    expect(Array.from({ length: 7 }, () => b.nextBackOffMs())).toEqual([4, 9, 19, 39, 79, 99, 99]);
  });

  it("Istio's default (25 ms base, 250 ms cap): retry k waits at most 24, 49, 99, 199, 249, 249 ms", () => {
    // 999 ≡ -1 (mod 1000) is one below every bound at once: the largest wait each retry can draw.
    const b = new JitteredExponentialBackOff(25, 250, fixed(999));
    expect(Array.from({ length: 6 }, () => b.nextBackOffMs())).toEqual([24, 49, 99, 199, 249, 249]);
    const zero = new JitteredExponentialBackOff(25, 250, fixed(0));
    expect(zero.nextBackOffMs()).toBe(0);
  });

  it('Envoy oracle RouterRetryStateImplTest.Backoff: random 190 → 15, 40, 90', () => {
    const b = new JitteredExponentialBackOff(25, 250, fixed(190));
    expect([b.nextBackOffMs(), b.nextBackOffMs(), b.nextBackOffMs()]).toEqual([15, 40, 90]);
  });
});

describe('fault percentages: random % 1e6 < uint32(value × 10000)', () => {
  it('fires just below the numerator, not at it', () => {
    expect(faultFires(0.0001, fixed(0))).toBe(true);
    expect(faultFires(0.0001, fixed(1))).toBe(false);
    expect(faultFires(0.1, fixed(999))).toBe(true);
    expect(faultFires(0.1, fixed(1000))).toBe(false);
    expect(faultFires(50, fixed(499_999))).toBe(true);
    expect(faultFires(50, fixed(500_000))).toBe(false);
    expect(faultFires(100, fixed(999_999))).toBe(true);
    expect(faultFires(0, fixed(0))).toBe(false);
  });
});

describe('rewrites and redirects (semantics §1.4)', () => {
  it('prefix_rewrite replaces the matched prefix and keeps the query; exact/regex routes replace the path', () => {
    expect(rewritePath({ kind: 'prefix', replacement: '/', matchedPrefixLength: 4 }, '/v2/users?x=1')).toBe(
      '/users?x=1',
    );
    expect(rewritePath({ kind: 'prefix', replacement: '/new', matchedPrefixLength: null }, '/old?x=1')).toBe(
      '/new?x=1',
    );
    const re = re2FullMatcher('^/z2m(/|$)(.*)');
    expect(
      rewritePath(
        { kind: 'regex', pattern: re, substitution: envoySubstitutionToRe2js('/\\2') },
        '/z2m/a/b?q',
      ),
    ).toBe('/a/b?q');
  });

  it('builds the Location from the request and the redirect', () => {
    const r = req('/a?q=1', {}, 'shop:8080');
    expect(redirectLocation({ kind: 'redirect', name: 'x', status: 301, port: 0, path: '/b' }, r)).toBe(
      'http://shop:8080/b?q=1',
    );
    expect(
      redirectLocation(
        { kind: 'redirect', name: 'x', status: 302, port: 8443, scheme: 'https', host: 'secure' },
        r,
      ),
    ).toBe('https://secure:8443/a?q=1');
    expect(redirectLocation({ kind: 'redirect', name: 'x', status: 301, port: 0, path: '/b?z=2' }, r)).toBe(
      'http://shop:8080/b?z=2',
    );
  });
});
