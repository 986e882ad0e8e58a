import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/index.js';
import { load } from '../config/helpers.js';

/**
 * The standard-channel HTTPRoute CRD's CEL rules (Gateway API v1.6, x-kubernetes-validations), each just
 * inside and just outside: the inside case loads without MSIM3120, the outside one gives exactly the CRD's
 * message at the field the rule sits on.
 */
const cel = (ds: Diagnostic[]) =>
  ds.filter((d) => d.code === 'MSIM3120').map((d) => `${d.path ?? ''}: ${d.message}`);

function route(
  rules: string,
  parentRefs = '  - {name: product-service, kind: Service, group: ""}\n',
): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: production}
spec:
  parentRefs:
${parentRefs}  rules:
${rules}`;
}

const B = '    backendRefs: [{name: a, port: 80}]\n';
const rewrite = (prefix: string) =>
  `{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: ${prefix}}}}`;

describe('HTTPRoute CEL rules, just inside and just outside', () => {
  it.each([
    [
      'path value: absolute',
      '  - matches: [{path: {type: Exact, value: /a}}]\n',
      '  - matches: [{path: {type: Exact, value: a}}]\n',
      "spec.rules[0].matches[0].path.value: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "path value: no '/./'",
      '  - matches: [{path: {value: /a/.b}}]\n',
      '  - matches: [{path: {value: /a/./b}}]\n',
      "spec.rules[0].matches[0].path.value: must not contain '/./' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "path value: no '%2F'",
      '  - matches: [{path: {value: /a%2Eb}}]\n',
      '  - matches: [{path: {value: /a%2Fb}}]\n',
      "spec.rules[0].matches[0].path.value: must not contain '%2F' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "path value: not ending '/..'",
      '  - matches: [{path: {value: /a/..b}}]\n',
      '  - matches: [{path: {value: /a/..}}]\n',
      "spec.rules[0].matches[0].path.value: must not end with '/..' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      'path value: RFC 3986 characters only',
      '  - matches: [{path: {type: Exact, value: "/a~b@c:d"}}]\n',
      '  - matches: [{path: {type: Exact, value: "/a b"}}]\n',
      "spec.rules[0].matches[0].path.value: must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    ],
    [
      'path value: a percent sign needs two hex digits',
      '  - matches: [{path: {value: /a%2e}}]\n',
      '  - matches: [{path: {value: /a%2g}}]\n',
      "spec.rules[0].matches[0].path.value: must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    ],
    [
      'RegularExpression paths are not path-checked (RE2 only)',
      '  - matches: [{path: {type: RegularExpression, value: "/a b.*"}}]\n',
      '  - matches: [{path: {type: RegularExpression, value: "/a(b"}}]\n',
      'spec.rules[0].matches[0].path.value: invalid RE2 regex "/a(b": error parsing regexp: missing closing ): `/a(b`',
    ],
    [
      'timeouts: backendRequest <= request',
      '  - timeouts: {request: 2s, backendRequest: 2000ms}\n',
      '  - timeouts: {request: 2s, backendRequest: 2001ms}\n',
      'spec.rules[0].timeouts.backendRequest: backendRequest timeout cannot be longer than request timeout',
    ],
    [
      'timeouts: request 0s disables the rule',
      '  - timeouts: {request: 0s, backendRequest: 1h}\n',
      '  - timeouts: {request: 1ms, backendRequest: 1h}\n',
      'spec.rules[0].timeouts.backendRequest: backendRequest timeout cannot be longer than request timeout',
    ],
    [
      'RequestRedirect xor URLRewrite',
      `  - filters: [${rewrite('/b')}]\n${B}`,
      `  - filters: [${rewrite('/b')}, {type: RequestRedirect, requestRedirect: {hostname: x.example.com}}]\n`,
      'spec.rules[0].filters: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    ],
    [
      'RequestRedirect not with backendRefs',
      '  - filters: [{type: RequestRedirect, requestRedirect: {hostname: x.example.com}}]\n',
      `  - filters: [{type: RequestRedirect, requestRedirect: {hostname: x.example.com}}]\n${B}`,
      'spec.rules[0].filters: RequestRedirect filter must not be used together with backendRefs',
    ],
    [
      'a header modifier at most once',
      `  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: "1"}]}}, {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [b]}}]\n${B}`,
      `  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: "1"}]}}, {type: RequestHeaderModifier, requestHeaderModifier: {remove: [b]}}]\n${B}`,
      'spec.rules[0].filters: RequestHeaderModifier filter cannot be repeated',
    ],
    [
      'CORS at most once',
      `  - filters: [{type: CORS, cors: {allowOrigins: ["https://a.example"]}}]\n${B}`,
      `  - filters: [{type: CORS, cors: {allowOrigins: ["https://a.example"]}}, {type: CORS, cors: {allowOrigins: ["*"]}}]\n${B}`,
      'spec.rules[0].filters: CORS filter cannot be repeated',
    ],
    [
      "CORS: '*' alone",
      `  - filters: [{type: CORS, cors: {allowOrigins: ["*"], allowMethods: [GET, POST]}}]\n${B}`,
      `  - filters: [{type: CORS, cors: {allowOrigins: ["*", "https://a.example"]}}]\n${B}`,
      "spec.rules[0].filters[0].cors.allowOrigins: AllowOrigins cannot contain '*' alongside other origins",
    ],
    [
      'the field of the filter type is set',
      `  - filters: [{type: ExtensionRef, extensionRef: {group: x.io, kind: Y, name: z}}]\n${B}`,
      `  - filters: [{type: ExtensionRef}]\n${B}`,
      'spec.rules[0].filters[0]: filter.extensionRef must be specified for ExtensionRef filter.type',
    ],
    [
      'no field of another filter type',
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}}}]\n${B}`,
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}}, urlRewrite: {hostname: x.example.com}}]\n${B}`,
      'spec.rules[0].filters[0].urlRewrite: filter.urlRewrite must be nil if the filter.type is not URLRewrite',
    ],
    [
      'mirror: percent xor fraction',
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: {numerator: 1}}}]\n${B}`,
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, percent: 5, fraction: {numerator: 1}}}]\n${B}`,
      'spec.rules[0].filters[0].requestMirror: Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
    ],
    [
      'mirror fraction: numerator <= denominator',
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: {numerator: 3, denominator: 3}}}]\n${B}`,
      `  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: {numerator: 4, denominator: 3}}}]\n${B}`,
      'spec.rules[0].filters[0].requestMirror.fraction: numerator must be less than or equal to denominator',
    ],
    [
      'path modifier: type matches the field set',
      '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /x}}}]\n',
      '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replacePrefixMatch: /x}}}]\n',
      [
        "spec.rules[0].filters[0].requestRedirect.path: replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
        "spec.rules[0].filters[0].requestRedirect.path: type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
      ],
    ],
    [
      'ReplacePrefixMatch: exactly one PathPrefix match',
      `  - matches: [{path: {type: PathPrefix, value: /a}}]\n    filters: [${rewrite('/b')}]\n${B}`,
      `  - matches: [{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /c}}]\n    filters: [${rewrite('/b')}]\n${B}`,
      'spec.rules[0].filters[0].urlRewrite.path: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    ],
    [
      'ReplacePrefixMatch on a backendRef: exactly one PathPrefix match',
      `  - matches: [{path: {value: /a}}]\n    backendRefs: [{name: a, port: 80, filters: [${rewrite('/b')}]}]\n`,
      `  - matches: [{path: {type: Exact, value: /a}}]\n    backendRefs: [{name: a, port: 80, filters: [${rewrite('/b')}]}]\n`,
      'spec.rules[0].backendRefs[0].filters: Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    ],
    [
      'a Service backendRef has a port',
      '  - backendRefs: [{name: a, port: 80}, {group: networking.istio.io, kind: Hostname, name: a.example.com}]\n',
      '  - backendRefs: [{name: a}]\n',
      'spec.rules[0].backendRefs[0]: Must have port for Service reference',
    ],
    [
      'rule names unique',
      `  - name: a\n${B}  - name: b\n${B}`,
      `  - name: a\n${B}  - name: a\n${B}`,
      'spec.rules[1].name: Rule name must be unique within the route',
    ],
  ])('%s', (_rule, inside, outside, expected) => {
    expect(cel(load(route(inside)).diagnostics)).toEqual([]);
    expect(cel(load(route(outside)).diagnostics)).toEqual(Array.isArray(expected) ? expected : [expected]);
  });

  it('at most 128 matches in all rules, a rule without matches counting as its default match', () => {
    const rule = (n: number) =>
      `  - matches: [${Array.from({ length: n }, (_, k) => `{path: {value: /p${k}}}`).join(', ')}]\n${B}`;
    const noMatch = `  - backendRefs: [{name: a, port: 80}]\n`;
    expect(cel(load(route(rule(64) + rule(63) + noMatch)).diagnostics)).toEqual([]);
    expect(cel(load(route(rule(64) + rule(64) + noMatch)).diagnostics)).toEqual([
      'spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128 (got 129)',
    ]);
  });

  it('errors carry file:line:col of the field', () => {
    const [d] = load(route('  - matches: [{path: {type: Exact, value: "/a b"}}]\n')).diagnostics.filter(
      (x) => x.code === 'MSIM3120',
    );
    expect([d!.line, d!.column, d!.severity]).toEqual([8, 43, 'error']);
  });
});

