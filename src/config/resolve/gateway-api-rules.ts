/**
 * One HTTPRoute rule → Istio HTTP routes, as istiod converts it (istio pilot/pkg/config/kube/gateway
 * conversion.go convertHTTPRoute, called once per match by HTTPRouteCollection, which splits a rule into
 * one route per match): the match (createURIMatch, createHeadersMatch, createQueryParamsMatch,
 * createMethodMatch), the filters (createHeadersFilter, createRedirectFilter, createMirrorFilter,
 * createRewriteFilter), `retry` and `timeouts`, and the backends (buildHTTPDestination, buildDestination).
 */
import { translateRetries } from '../retry-policy.js';
import type {
  SourceRef,
  Destination,
  HeaderOperations,
  HttpMatchRequest,
  HttpRoute,
  HttpRouteDestination,
  NamedMatch,
  StringMatch,
} from '../types.js';
import type {
  BackendRefConfig,
  HeaderModifierConfig,
  HTTPRouteConfig,
  HTTPRouteFilterConfig,
  HTTPRouteMatchConfig,
  HTTPRouteRuleConfig,
} from './gateway-api-types.js';

/**
 * Why a reference does not resolve (ResolvedRefs=False): a backend keeps its share (500); an
 * InvalidFilter is a hard error for the whole route (no routes are generated for it).
 */
export interface BackendProblem {
  reason: 'BackendNotFound' | 'RefNotPermitted' | 'InvalidKind' | 'InvalidFilter' | 'InvalidDestination';
  message: string;
  /** Where to report it: the backendRef, or the filter. */
  at: SourceRef;
}

/** Filter types convertHTTPRoute handles on a rule; any other is "unsupported filter type". */
const RULE_FILTERS = new Set([
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'RequestMirror',
  'URLRewrite',
  'CORS',
]);
/** buildHTTPDestination handles only header modifiers on a backendRef. */
const BACKEND_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier']);

/** The first filter istiod refuses ("unsupported filter type"), which fails the whole rule conversion. */
function unsupportedFilter(rule: HTTPRouteRuleConfig): { type: string; at: SourceRef } | undefined {
  for (const f of rule.filters) if (!RULE_FILTERS.has(f.type)) return { type: f.type, at: rule.source };
  for (const b of rule.backendRefs)
    for (const f of b.filters) if (!BACKEND_FILTERS.has(f.type)) return { type: f.type, at: b.source };
  return undefined;
}

/** The `Hostname` pseudo-kind of group networking.istio.io: a backendRef naming a ServiceEntry host. */
export const ISTIO_GROUP = 'networking.istio.io';

/**
 * buildDestination's InvalidDestination for a `Hostname` backend (no port, or a namespace): not one of
 * the "invalid backend" reasons a backend survives (isInvalidBackend), so a hard error for the route.
 */
function invalidDestination(rule: HTTPRouteRuleConfig): { message: string; at: SourceRef } | undefined {
  const refs: Omit<BackendRefConfig, 'weight' | 'filters'>[] = rule.backendRefs.filter((b) => b.weight !== 0);
  for (const f of rule.filters) if (f.type === 'RequestMirror') refs.push(f.backendRef);
  for (const b of refs) {
    if (b.group !== ISTIO_GROUP || b.kind !== 'Hostname') continue;
    if (b.port === undefined) return { message: 'port is required in backendRef', at: b.source };
    if (b.namespaceWritten) return { message: 'namespace may not be set with Hostname type', at: b.source };
  }
  return undefined;
}

export interface BackendLookup {
  serviceExists(namespace: string, name: string): boolean;
  /** PushContext.GetService: a Kubernetes Service's FQDN or a ServiceEntry's host, exactly. */
  hostExists(host: string): boolean;
  /** serviceEntryHosts: the hosts of ServiceEntry namespace/name ([] when there is none). */
  serviceEntryHosts(namespace: string, name: string): readonly string[];
  /** ReferenceGrant check for a cross-namespace reference from an HTTPRoute in `fromNamespace`. */
  granted(fromNamespace: string, kind: string, group: string, namespace: string, name: string): boolean;
}

const NO_OPS: HeaderOperations = { set: {}, add: {}, remove: [] };

/**
 * One Istio route for `match` of rule `pos` of `route`; `problems` collects unresolved references.
 * null: a hard error (an unsupported filter), after which istiod generates no routes for the route.
 */
