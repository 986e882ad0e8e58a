/**
 * A validated HTTPRoute → HTTPRouteConfig with the CRD's defaults (gateway-api.sigs.k8s.io API reference
 * "HTTPRoute"): parentRef group/kind gateway.networking.k8s.io/Gateway, namespace the route's; backendRef
 * group "" kind Service, namespace the route's, weight 1; no matches = one PathPrefix "/" match; path type
 * PathPrefix, value "/"; header/query types Exact; redirect statusCode 302; mirror 100 %.
 */
import { GATEWAY_API_GROUP } from './gateway-api-types.js';
import { gatewayDurationMs } from '../schema/gateway-api.js';
import type {
  HeaderFilterDoc,
  HTTPRouteFilterDoc,
  HTTPRouteMatchDoc,
  HTTPRouteSpecDoc,
  PathModifierDoc,
} from '../schema/gateway-api-http-route.js';
import type { ObjectMeta, SourceRef } from '../types.js';
import type {
  BackendRefConfig,
  HeaderModifierConfig,
  HTTPRouteConfig,
  HTTPRouteFilterConfig,
  HTTPRouteMatchConfig,
  HTTPRouteRuleConfig,
  PathModifierConfig,
} from './gateway-api-types.js';

type Pos = (path: readonly (string | number)[]) => SourceRef;

export const DEFAULT_MATCH: HTTPRouteMatchConfig = {
  path: { type: 'PathPrefix', value: '/' },
  headers: [],
  queryParams: [],
};

export function resolveHTTPRoute(meta: ObjectMeta, spec: HTTPRouteSpecDoc, pos: Pos): HTTPRouteConfig {
  const ns = meta.namespace;
  return {
    meta,
    parentRefs: (spec.parentRefs ?? []).map((p, i) => ({
      group: p.group ?? GATEWAY_API_GROUP,
      kind: p.kind ?? 'Gateway',
      namespace: p.namespace ?? ns,
      name: p.name,
      ...(p.sectionName !== undefined ? { sectionName: p.sectionName } : {}),
      ...(p.port !== undefined ? { port: p.port } : {}),
      source: pos(['spec', 'parentRefs', i]),
    })),
    hostnames: (spec.hostnames ?? []).map((h) => h.toLowerCase()),
    rules: (spec.rules ?? []).map((r, i): HTTPRouteRuleConfig => {
      const at = ['spec', 'rules', i];
      const rule: HTTPRouteRuleConfig = {
        matches: r.matches?.length ? r.matches.map(resolveMatch) : [DEFAULT_MATCH],
        filters: (r.filters ?? []).map((f, j) => resolveFilter(f, ns, pos([...at, 'filters', j]))),
        backendRefs: (r.backendRefs ?? []).map((b, j) => {
          const source = pos([...at, 'backendRefs', j]);
          return {
            ...backendTarget(b, ns, source),
            weight: b.weight ?? 1,
            filters: (b.filters ?? []).map((f, k) =>
              resolveFilter(f, ns, pos([...at, 'backendRefs', j, 'filters', k])),
            ),
          };
        }),
        timeouts: {
          ...(r.timeouts?.request !== undefined ? { requestMs: gatewayDurationMs(r.timeouts.request) } : {}),
          ...(r.timeouts?.backendRequest !== undefined
            ? { backendRequestMs: gatewayDurationMs(r.timeouts.backendRequest) }
            : {}),
        },
        source: pos(at),
      };
      if (r.name !== undefined) rule.name = r.name;
      if (r.retry)
        rule.retry = {
          codes: [...(r.retry.codes ?? [])],
          ...(r.retry.attempts !== undefined ? { attempts: r.retry.attempts } : {}),
          ...(r.retry.backoff !== undefined ? { backoffMs: gatewayDurationMs(r.retry.backoff) } : {}),
        };
      return rule;
    }),
  };
}

function backendTarget(
  b: { group?: string; kind?: string; name: string; namespace?: string; port?: number },
  ns: string,
  source: SourceRef,
): Omit<BackendRefConfig, 'weight' | 'filters'> {
  return {
    group: b.group ?? '',
    kind: b.kind ?? 'Service',
    name: b.name,
    namespace: b.namespace ?? ns,
    ...(b.namespace !== undefined ? { namespaceWritten: true as const } : {}),
    ...(b.port !== undefined ? { port: b.port } : {}),
    source,
  };
}

function resolveMatch(m: HTTPRouteMatchDoc): HTTPRouteMatchConfig {
  const out: HTTPRouteMatchConfig = {
    path: { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' },
    headers: (m.headers ?? []).map((h) => ({ type: h.type ?? 'Exact', name: h.name, value: h.value })),
    queryParams: (m.queryParams ?? []).map((q) => ({
      type: q.type ?? 'Exact',
      name: q.name,
      value: q.value,
    })),
  };
  if (m.method !== undefined) out.method = m.method;
  return out;
}

const headerModifier = (h: HeaderFilterDoc | undefined): HeaderModifierConfig => ({
  set: (h?.set ?? []).map((x) => ({ name: x.name, value: x.value })),
  add: (h?.add ?? []).map((x) => ({ name: x.name, value: x.value })),
  remove: [...(h?.remove ?? [])],
});

function pathModifier(p: PathModifierDoc): PathModifierConfig {
  return p.type === 'ReplaceFullPath'
    ? { type: p.type, replaceFullPath: p.replaceFullPath ?? '' }
    : { type: p.type, replacePrefixMatch: p.replacePrefixMatch ?? '' };
}

function resolveFilter(f: HTTPRouteFilterDoc, ns: string, source: SourceRef): HTTPRouteFilterConfig {
  switch (f.type) {
    case 'RequestHeaderModifier':
      return { type: f.type, requestHeaderModifier: headerModifier(f.requestHeaderModifier) };
    case 'ResponseHeaderModifier':
      return { type: f.type, responseHeaderModifier: headerModifier(f.responseHeaderModifier) };
    case 'RequestMirror': {
      const m = f.requestMirror!;
      const fr = m.fraction;
      const percentage =
        m.percent !== undefined ? m.percent : fr ? (100 * fr.numerator) / (fr.denominator ?? 100) : 100;
      return { type: f.type, percentage, backendRef: backendTarget(m.backendRef, ns, source) };
    }
    case 'RequestRedirect': {
      const r = f.requestRedirect ?? {};
      return {
        type: f.type,
        ...(r.scheme !== undefined ? { scheme: r.scheme } : {}),
        ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
        ...(r.path ? { path: pathModifier(r.path) } : {}),
        ...(r.port !== undefined ? { port: r.port } : {}),
        statusCode: r.statusCode ?? 302,
      };
    }
    case 'URLRewrite': {
      const u = f.urlRewrite ?? {};
      return {
        type: f.type,
        ...(u.hostname !== undefined ? { hostname: u.hostname } : {}),
        ...(u.path ? { path: pathModifier(u.path) } : {}),
      };
    }
    default:
      return { type: f.type };
  }
}
