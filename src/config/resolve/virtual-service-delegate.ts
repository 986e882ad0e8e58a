/**
 * Delegate VirtualServices (`http[].delegate`), merged as istiod merges them before any proxy sees
 * them [I:pilot/pkg/model/virtualservice_controller.go `mergeVirtualServices`,
 * pilot/pkg/model/virtualservice.go `MergeHTTPRoutes`, `mergeHTTPRoute`, `mergeHTTPMatchRequests`,
 * `mergeHTTPMatchRequest`, `hasConflict`, `stringMatchConflict`]:
 *
 * - A VirtualService without hosts is a delegate; it is never used on its own. A root (one with hosts
 *   and at least one `delegate` rule) has each delegate rule replaced by the delegate's rules, merged
 *   with the root rule; a missing delegate, or one not exported to the root's namespace, drops only
 *   that rule. `delegate.namespace` defaults to the root's namespace. Only one level: a delegate rule
 *   that delegates again is rejected by the webhook (validate/virtual-service-rules.ts), and a name
 *   that resolves to a VirtualService with hosts is "not found" (istiod indexes only host-less ones).
 * - Matches: each delegate match must fit (no conflict with) at least one root match, else the whole
 *   delegate rule is dropped; every compatible (delegate, root) pair becomes one merged match.
 * - Rule fields the delegate leaves unset (rewrite, directResponse, timeout, retries, fault, mirror,
 *   mirrorPercent(age), mirrors, corsPolicy, headers) come from the root rule; names join "root-delegate".
 *
 * The merge works on the specs, as istiod's does, after short names are made FQDNs in each resource's
 * own namespace (istiod's ResolveVirtualServiceShortnames runs on root and delegate before merging).
 */
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import { shortHostToFqdn } from '../hosts.js';
import type {
  DestinationDoc,
  HttpMatchDoc,
  HttpRouteDoc,
  StringMatchDoc,
  VirtualServiceSpecDoc,
} from '../schema/virtual-service.js';
import type { DelegateLink, ObjectMeta, SourceRef, VirtualServiceConfig } from '../types.js';
import { resolveRoute } from './virtual-service.js';

/** A loaded VirtualService with the spec it was resolved from (for the delegate merge). */
export interface VirtualServiceSource {
  value: VirtualServiceConfig;
  spec: VirtualServiceSpecDoc;
  sourceOfRule: (i: number) => SourceRef;
}

const key = (ns: string, name: string) => `${ns}/${name}`;

/** istiod's exportTo visibility of a delegate from the root's namespace (convertExportToSet). */
function exportedTo(meta: ObjectMeta, exportTo: readonly string[], ns: string): boolean {
  if (exportTo.length === 0 || exportTo.includes('*')) return true;
  return exportTo.some((e) => (e === '.' ? meta.namespace === ns : e === ns));
}

/** Roots get their merged rules in `http` and the rules as written in `writtenHttp`; others pass through. */
export function mergeDelegateVirtualServices(
  list: readonly VirtualServiceSource[],
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): VirtualServiceConfig[] {
  const delegates = new Map<string, VirtualServiceSource>();
  const byName = new Map<string, VirtualServiceSource>();
  for (const s of list) {
    byName.set(key(s.value.meta.namespace, s.value.meta.name), s);
    if (s.value.hosts.length === 0) delegates.set(key(s.value.meta.namespace, s.value.meta.name), s);
  }
  return list.map((s) => {
    const http = s.spec.http ?? [];
    if (s.value.hosts.length === 0 || !http.some((h) => h.delegate)) return s.value;
    const ns = s.value.meta.namespace;
    const merged = [];
    const links: DelegateLink[] = [];
    for (let i = 0; i < http.length; i++) {
      const h = http[i]!;
      if (!h.delegate) {
        merged.push(s.value.http[i]!);
        continue;
      }
      const target = { name: h.delegate.name ?? '', namespace: h.delegate.namespace || ns };
      const k = key(target.namespace, target.name);
      const d = delegates.get(k);
      if (d === undefined) {
        const status = byName.has(k) ? 'has-hosts' : 'not-found';
        links.push({ rule: i, target, status, dropped: [], delegateRules: 0 });
        continue;
      }
      if (!exportedTo(d.value.meta, d.value.exportTo, ns)) {
        links.push({ rule: i, target, status: 'not-exported', dropped: [], delegateRules: 0 });
        continue;
      }
      const root = qualify(h, ns);
      const dropped: number[] = [];
      (d.spec.http ?? []).forEach((sub, j) => {
        const m = mergeHttpRoute(root, qualify(sub, d.value.meta.namespace));
        if (m === undefined) dropped.push(j);
        else merged.push(resolveRoute(m, ns, d.sourceOfRule(j), profile));
      });
      links.push({ rule: i, target, status: 'merged', dropped, delegateRules: (d.spec.http ?? []).length });
    }
    return { ...s.value, http: merged, writtenHttp: s.value.http, delegates: links };
  });
}

function qualifyDest(d: DestinationDoc, ns: string): DestinationDoc {
  return { ...d, host: shortHostToFqdn(d.host, ns) };
}

