/**
 * A validated VirtualService document → the resolved, defaulted VirtualServiceConfig the router reads.
 * Hosts become FQDNs in the VS namespace; timeouts absent → 0 (disabled, Envoy router.cc FilterUtility::finalTimeout); retries per Istio retry.go; Envoy retry_state_impl.cc;
 * fault percentages absent → 0 (Istio route.go TranslateFault; Envoy fault_filter.cc); mirror percentages absent → 100 (Istio route.go TranslateRequestMirrorPolicy; Envoy router.cc maybeDoShadowing).
 */
import { ms } from '../defaults.js';
import { shortHostToFqdn } from '../hosts.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import { translateRetries } from '../retry-policy.js';
import type {
  DestinationDoc,
  HeadersDoc,
  HttpMatchDoc,
  HttpRouteDoc,
  StringMatchDoc,
  VirtualServiceSpecDoc,
} from '../schema/virtual-service.js';
import type {
  Destination,
  FaultInjection,
  HeaderOperations,
  Headers,
  HttpMatchRequest,
  HttpRoute,
  MirrorPolicy,
  NamedMatch,
  ObjectMeta,
  SourceRef,
  StringMatch,
  VirtualServiceConfig,
} from '../types.js';

export function resolveVirtualService(
  meta: ObjectMeta,
  spec: VirtualServiceSpecDoc,
  sourceOfRule: (i: number) => SourceRef,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): VirtualServiceConfig {
  const ns = meta.namespace;
  return {
    meta,
    hosts: (spec.hosts ?? []).map((h) => shortHostToFqdn(h, ns)),
    gateways: [...(spec.gateways ?? [])],
    exportTo: [...(spec.exportTo ?? [])],
    http: (spec.http ?? []).map((h, i) => resolveRoute(h, ns, sourceOfRule(i), profile)),
    hasTcpOrTls: (spec.tcp?.length ?? 0) > 0 || (spec.tls?.length ?? 0) > 0,
  };
}

export function resolveRoute(
  h: HttpRouteDoc,
  ns: string,
  source: SourceRef,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): HttpRoute {
  const route: HttpRoute = {
    match: (h.match ?? []).map(resolveMatch),
    route: (h.route ?? []).map((d) => ({
      destination: resolveDestination(d.destination, ns),
      weight: d.weight ?? 0,
      ...(d.headers ? { headers: resolveHeaders(d.headers) } : {}),
    })),
    timeoutMs: ms(h.timeout, 0),
    retries: translateRetries(h.retries, profile),
    mirrors: resolveMirrors(h, ns),
    headers: resolveHeaders(h.headers),
    source,
  };
  if (h.name !== undefined) route.name = h.name;
  if (h.delegate) route.delegate = { name: h.delegate.name ?? '', namespace: h.delegate.namespace || ns };
  if (h.redirect)
    route.redirect = {
      ...(h.redirect.uri !== undefined ? { uri: h.redirect.uri } : {}),
      ...(h.redirect.authority !== undefined ? { authority: h.redirect.authority } : {}),
      ...(h.redirect.port !== undefined ? { port: h.redirect.port } : {}),
      ...(h.redirect.derivePort !== undefined ? { derivePort: h.redirect.derivePort } : {}),
      ...(h.redirect.scheme !== undefined ? { scheme: h.redirect.scheme } : {}),
      // redirectCode 0/absent → 301 (Istio route.go rewrite/redirect/headers).
      redirectCode: h.redirect.redirectCode || 301,
    };
  if (h.directResponse) {
    const body = h.directResponse.body;
    route.directResponse = { status: h.directResponse.status };
    const text = body?.string ?? (body?.bytes !== undefined ? decodeBase64(body.bytes) : undefined);
    if (text !== undefined) route.directResponse.body = text;
  }
  if (h.rewrite) {
    route.rewrite = {};
    if (h.rewrite.uri !== undefined) route.rewrite.uri = h.rewrite.uri;
    if (h.rewrite.authority !== undefined) route.rewrite.authority = h.rewrite.authority;
    if (h.rewrite.uriRegexRewrite) route.rewrite.uriRegexRewrite = { ...h.rewrite.uriRegexRewrite };
  }
  const fault = resolveFault(h);
  if (fault) route.fault = fault;
  if (h.corsPolicy) route.corsPolicy = h.corsPolicy;
  return route;
}