export function convertHTTPRouteRule(
  route: HTTPRouteConfig,
  rule: HTTPRouteRuleConfig,
  pos: number,
  match: HTTPRouteMatchConfig,
  lookup: BackendLookup,
  enforceRefGrant: boolean,
  problems: BackendProblem[],
): HttpRoute | null {
  const ns = route.meta.namespace;
  const bad = unsupportedFilter(rule);
  if (bad) {
    problems.push({ reason: 'InvalidFilter', message: `unsupported filter type "${bad.type}"`, at: bad.at });
    return null;
  }
  const invalid = invalidDestination(rule);
  if (invalid) {
    problems.push({ reason: 'InvalidDestination', message: invalid.message, at: invalid.at });
    return null;
  }
  const out: HttpRoute = {
    // Auto-named `<ns>.<name>.<rule index>` unless the rule has a name.
    name: rule.name ?? `${ns}.${route.meta.name}.${pos}`,
    match: [convertMatch(match)],
    route: [],
    timeoutMs: 0,
    retries: null,
    mirrors: [],
    headers: { request: NO_OPS, response: NO_OPS },
    source: rule.source,
  };
  let redirect = false;
  for (const f of rule.filters)
    redirect = applyFilter(out, f, ns, lookup, enforceRefGrant, problems) || redirect;
  // No `retry`: the VirtualService has no retries either, so istiod's default policy applies.
  out.retries = translateRetries(
    rule.retry
      ? {
          attempts: rule.retry.attempts ?? 2,
          // "Implementations SHOULD retry on connection errors ... if a retry stanza is configured."
          retryOn: [
            'connect-failure',
            'refused-stream',
            'unavailable',
            'cancelled',
            ...rule.retry.codes.map(String),
          ].join(','),
          ...(rule.retry.backoffMs !== undefined ? { backoff: `${rule.retry.backoffMs}ms` } : {}),
        }
      : undefined,
  );
  const t = rule.timeouts;
  if (t.requestMs) out.timeoutMs = t.requestMs;
  if (t.backendRequestMs) {
    // backendRequest is the per-try timeout when there is a retry stanza, else the route timeout.
    if (rule.retry && out.retries) out.retries = { ...out.retries, perTryTimeoutMs: t.backendRequestMs };
    else out.timeoutMs = t.backendRequestMs;
  }
  const weightSum = rule.backendRefs.reduce((s, b) => s + b.weight, 0);
  // "when there are no >0 weight backends return 500" (unless the rule redirects).
  if (weightSum === 0 && !redirect) out.directResponse = { status: 500 };
  else out.route = buildDestinations(rule.backendRefs, ns, lookup, enforceRefGrant, problems);
  // Gateway semantics: a backend without a cluster answers 500 (route.go ClusterNotFoundResponseCode).
  out.clusterNotFoundStatus = 500;
  return out;
}

/** createURIMatch: PathPrefix drops a trailing "/"; createHeadersMatch/createQueryParamsMatch; method exact. */
function convertMatch(m: HTTPRouteMatchConfig): HttpMatchRequest {
  const v = m.path.value;
  const uri: StringMatch =
    m.path.type === 'Exact'
      ? { kind: 'exact', value: v }
      : m.path.type === 'RegularExpression'
        ? { kind: 'regex', value: v }
        : { kind: 'prefix', value: v !== '/' && v.endsWith('/') ? v.slice(0, -1) : v };
  const named = (list: HTTPRouteMatchConfig['headers']): NamedMatch[] => {
    // A map in istiod: a later entry of the same name replaces an earlier one.
    const byName = new Map<string, StringMatch>();
    for (const h of list)
      byName.set(h.name, { kind: h.type === 'Exact' ? 'exact' : 'regex', value: h.value });
    return [...byName].map(([name, match]) => ({ name, match }));
  };
  const out: HttpMatchRequest = {
    uri,
    headers: named(m.headers),
    withoutHeaders: [],
    queryParams: named(m.queryParams),
    ignoreUriCase: false,
    gateways: [],
  };
  if (m.method !== undefined) out.method = { kind: 'exact', value: m.method };
  return out;
}

/** headerListToMap: lower-cased names, the first of equal names wins ("subsequent entries MUST be ignored"). */
function headerOps(h: HeaderModifierConfig): HeaderOperations {
  const map = (list: HeaderModifierConfig['set']) => {
    const out: Record<string, string> = {};
    for (const e of list) {
      const k = e.name.toLowerCase();
      if (!Object.hasOwn(out, k)) out[k] = e.value;
    }
    return out;
  };
  return { set: map(h.set), add: map(h.add), remove: [...h.remove] };
}