describe('parentRefs to one parent (standard channel: sectionName only)', () => {
  const SVC = '{name: product-service, kind: Service, group: ""';
  it.each([
    ['distinct sectionNames', `  - ${SVC}, sectionName: a}\n  - ${SVC}, sectionName: b}\n`, []],
    [
      'one with, one without sectionName',
      `  - ${SVC}, sectionName: a}\n  - ${SVC}}\n`,
      [
        'spec.parentRefs[0]: sectionName must be specified when parentRefs includes 2 or more references to the same parent',
        'spec.parentRefs[1]: sectionName must be specified when parentRefs includes 2 or more references to the same parent',
      ],
    ],
    [
      'the same sectionName twice',
      `  - ${SVC}, sectionName: a}\n  - ${SVC}, sectionName: a}\n`,
      [
        'spec.parentRefs[0]: sectionName must be unique when parentRefs includes 2 or more references to the same parent',
        'spec.parentRefs[1]: sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      ],
    ],
    [
      'distinct ports without sectionName (only the experimental channel tells them apart)',
      `  - ${SVC}, port: 80}\n  - ${SVC}, port: 8080}\n`,
      [
        'spec.parentRefs[0]: sectionName must be unique when parentRefs includes 2 or more references to the same parent',
        'spec.parentRefs[1]: sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      ],
    ],
    ['other parents', `  - ${SVC}}\n  - {name: other, kind: Service, group: ""}\n`, []],
  ])('%s', (_what, refs, expected) => {
    expect(cel(load(route(B.replace('    ', '  - '), refs)).diagnostics)).toEqual(expected);
  });
});

describe('Gateway CEL rules (standard channel v1.6), just inside and just outside', () => {
  const gw = (listeners: string, addresses = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web, namespace: edge}
spec:
  gatewayClassName: istio
${addresses}  listeners:
${listeners}`;
  const CERT = 'tls: {certificateRefs: [{name: cert}]}';
  it.each([
    [
      'listener names unique',
      '  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 81, protocol: HTTP}\n',
      '  - {name: a, port: 80, protocol: HTTP}\n  - {name: a, port: 81, protocol: HTTP}\n',
      'spec.listeners[1].name: Listener name must be unique within the Gateway ("a" is also listeners[0])',
    ],
    [
      'port, protocol and hostname unique',
      '  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com}\n  - {name: b, port: 80, protocol: HTTP, hostname: b.example.com}\n',
      '  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com}\n  - {name: b, port: 80, protocol: HTTP, hostname: a.example.com}\n',
      'spec.listeners[1]: Combination of port, protocol and hostname must be unique for each listener (same as listeners[0])',
    ],
    [
      'no tls on HTTP',
      '  - {name: a, port: 80, protocol: HTTP}\n',
      `  - {name: a, port: 80, protocol: HTTP, ${CERT}}\n`,
      "spec.listeners[0].tls: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    ],
    [
      'tls on TLS',
      '  - {name: a, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n',
      '  - {name: a, port: 443, protocol: TLS}\n',
      'spec.listeners[0]: tls mode must be set for protocol TLS',
    ],
    [
      'HTTPS terminates',
      `  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Terminate, certificateRefs: [{name: cert}]}}\n`,
      '  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Passthrough}}\n',
      'spec.listeners[0].tls.mode: tls mode must be Terminate for protocol HTTPS',
    ],
    [
      'Terminate needs certificateRefs or options',
      '  - {name: a, port: 443, protocol: HTTPS, tls: {options: {example.com/key: v}}}\n',
      '  - {name: a, port: 443, protocol: HTTPS, tls: {certificateRefs: []}}\n',
      'spec.listeners[0].tls: certificateRefs or options must be specified when mode is Terminate',
    ],
    [
      'no hostname on TCP',
      '  - {name: a, port: 9000, protocol: TCP}\n',
      '  - {name: a, port: 9000, protocol: TCP, hostname: a.example.com}\n',
      "spec.listeners[0].hostname: hostname must not be specified for protocols ['TCP', 'UDP']",
    ],
  ])('%s', (_rule, inside, outside, expected) => {
    expect(cel(load(gw(inside)).diagnostics)).toEqual([]);
    expect(cel(load(gw(outside)).diagnostics)).toEqual([expected]);
  });

  it.each([
    ['IPAddress', '10.0.0.1', '10.0.0.2'],
    ['Hostname', 'a.example.com', 'b.example.com'],
  ])('%s address values unique', (type, a, b) => {
    const L = '  - {name: a, port: 80, protocol: HTTP}\n';
    const addr = (x: string, y: string) =>
      `  addresses: [{type: ${type}, value: ${x}}, {type: ${type}, value: ${y}}]\n`;
    expect(cel(load(gw(L, addr(a, b))).diagnostics)).toEqual([]);
    expect(cel(load(gw(L, addr(a, a))).diagnostics)).toEqual([
      `spec.addresses[1]: ${type} values must be unique`,
    ]);
  });
});
