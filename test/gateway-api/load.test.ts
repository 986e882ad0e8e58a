import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/index.js';
import { load } from '../config/helpers.js';

const brief = (ds: Diagnostic[]) =>
  ds.map((d) => `${d.code}@${d.line}:${d.column} ${d.path ?? ''}: ${d.message}`);

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: edge
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    hostname: "*.example.com"
`;

function route(rules: string, head = ''): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: production
spec:
${head}  parentRefs:
  - name: product-service
    kind: Service
    group: ""
  rules:
${rules}`;
}

describe('Gateway API kinds are read (v1 and v1beta1)', () => {
  it('a Gateway of gateway.networking.k8s.io is a KubernetesGateway, not an Istio Gateway', () => {
    const { config, diagnostics } = load(GATEWAY);
    expect(brief(diagnostics)).toEqual([]);
    expect(config.gateways).toBeUndefined();
    const gw = config.gatewayApi!.gateways[0]!;
    expect(gw.meta.name).toBe('web');
    expect(gw.gatewayClassName).toBe('istio');
    expect(gw.listeners).toEqual([
      {
        name: 'http',
        port: 80,
        protocol: 'HTTP',
        hostname: '*.example.com',
        allowedRoutes: { from: 'Same', kinds: [] },
        source: { file: 'test.yaml', line: 9, column: 5 },
      },
    ]);
  });

  it('v1beta1 is served, v1alpha2 of HTTPRoute is not (MSIM0012)', () => {
    expect(brief(load(GATEWAY.replace('/v1\n', '/v1beta1\n')).diagnostics)).toEqual([]);
    const ds = load(
      route('  - backendRefs: [{name: a, port: 80}]\n').replace('/v1\n', '/v1alpha2\n'),
    ).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(['MSIM0012']);
    expect(ds[0]!.message).toContain('gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1');
  });

  it('an HTTPRoute gets the CRD defaults', () => {
    const { config, diagnostics } = load(
      route('  - backendRefs: [{name: product-service-v1, port: 8080}]\n'),
    );
    expect(brief(diagnostics)).toEqual([]);
    const r = config.gatewayApi!.httpRoutes[0]!;
    expect(r.parentRefs[0]).toMatchObject({
      group: '',
      kind: 'Service',
      namespace: 'production',
      name: 'product-service',
    });
    expect(r.rules[0]!.matches).toEqual([
      { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
    ]);
    expect(r.rules[0]!.backendRefs[0]).toMatchObject({
      group: '',
      kind: 'Service',
      name: 'product-service-v1',
      namespace: 'production',
      port: 8080,
      weight: 1,
    });
  });

  it('parentRef defaults to a Gateway of the Gateway API group; durations are GEP-2257', () => {
    const text = route(
      '  - backendRefs: [{name: a, port: 80}]\n    timeouts: {request: 1m30s, backendRequest: 500ms}\n',
    ).replace('    kind: Service\n    group: ""\n', '');
    const { config, diagnostics } = load(text);
    expect(brief(diagnostics)).toEqual([]);
    const r = config.gatewayApi!.httpRoutes[0]!;
    expect(r.parentRefs[0]).toMatchObject({ group: 'gateway.networking.k8s.io', kind: 'Gateway' });
    expect(r.rules[0]!.timeouts).toEqual({ requestMs: 90_000, backendRequestMs: 500 });
  });

  it('a redirect defaults to 302; a mirror fraction becomes a percentage', () => {
    const { config, diagnostics } = load(
      route(`  - filters:
    - type: RequestRedirect
      requestRedirect: {scheme: https}
  - backendRefs: [{name: a, port: 80}]
    filters:
    - type: RequestMirror
      requestMirror: {backendRef: {name: b, port: 80}, fraction: {numerator: 1, denominator: 8}}
`),
    );
    expect(brief(diagnostics)).toEqual([]);
    const [redirect, mirror] = config.gatewayApi!.httpRoutes[0]!.rules;
    expect(redirect!.filters[0]).toEqual({ type: 'RequestRedirect', scheme: 'https', statusCode: 302 });
    expect(mirror!.filters[0]).toMatchObject({ type: 'RequestMirror', percentage: 12.5 });
  });
});

describe('Gateway API validation: the CRDs schemas and CEL rules (MSIM3120)', () => {
  const bad = (text: string) => brief(load(text).diagnostics);
  it.each([
    ['  - backendRefs: [{name: a}]\n', 'spec.rules[0].backendRefs[0]: Must have port for Service reference'],
    [
      '  - backendRefs: [{name: a, port: 80, weight: 1000001}]\n',
      'spec.rules[0].backendRefs[0].weight: 1000001 is out of range',
    ],
    ['  - matches: [{path: {type: Exact, value: foo}}]\n', "must be an absolute path and start with '/'"],
    ['  - matches: [{path: {value: "/a//b"}}]\n', "must not contain '//'"],
    ['  - matches: [{path: {type: RegularExpression, value: "(("}}]\n', 'invalid RE2 regex'],
    [
      '  - matches: [{headers: [{name: x, value: a}, {name: X, value: b}]}]\n',
      'Header names in a match must be unique',
    ],
    [
      '  - timeouts: {request: 1s, backendRequest: 2s}\n',
      'backendRequest timeout cannot be longer than request timeout',
    ],
    ['  - timeouts: {request: 1.5s}\n', 'is not a Gateway API duration'],
    [
      '  - filters: [{type: RequestRedirect, requestRedirect: {}}]\n    backendRefs: [{name: a, port: 80}]\n',
      'RequestRedirect filter must not be used together with backendRefs',
    ],
    [
      '  - filters: [{type: URLRewrite, requestRedirect: {}}]\n',
      'filter.urlRewrite must be specified for URLRewrite',
    ],
    [
      '  - matches: [{path: {type: Exact, value: /a}}]\n    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n',
      'exactly one PathPrefix match must be specified',
    ],
    [
      '  - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 304}}]\n',
      'statusCode must be one of',
    ],
  ])('%s', (rules, msg) => {
    const ds = bad(route(rules));
    expect(
      ds.some((d) => d.startsWith('MSIM3120') && d.includes(msg)),
      ds.join('\n'),
    ).toBe(true);
  });

  it('ReplacePrefixMatch with the default match (no matches) is accepted', () => {
    expect(
      bad(
        route(
          '  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n    backendRefs: [{name: a, port: 80}]\n',
        ),
      ),
    ).toEqual([]);
  });

  it('two parentRefs to the same parent need distinct sectionNames', () => {
    const text = route('  - backendRefs: [{name: a, port: 80}]\n').replace(
      '  parentRefs:\n',
      '  parentRefs:\n  - {name: product-service, kind: Service, group: ""}\n',
    );
    expect(bad(text).some((d) => d.includes('sectionName or port must be specified'))).toBe(true);
  });

  it('Gateway listeners: unique names, tls for HTTPS, no hostname on TCP', () => {
    const text = `${GATEWAY}  - name: http
    port: 443
    protocol: HTTPS
  - name: tcp
    port: 9000
    protocol: TCP
    hostname: a.example.com
`;
    const ds = bad(text);
    expect(ds.some((d) => d.includes('spec.listeners[1].name: Listener name must be unique'))).toBe(true);
    expect(
      ds.some((d) => d.includes("spec.listeners[1]: tls mode must be set for protocols ['HTTPS', 'TLS']")),
    ).toBe(true);
    expect(ds.some((d) => d.includes('spec.listeners[2].hostname: hostname must not be specified'))).toBe(
      true,
    );
    expect(load(text).config.gatewayApi).toBeUndefined();
  });

  it('unknown fields are positioned errors with a suggestion', () => {
    const ds = bad(route('  - backendRef: [{name: a, port: 80}]\n'));
    expect(ds).toEqual([
      'MSIM3120@12:5 spec.rules[0].backendRef: unknown field "backendRef" (did you mean "backendRefs"?)',
    ]);
  });
});