function decodeBase64(s: string): string {
  try {
    return atob(s);
  } catch {
    return s;
  }
}

export function resolveDestination(d: DestinationDoc, ns: string): Destination {
  const out: Destination = { host: shortHostToFqdn(d.host, ns) };
  if (d.subset !== undefined && d.subset !== '') out.subset = d.subset;
  if (d.port?.number !== undefined) out.port = d.port.number;
  return out;
}

function resolveStringMatch(sm: StringMatchDoc): StringMatch {
  if (sm.exact !== undefined) return { kind: 'exact', value: sm.exact };
  if (sm.prefix !== undefined) return { kind: 'prefix', value: sm.prefix };
  if (sm.regex !== undefined && sm.regex !== '*') return { kind: 'regex', value: sm.regex };
  return { kind: 'present' };
}

const named = (m: Record<string, StringMatchDoc> | undefined): NamedMatch[] =>
  Object.entries(m ?? {}).map(([name, sm]) => ({ name, match: resolveStringMatch(sm) }));

function resolveMatch(m: HttpMatchDoc): HttpMatchRequest {
  const out: HttpMatchRequest = {
    headers: named(m.headers),
    withoutHeaders: named(m.withoutHeaders),
    queryParams: named(m.queryParams),
    ignoreUriCase: m.ignoreUriCase ?? false,
    gateways: [...(m.gateways ?? [])],
  };
  if (m.name !== undefined) out.name = m.name;
  if (m.uri) out.uri = resolveStringMatch(m.uri);
  if (m.scheme) out.scheme = resolveStringMatch(m.scheme);
  if (m.method) out.method = resolveStringMatch(m.method);
  if (m.authority) out.authority = resolveStringMatch(m.authority);
  if (m.port !== undefined) out.port = m.port;
  if (m.sourceLabels) out.sourceLabels = { ...m.sourceLabels };
  if (m.sourceNamespace !== undefined) out.sourceNamespace = m.sourceNamespace;
  return out;
}

const ops = (o: NonNullable<HeadersDoc['request']> | undefined): HeaderOperations => ({
  set: { ...(o?.set ?? {}) },
  add: { ...(o?.add ?? {}) },
  remove: [...(o?.remove ?? [])],
});

function resolveHeaders(h: HeadersDoc | undefined): Headers {
  return { request: ops(h?.request), response: ops(h?.response) };
}

function resolveFault(h: HttpRouteDoc): FaultInjection | undefined {
  const f = h.fault;
  if (!f) return undefined;
  const out: FaultInjection = {};
  if (f.delay?.fixedDelay !== undefined)
    out.delay = {
      // Absent percentage → 0 %: no request is delayed (Istio route.go TranslateFault; Envoy fault_filter.cc); deprecated integer `percent` still honoured.
      percentage: f.delay.percentage?.value ?? f.delay.percent ?? 0,
      fixedDelayMs: ms(f.delay.fixedDelay, 0),
    };
  if (f.abort) {
    out.abort = { percentage: f.abort.percentage?.value ?? 0 };
    if (f.abort.httpStatus !== undefined) out.abort.httpStatus = f.abort.httpStatus;
    if (f.abort.grpcStatus !== undefined) out.abort.grpcStatus = f.abort.grpcStatus;
  }
  return out;
}

function resolveMirrors(h: HttpRouteDoc, ns: string): MirrorPolicy[] {
  if (h.mirror)
    return [
      {
        destination: resolveDestination(h.mirror, ns),
        // Absent → 100 %; deprecated mirrorPercent (per hundred) still honoured (Istio route.go TranslateRequestMirrorPolicy; Envoy router.cc maybeDoShadowing).
        percentage: h.mirrorPercentage?.value ?? h.mirrorPercent ?? 100,
      },
    ];
  return (h.mirrors ?? []).map((m) => ({
    destination: resolveDestination(m.destination, ns),
    percentage: m.percentage?.value ?? 100,
  }));
}