/** Short names → FQDNs in the resource's own namespace (istiod ResolveVirtualServiceShortnames). */
function qualify(h: HttpRouteDoc, ns: string): HttpRouteDoc {
  const out: HttpRouteDoc = { ...h };
  if (h.route) out.route = h.route.map((r) => ({ ...r, destination: qualifyDest(r.destination, ns) }));
  if (h.mirror) out.mirror = qualifyDest(h.mirror, ns);
  if (h.mirrors) out.mirrors = h.mirrors.map((m) => ({ ...m, destination: qualifyDest(m.destination, ns) }));
  return out;
}

/** mergeHTTPRoute: undefined when the delegate rule conflicts with the root rule (it is dropped). */
export function mergeHttpRoute(root: HttpRouteDoc, sub: HttpRouteDoc): HttpRouteDoc | undefined {
  const match = mergeHttpMatchRequests(root.match ?? [], sub.match ?? []);
  if (match === undefined) return undefined;
  const out: HttpRouteDoc = { ...sub };
  delete out.delegate;
  if (match.length > 0) out.match = match;
  else delete out.match;
  const name = sub.name ? (root.name ? `${root.name}-${sub.name}` : sub.name) : root.name;
  if (name !== undefined) out.name = name;
  const inherit = [
    'rewrite',
    'directResponse',
    'timeout',
    'retries',
    'fault',
    'mirror',
    'mirrorPercent',
    'mirrorPercentage',
    'corsPolicy',
    'mirrors',
    'headers',
  ] as const;
  for (const f of inherit)
    if (out[f] === undefined && root[f] !== undefined) Object.assign(out, { [f]: root[f] });
  return out;
}

/** mergeHTTPMatchRequests: each delegate match needs a compatible root match; undefined = conflict. */
export function mergeHttpMatchRequests(
  root: readonly HttpMatchDoc[],
  sub: readonly HttpMatchDoc[],
): HttpMatchDoc[] | undefined {
  if (root.length === 0) return [...sub];
  if (sub.length === 0) return [...root];
  const out: HttpMatchDoc[] = [];
  for (const s of sub) {
    let found = false;
    for (const r of root) {
      if (hasConflict(r, s)) continue;
      out.push(mergeHttpMatchRequest(r, s));
      found = true;
    }
    if (!found) return undefined;
  }
  return out.length === 0 ? undefined : out;
}

function mergeMaps<T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined) {
  return a === undefined && b === undefined ? undefined : { ...(a ?? {}), ...(b ?? {}) };
}

function mergeHttpMatchRequest(root: HttpMatchDoc, sub: HttpMatchDoc): HttpMatchDoc {
  const out: HttpMatchDoc = { ...sub };
  const name = sub.name ? (root.name ? `${root.name}-${sub.name}` : sub.name) : root.name;
  if (name !== undefined) out.name = name;
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const)
    if (out[f] === undefined && root[f] !== undefined) out[f] = root[f];
  for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    const m = mergeMaps(root[f], sub[f]);
    if (m !== undefined && Object.keys(m).length > 0) out[f] = m;
  }
  if (!out.port && root.port) out.port = root.port;
  const labels = mergeMaps(root.sourceLabels, sub.sourceLabels);
  if (labels !== undefined && Object.keys(labels).length > 0) out.sourceLabels = labels;
  if (!out.sourceNamespace && root.sourceNamespace) out.sourceNamespace = root.sourceNamespace;
  if ((out.gateways?.length ?? 0) === 0 && root.gateways) out.gateways = root.gateways;
  if (!out.statPrefix && root.statPrefix) out.statPrefix = root.statPrefix;
  return out;
}

/** hasConflict: the delegate match is not a subset of the root match. */
export function hasConflict(root: HttpMatchDoc, leaf: HttpMatchDoc): boolean {
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const)
    if (stringMatchConflict(root[f], leaf[f])) return true;
  for (const [k, v] of Object.entries(leaf.headers ?? {}))
    if (stringMatchConflict(root.headers?.[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.withoutHeaders ?? {}))
    if (stringMatchConflict(root.withoutHeaders?.[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.queryParams ?? {}))
    if (stringMatchConflict(root.queryParams?.[k], v)) return true;
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    const rv = root.sourceLabels?.[k];
    if (rv !== undefined && rv !== v) return true;
  }
  // NOTE: simplification: gateway names are compared as written; istiod first qualifies them as
  // namespace/name (ResolveVirtualServiceShortnames, resolveGatewayName).
  const rg = root.gateways ?? [];
  const lg = leaf.gateways ?? [];
  if (rg.length > 0 && lg.length > 0 && (rg.length < lg.length || lg.some((g) => !rg.includes(g))))
    return true;
  return false;
}

/** stringMatchConflict; proto getters read an unset or empty string as "", so `exact: ""` is no exact. */
export function stringMatchConflict(root?: StringMatchDoc, leaf?: StringMatchDoc): boolean {
  if (root === undefined || leaf === undefined) return false;
  const rx = root.regex || '';
  const lx = leaf.regex || '';
  const re = root.exact || '';
  const le = leaf.exact || '';
  const rp = root.prefix || '';
  const lp = leaf.prefix || '';
  if (rx !== '' && (lx !== '' || lp !== '' || le !== '')) return true;
  if (lx !== '' && (rx !== '' || rp !== '' || re !== '')) return true;
  if (re !== '') return lp !== '' || le !== re;
  if (rp !== '') {
    if (lp !== '') return !lp.startsWith(rp);
    if (le !== '') return !le.startsWith(rp);
  }
  return true;
}
