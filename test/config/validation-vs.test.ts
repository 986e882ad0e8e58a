import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/index.js';
import { load, vs } from './helpers.js';

/** Diagnostics of a VirtualService whose single http rule has `rule` (YAML indented 4). */
function rule(body: string, extra = ''): Diagnostic[] {
  return load(vs(`  - ${body.trimStart()}`, extra)).diagnostics;
}
const route = 'route:\n    - destination: {host: reviews}\n';
const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.path ?? ''}: ${d.message}`);
const ok = (ds: Diagnostic[]) => expect(brief(ds)).toEqual([]);
function bad(ds: Diagnostic[], code: string, path: string, msg: string | RegExp) {
  const found = ds.filter((d) => d.code === code && d.path === path);
  expect(found.length, brief(ds).join('\n')).toBeGreaterThan(0);
  expect(
    found.some((d) => (typeof msg === 'string' ? d.message.includes(msg) : msg.test(d.message))),
    brief(found).join('\n'),
  ).toBe(true);
}

describe('VirtualService validation: durations (>= 1 ms, whole ms)', () => {
  it.each([
    ['1ms', null],
    ['10s', null],
    ['1h30m', null],
    ['0.5ms', 'must be at least 1ms'],
    ['0s', 'must be at least 1ms'],
    ['1.5ms', 'ms precision'],
    ['10x', 'invalid duration'],
    ['"1s "', 'spaces are not allowed'],
    ['-1s', 'negative durations are not allowed'],
    [`"1${'0'.repeat(400)}s"`, 'overflow'],
    ['2562047h', null],
    ['2562048h', 'overflow'],
  ])('timeout %s', (t, err) => {
    const ds = rule(`${route}    timeout: ${t}`);
    if (err === null) ok(ds);
    else bad(ds, 'IST0106', 'spec.http[0].timeout', err);
  });

  it('a number without unit says how to fix it', () => {
    bad(rule(`${route}    timeout: 10`), 'IST0106', 'spec.http[0].timeout', 'add a unit, e.g. "10s"');
  });
});

describe('percentages', () => {
  it.each([
    [0, true],
    [0.00005, false],
    [0.0001, true],
    [100, true],
    [100.0001, false],
  ])('fault abort percentage %s', (v, valid) => {
    const ds = rule(`${route}    fault:\n      abort: {httpStatus: 503, percentage: {value: ${v}}}`);
    if (valid) ok(ds);
    else
      bad(ds, 'IST0106', 'spec.http[0].fault.abort.percentage.value', 'must be 0 or between 0.0001 and 100');
  });

  it.each([
    [0, true],
    [100, true],
    [100.5, false],
    [-0.1, false],
  ])('mirrorPercentage %s', (v, valid) => {
    const ds = rule(`${route}    mirror: {host: ratings}\n    mirrorPercentage: {value: ${v}}`);
    if (valid) ok(ds);
    else bad(ds, 'IST0106', 'spec.http[0].mirrorPercentage.value', 'between 0 and 100');
  });

  it('deprecated mirrorPercent: IST0002 warning, above 100 an error', () => {
    const ds = rule(`${route}    mirror: {host: ratings}\n    mirrorPercent: 50`);
    expect(ds.map((d) => d.code)).toEqual(['IST0002']);
    bad(
      rule(`${route}    mirror: {host: ratings}\n    mirrorPercent: 101`),
      'IST0106',
      'spec.http[0].mirrorPercent',
      'max value of 100',
    );
  });
});

describe('weights (>= 0, total > 0 with several destinations; no sum-to-100 rule since 1.15)', () => {
  const two = (a: string, b: string) =>
    rule(
      `route:\n    - destination: {host: reviews}\n      weight: ${a}\n    - destination: {host: ratings}\n      weight: ${b}`,
    );
  it('accepts 0 and 1, and sums other than 100', () => {
    ok(two('0', '1'));
    ok(two('90', '20'));
  });
  it('rejects a negative weight and an all-zero split', () => {
    bad(two('-1', '1'), 'IST0106', 'spec.http[0].route[0].weight', 'weight -1 < 0');
    bad(two('0', '0'), 'IST0106', 'spec.http[0].route', 'total destination weight = 0');
  });
  it('a quoted weight is an error with the fix', () => {
    bad(two('"90"', '10'), 'IST0106', 'spec.http[0].route[0].weight', 'remove the quotes');
  });
});

describe('regex (RE2, <= 1024 characters)', () => {
  const withRegex = (re: string) => rule(`match:\n    - uri: {regex: '${re}'}\n    ${route}`);
  it('accepts 1024 characters and rejects 1025', () => {
    ok(withRegex('a'.repeat(1024)));
    bad(withRegex('a'.repeat(1025)), 'IST0106', 'spec.http[0].match[0].uri.regex', 'the limit is 1024');
  });
  it('rejects what RE2 cannot compile (backreferences, unbalanced parentheses)', () => {
    bad(withRegex('(a'), 'IST0106', 'spec.http[0].match[0].uri.regex', 'invalid RE2 regex');
    bad(withRegex('(a)\\1'), 'IST0106', 'spec.http[0].match[0].uri.regex', 'invalid RE2 regex');
  });
  it('header regex "*" means presence', () => {
    ok(rule(`match:\n    - headers: {x-user: {regex: "*"}}\n    ${route}`));
  });
});

describe('retries', () => {
  const retries = (r: string) => rule(`${route}    retries: ${r}`);
  it.each([
    '5xx,reset',
    'gateway-error,connect-failure,refused-stream,5xx',
    '503',
    'retriable-status-codes,418,envoy-ratelimited',
  ])('retryOn %s is valid', (t) => ok(retries(`{attempts: 2, retryOn: "${t}"}`)));
  it('splits retryOn on "," without trimming, as istiod does', () => {
    bad(
      retries('{attempts: 2, retryOn: "5xx, reset"}'),
      'IST0106',
      'spec.http[0].retries.retryOn',
      '" reset" is not a valid retryOn policy (no spaces',
    );
  });
  it('rejects unknown tokens and non-status numbers', () => {
    bad(
      retries('{attempts: 2, retryOn: "5xx,600"}'),
      'IST0106',
      'spec.http[0].retries.retryOn',
      '"600" is not a valid',
    );
    bad(
      retries('{attempts: 2, retryOn: "retriable-5xx"}'),
      'IST0106',
      'spec.http[0].retries.retryOn',
      '"retriable-5xx"',
    );
  });
  it('attempts: negative is an error; 0 with other fields is an error; 0 alone disables', () => {
    bad(retries('{attempts: -1}'), 'IST0106', 'spec.http[0].retries.attempts', 'cannot be negative');
    bad(
      retries('{attempts: 0, perTryTimeout: 2s}'),
      'IST0106',
      'spec.http[0].retries',
      'attempts are set to 0',
    );
    bad(retries('{perTryTimeout: 2s}'), 'IST0106', 'spec.http[0].retries', 'attempts are set to 0');
    ok(retries('{attempts: 0}'));
    ok(retries('{attempts: 1, perTryTimeout: 1ms, backoff: 25ms}'));
  });
});

describe('mutually exclusive and required parts of a rule', () => {
  it('needs one of route, redirect, directResponse (validateHTTPRouteConflict)', () => {
    bad(
      rule('timeout: 1s'),
      'IST0106',
      'spec.http[0]',
      'HTTP route, redirect or direct_response is required',
    );
  });
  it('redirect excludes route, fault, rewrite, directResponse', () => {
    const ds = rule(
      `redirect: {uri: /x}\n    ${route}    fault: {abort: {httpStatus: 500}}\n    rewrite: {uri: /y}`,
    );
    bad(ds, 'IST0106', 'spec.http[0].redirect', 'both route and redirect');
    bad(ds, 'IST0106', 'spec.http[0].redirect', 'both fault and redirect');
    bad(ds, 'IST0106', 'spec.http[0].redirect', 'both rewrite and redirect');
  });
  it('directResponse excludes route', () => {
    bad(
      rule(`directResponse: {status: 503}\n    ${route}`),
      'IST0106',
      'spec.http[0].directResponse',
      'both route and direct_response',
    );
    ok(rule('directResponse: {status: 503, body: {string: "down"}}'));
  });
  it('mirror excludes mirrors', () => {
    bad(
      rule(`${route}    mirror: {host: a}\n    mirrors: [{destination: {host: b}}]`),
      'IST0106',
      'spec.http[0].mirrors',
      'both mirror and mirrors',
    );
  });
  it('redirect codes: 301, 302, 303, 307, 308 only', () => {
    ok(rule('redirect: {uri: /x, redirectCode: 308}'));
    bad(
      rule('redirect: {uri: /x, redirectCode: 304}'),
      'IST0106',
      'spec.http[0].redirect.redirectCode',
      'not a valid redirect code',
    );
  });
  it('string matches take one of exact, prefix, regex; only uri may have an empty prefix', () => {
    bad(
      rule(`match:\n    - uri: {exact: /a, prefix: /b}\n    ${route}`),
      'IST0106',
      'spec.http[0].match[0].uri',
      'only one of exact, prefix or regex',
    );
    bad(
      rule(`match:\n    - headers: {x: {prefix: ""}}\n    ${route}`),
      'IST0106',
      'spec.http[0].match[0].headers.x.prefix',
      'must not be empty',
    );
    ok(rule(`match:\n    - uri: {prefix: ""}\n    ${route}`));
  });
  it('header names must be tokens; JWT claims only on gateways', () => {
    bad(
      rule(`match:\n    - headers: {"bad header": {exact: a}}\n    ${route}`),
      'IST0106',
      'spec.http[0].match[0].headers.bad header',
      'not a valid HTTP header name',
    );
    bad(
      rule(`match:\n    - headers: {"@request.auth.claims.sub": {exact: a}}\n    ${route}`),
      'IST0106',
      'spec.http[0].match[0].headers.@request.auth.claims.sub',
      'only supported on gateways',
    );
  });
});

describe('fault injection', () => {
  const fault = (f: string) => rule(`${route}    fault: ${f}`);
  it.each([
    [199, false],
    [200, true],
    [600, true],
    [601, false],
  ])('abort httpStatus %s', (s, valid) => {
    const ds = fault(`{abort: {httpStatus: ${s}, percentage: {value: 1}}}`);
    if (valid) ok(ds);
    else bad(ds, 'IST0106', 'spec.http[0].fault.abort.httpStatus', 'not in range');
  });
  it('grpcStatus is a name, not a number; http2Error and exponentialDelay are rejected', () => {
    ok(fault('{abort: {grpcStatus: UNAVAILABLE}}'));
    bad(
      fault('{abort: {grpcStatus: "14"}}'),
      'IST0106',
      'spec.http[0].fault.abort.grpcStatus',
      'not a valid gRPC status name',
    );
    bad(fault('{abort: {http2Error: x}}'), 'IST0106', 'spec.http[0].fault.abort.http2Error', 'not supported');
    bad(
      fault('{delay: {exponentialDelay: 1s}}'),
      'IST0106',
      'spec.http[0].fault.delay.exponentialDelay',
      'not supported',
    );
  });
  it('needs a delay or an abort; an abort without error type is a warning', () => {
    bad(fault('{}'), 'IST0106', 'spec.http[0].fault', 'must have an abort and/or a delay');
    bad(fault('{abort: {percentage: {value: 5}}}'), 'IST0133', 'spec.http[0].fault.abort', 'no error type');
  });
});

describe('hosts and destinations', () => {
  const withHosts = (hosts: string) =>
    load(
      `apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: v, namespace: production}\nspec:\n  hosts: ${hosts}\n  http:\n  - route: [{destination: {host: reviews}}]\n`,
    ).diagnostics;
  it('rejects "*" for mesh VirtualServices, duplicates and overlaps; no hosts is a delegate (valid)', () => {
    bad(withHosts('["*"]'), 'IST0106', 'spec.hosts[0]', 'wildcard host * is not allowed');
    bad(
      withHosts('[reviews, reviews.production.svc.cluster.local]'),
      'IST0106',
      'spec.hosts[1]',
      'duplicate or overlapping',
    );
    bad(
      withHosts('["*.example.com", api.example.com]'),
      'IST0106',
      'spec.hosts[1]',
      'duplicate or overlapping',
    );
    // validation.go ValidateVirtualService: a VirtualService without hosts is a delegate.
    ok(withHosts('[]'));
  });
  it('warns that istiod does not expand name.namespace', () => {
    bad(
      withHosts('[reviews.production]'),
      'MSIM0102',
      'spec.hosts[0]',
      'istiod expands only names without dots',
    );
  });
  it('destination host "*" and a non DNS-1123 subset are errors', () => {
    bad(
      rule('route: [{destination: {host: "*"}}]'),
      'IST0106',
      'spec.http[0].route[0].destination.host',
      'cannot be *',
    );
    bad(
      rule('route: [{destination: {host: reviews, subset: V1}}]'),
      'IST0106',
      'spec.http[0].route[0].destination.subset',
      'DNS-1123',
    );
  });
  it('needs http, tcp or tls', () => {
    const ds = load(
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [a]\n',
    ).diagnostics;
    bad(ds, 'IST0106', 'spec', 'http, tcp or tls must be provided');
  });
});

describe('structure: unknown fields, types, YAML 1.1', () => {
  it('unknown fields are errors with a did-you-mean, at the key', () => {
    const ds = rule(`${route}    timout: 1s\n    retries: {attempts: 2, retryon: 5xx}`);
    bad(ds, 'IST0106', 'spec.http[0].timout', 'unknown field "timout" (did you mean "timeout"?)');
    bad(ds, 'IST0106', 'spec.http[0].retries.retryon', 'did you mean "retryOn"?');
    expect(ds.find((d) => d.path === 'spec.http[0].timout')).toMatchObject({ line: 12, column: 5 });
  });
  it('missing required fields are named', () => {
    bad(
      rule('route: [{weight: 1}]'),
      'IST0106',
      'spec.http[0].route[0]',
      'missing required field "destination"',
    );
  });
  it('YAML 1.1 booleans (yes/on) are read as Kubernetes reads them', () => {
    ok(rule(`match:\n    - uri: {prefix: /a}\n      ignoreUriCase: yes\n    ${route}`));
  });
  it('a valid VirtualService passes in every served apiVersion', () => {
    for (const v of ['v1alpha3', 'v1beta1', 'v1'])
      ok(load(vs(`  - ${route}`).replace('networking.istio.io/v1', `networking.istio.io/${v}`)).diagnostics);
  });
});