/** Applies one rule-level filter; true when it is a redirect. */
function applyFilter(
  out: HttpRoute,
  f: HTTPRouteFilterConfig,
  ns: string,
  lookup: BackendLookup,
  enforceRefGrant: boolean,
  problems: BackendProblem[],
): boolean {
  switch (f.type) {
    case 'RequestHeaderModifier':
      out.headers = { ...out.headers, request: headerOps(f.requestHeaderModifier) };
      return false;
    case 'ResponseHeaderModifier':
      out.headers = { ...out.headers, response: headerOps(f.responseHeaderModifier) };
      return false;
    case 'RequestMirror': {
      const dst = buildDestination(f.backendRef, ns, lookup, enforceRefGrant, problems);
      // A mirror to an unresolved backend is dropped (the route's ResolvedRefs reports it).
      if (dst) out.mirrors = [...out.mirrors, { destination: dst, percentage: f.percentage }];
      return false;
    }
    case 'RequestRedirect': {
      out.redirect = {
        ...(f.hostname !== undefined ? { authority: f.hostname } : {}),
        ...(f.scheme !== undefined ? { scheme: f.scheme } : {}),
        // "When empty, port (if specified) of the request is used": istiod derives it.
        ...(f.port !== undefined
          ? { port: f.port }
          : { derivePort: f.scheme !== undefined ? 'FROM_PROTOCOL_DEFAULT' : 'FROM_REQUEST_PORT' }),
        // NOTE: simplification: a ReplacePrefixMatch redirect keeps the request's path in Location
        // (istiod's HTTPRedirect.prefixRewrite has no counterpart in meshsim's redirect).
        ...(f.path?.type === 'ReplaceFullPath' ? { uri: f.path.replaceFullPath } : {}),
        redirectCode: f.statusCode,
      };
      return true;
    }
    case 'URLRewrite': {
      const rw: NonNullable<HttpRoute['rewrite']> = {};
      if (f.path?.type === 'ReplaceFullPath')
        rw.uriRegexRewrite = { match: '/.*', rewrite: f.path.replaceFullPath };
      if (f.path?.type === 'ReplacePrefixMatch') rw.uri = f.path.replacePrefixMatch.replace(/\/$/, '') || '/';
      if (f.hostname !== undefined) rw.authority = f.hostname;
      if (rw.uri !== undefined || rw.uriRegexRewrite || rw.authority !== undefined) out.rewrite = rw;
      return false;
    }
    default:
      // CORS: istiod sets a corsPolicy, which has no effect on mesh traffic (not simulated).
      return false;
  }
}

/** buildHTTPDestination: weight-0 backends dropped; a single remaining one has its weight ignored. */
function buildDestinations(
  refs: readonly BackendRefConfig[],
  ns: string,
  lookup: BackendLookup,
  enforceRefGrant: boolean,
  problems: BackendProblem[],
): HttpRouteDestination[] {
  const kept = refs.filter((b) => b.weight !== 0);
  return kept.map((b) => {
    // An invalid backend keeps its share with an empty destination: no cluster, so 500.
    const destination = buildDestination(b, ns, lookup, enforceRefGrant, problems) ?? { host: '' };
    const headers = { request: NO_OPS, response: NO_OPS };
    for (const f of b.filters) {
      if (f.type === 'RequestHeaderModifier') headers.request = headerOps(f.requestHeaderModifier);
      if (f.type === 'ResponseHeaderModifier') headers.response = headerOps(f.responseHeaderModifier);
    }
    const d: HttpRouteDestination = { destination, weight: kept.length === 1 ? 0 : b.weight };
    if (b.filters.length > 0) d.headers = headers;
    return d;
  });
}

/**
 * buildDestination for a core Service (`<name>.<ns>.svc.cluster.local` on the backendRef's port) and
 * Istio's `Hostname` kind (group networking.istio.io: the name is a host, a ServiceEntry's, used as
 * written); a cross-namespace reference needs a ReferenceGrant when the parent is a Gateway (enforceRefGrant:
 * not for mesh parents). A missing Service or host still gets its destination (no cluster).
 */
function buildDestination(
  b: Omit<BackendRefConfig, 'weight' | 'filters'>,
  ns: string,
  lookup: BackendLookup,
  enforceRefGrant: boolean,
  problems: BackendProblem[],
): Destination | undefined {
  if (enforceRefGrant && b.namespace !== ns && !lookup.granted(ns, b.kind, b.group, b.namespace, b.name)) {
    problems.push({
      reason: 'RefNotPermitted',
      message: `backendRef ${b.name}/${b.namespace} not accessible to a HTTPRoute in namespace "${ns}" (missing a ReferenceGrant?)`,
      at: b.source,
    });
    return undefined;
  }
  if (b.group === ISTIO_GROUP && b.kind === 'Hostname') {
    // invalidDestination already refused a Hostname without port or with a namespace.
    if (!lookup.hostExists(b.name))
      problems.push({ reason: 'BackendNotFound', message: `backend(${b.name}) not found`, at: b.source });
    return b.port !== undefined ? { host: b.name, port: b.port } : { host: b.name };
  }
  if (!(b.group === '' && b.kind === 'Service')) {
    problems.push({
      reason: 'InvalidKind',
      message: `referencing unsupported backendRef: group "${b.group}" kind "${b.kind}"`,
      at: b.source,
    });
    return undefined;
  }
  const host = `${b.name}.${b.namespace}.svc.cluster.local`;
  if (!lookup.serviceExists(b.namespace, b.name))
    problems.push({ reason: 'BackendNotFound', message: `backend(${host}) not found`, at: b.source });
  return b.port !== undefined ? { host, port: b.port } : { host };
}
