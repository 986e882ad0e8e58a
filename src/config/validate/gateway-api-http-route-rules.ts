/**
 * The HTTPRoute CRD's CEL rules (x-kubernetes-validations in the standard channel's
 * config/crd/standard/gateway.networking.k8s.io_httproutes.yaml, Gateway API v1.6; gateway-api.sigs.k8s.io
 * API reference "HTTPRoute") that relate several fields, with the CRD's messages, plus the RE2 check
 * istiod applies to RegularExpression matches (conversion.go createURIMatch/createHeadersMatch build
 * Istio regex StringMatches). The API server rejects an object breaking a CEL rule: errors (MSIM3120).
 */
import type { Reporter } from '../report.js';
import { gatewayDurationMs } from '../schema/gateway-api.js';
import type {
  HTTPRouteFilterDoc,
  HTTPRouteMatchDoc,
  HTTPRouteRuleDoc,
  HTTPRouteSpecDoc,
} from '../schema/gateway-api-http-route.js';
import { regexProblem } from '../schema/zod-helpers.js';
import type { YamlPath } from '../yaml-source.js';

const CODE = 'MSIM3120';

/** filter.type → the field that type requires (and that every other type forbids). */
const FIELD_OF: Record<string, keyof HTTPRouteFilterDoc> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
  ExternalAuth: 'externalAuth',
};
const NOT_REPEATED = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'URLRewrite',
  'CORS',
];

/** The CEL rule on HTTPPathMatch.value for Exact and PathPrefix: RFC 3986 path characters. */
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

export function validateHTTPRouteSpec(r: Reporter, spec: HTTPRouteSpecDoc): void {
  parentRefRules(r, spec);
  let totalMatches = 0;
  const ruleNames = new Set<string>();
  (spec.rules ?? []).forEach((rule, i) => {
    const at: YamlPath = ['spec', 'rules', i];
    // The CRD defaults absent matches to one PathPrefix "/" match before the CEL rules run.
    totalMatches += rule.matches?.length ?? 1;
    if (rule.name !== undefined) {
      if (ruleNames.has(rule.name)) r.add(CODE, [...at, 'name'], 'Rule name must be unique within the route');
      ruleNames.add(rule.name);
    }
    (rule.matches ?? []).forEach((m, j) => {
      matchRules(r, [...at, 'matches', j], m);
    });
    filterListRules(r, [...at, 'filters'], rule.filters ?? []);
    ruleRules(r, at, rule);
    (rule.backendRefs ?? []).forEach((b, j) => {
      if ((b.group ?? '') === '' && (b.kind ?? 'Service') === 'Service' && b.port === undefined)
        r.add(CODE, [...at, 'backendRefs', j], 'Must have port for Service reference');
      filterListRules(r, [...at, 'backendRefs', j, 'filters'], b.filters ?? []);
    });
    const t = rule.timeouts;
    if (t?.request !== undefined && t.backendRequest !== undefined) {
      const req = gatewayDurationMs(t.request);
      if (req !== 0 && gatewayDurationMs(t.backendRequest) > req)
        r.add(
          CODE,
          [...at, 'timeouts', 'backendRequest'],
          'backendRequest timeout cannot be longer than request timeout',
        );
    }
  });
  if (totalMatches > 128)
    r.add(
      CODE,
      ['spec', 'rules'],
      `While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128 (got ${totalMatches})`,
    );
}

/**
 * The standard channel's two rules on parentRefs to one parent (same group, kind, name and namespace):
 * either all of them or none have a sectionName, and each sectionName (or its absence) appears once. The
 * standard rules do not look at `port` (the experimental channel's "sectionName or port" rules do).
 */
function parentRefRules(r: Reporter, spec: HTTPRouteSpecDoc): void {
  const refs = spec.parentRefs ?? [];
  const parent = (p: (typeof refs)[number]) =>
    `${p.group ?? 'gateway.networking.k8s.io'}/${p.kind ?? 'Gateway'}/${p.namespace ?? ''}/${p.name}`;
  const section = (p: (typeof refs)[number]) => p.sectionName ?? '';
  refs.forEach((p, i) => {
    const same = refs.filter((q) => parent(q) === parent(p));
    if (same.length < 2) return;
    if (same.some((q) => (section(q) === '') !== (section(p) === '')))
      r.add(
        CODE,
        ['spec', 'parentRefs', i],
        'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
      );
    else if (same.filter((q) => section(q) === section(p)).length > 1)
      r.add(
        CODE,
        ['spec', 'parentRefs', i],
        'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      );
  });
}

function matchRules(r: Reporter, at: YamlPath, m: HTTPRouteMatchDoc): void {
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  if (type === 'RegularExpression') {
    const p = regexProblem(value);
    if (p) r.add(CODE, [...at, 'path', 'value'], p);
  } else if (m.path) {
    const problem = pathProblem(value);
    if (problem) r.add(CODE, [...at, 'path', 'value'], problem);
  }
  for (const key of ['headers', 'queryParams'] as const) {
    const names = new Set<string>();
    (m[key] ?? []).forEach((h, k) => {
      // Header names are case-insensitive (HTTPHeaderName); query parameter names are not.
      const n = key === 'headers' ? h.name.toLowerCase() : h.name;
      if (names.has(n))
        r.add(
          CODE,
          [...at, key, k, 'name'],
          `${key === 'headers' ? 'Header' : 'Query parameter'} names in a match must be unique`,
        );
      names.add(n);
      if (h.type === 'RegularExpression') {
        const p = regexProblem(h.value);
        if (p) r.add(CODE, [...at, key, k, 'value'], p);
      }
    });
  }
}

/** The CEL rules on HTTPPathMatch.value for Exact and PathPrefix. */
export function pathProblem(v: string): string | undefined {
  if (!v.startsWith('/'))
    return "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']";
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#'])
    if (v.includes(bad)) return `must not contain '${bad}' when type one of ['Exact', 'PathPrefix']`;
  if (v.endsWith('/..')) return "must not end with '/..' when type one of ['Exact', 'PathPrefix']";
  if (v.endsWith('/.')) return "must not end with '/.' when type one of ['Exact', 'PathPrefix']";
  if (!PATH_CHARS.test(v))
    return `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`;
  return undefined;
}

function filterListRules(r: Reporter, at: YamlPath, filters: readonly HTTPRouteFilterDoc[]): void {
  const count = new Map<string, number>();
  filters.forEach((f, i) => {
    count.set(f.type, (count.get(f.type) ?? 0) + 1);
    for (const [type, field] of Object.entries(FIELD_OF)) {
      if (type === f.type && f[field] === undefined)
        r.add(CODE, [...at, i], `filter.${field} must be specified for ${type} filter.type`);
      if (type !== f.type && f[field] !== undefined)
        r.add(CODE, [...at, i, field], `filter.${field} must be nil if the filter.type is not ${type}`);
    }
    corsRules(r, [...at, i, 'cors'], f.cors);
    const m = f.requestMirror;
    if (m?.percent !== undefined && m.fraction)
      r.add(
        CODE,
        [...at, i, 'requestMirror'],
        'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
      );
    if (m?.fraction && m.fraction.numerator > (m.fraction.denominator ?? 100))
      r.add(
        CODE,
        [...at, i, 'requestMirror', 'fraction'],
        'numerator must be less than or equal to denominator',
      );
    for (const [key, mod] of [
      ['requestRedirect', f.requestRedirect?.path],
      ['urlRewrite', f.urlRewrite?.path],
    ] as const) {
      if (!mod) continue;
      const p: YamlPath = [...at, i, key, 'path'];
      if (mod.type === 'ReplaceFullPath' && mod.replaceFullPath === undefined)
        r.add(CODE, p, "replaceFullPath must be specified when type is set to 'ReplaceFullPath'");
      if (mod.type !== 'ReplaceFullPath' && mod.replaceFullPath !== undefined)
        r.add(CODE, p, "type must be 'ReplaceFullPath' when replaceFullPath is set");
      if (mod.type === 'ReplacePrefixMatch' && mod.replacePrefixMatch === undefined)
        r.add(CODE, p, "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'");
      if (mod.type !== 'ReplacePrefixMatch' && mod.replacePrefixMatch !== undefined)
        r.add(CODE, p, "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set");
    }
  });
  if ((count.get('RequestRedirect') ?? 0) > 0 && (count.get('URLRewrite') ?? 0) > 0)
    r.add(
      CODE,
      at,
      'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    );
  for (const t of NOT_REPEATED)
    if ((count.get(t) ?? 0) > 1) r.add(CODE, at, `${t} filter cannot be repeated`);
}

/** The CORS filter's list rules: "*" stands alone in allowOrigins, allowMethods and allowHeaders. */
function corsRules(r: Reporter, at: YamlPath, cors: unknown): void {
  if (typeof cors !== 'object' || cors === null) return;
  for (const [key, name, what] of [
    ['allowOrigins', 'AllowOrigins', 'origins'],
    ['allowMethods', 'AllowMethods', 'methods'],
    ['allowHeaders', 'AllowHeaders', 'methods'],
  ] as const) {
    const list = (cors as Record<string, unknown>)[key];
    if (Array.isArray(list) && list.includes('*') && list.length > 1)
      r.add(CODE, [...at, key], `${name} cannot contain '*' alongside other ${what}`);
  }
}

/** Whether exactly one of `filters` is a `key` filter with a ReplacePrefixMatch path (CEL exists_one). */
function oneReplacePrefix(
  filters: readonly HTTPRouteFilterDoc[] | undefined,
  key: 'requestRedirect' | 'urlRewrite',
): boolean {
  const n = (filters ?? []).filter(
    (f) => f[key]?.path?.type === 'ReplacePrefixMatch' && f[key]?.path?.replacePrefixMatch !== undefined,
  ).length;
  return n === 1;
}

/**
 * The rule-level rules: no RequestRedirect beside backendRefs, and a ReplacePrefixMatch (in the rule's
 * filters, or in the filters of one backendRef) only with exactly one PathPrefix match. The CRD's rules
 * use exists_one, so they apply when exactly one filter (or exactly one backendRef) has such a path.
 */
function ruleRules(r: Reporter, at: YamlPath, rule: HTTPRouteRuleDoc): void {
  const filters = rule.filters ?? [];
  if ((rule.backendRefs?.length ?? 0) > 0 && filters.some((f) => f.requestRedirect !== undefined))
    r.add(CODE, [...at, 'filters'], 'RequestRedirect filter must not be used together with backendRefs');
  // The CRD defaults matches to one PathPrefix "/" match and a match's path to PathPrefix "/".
  const matches = rule.matches ?? [{}];
  const prefixOnly = matches.length === 1 && (matches[0]!.path?.type ?? 'PathPrefix') === 'PathPrefix';
  if (prefixOnly) return;
  for (const [key, name] of [
    ['requestRedirect', 'RequestRedirect'],
    ['urlRewrite', 'URLRewrite'],
  ] as const) {
    if (oneReplacePrefix(filters, key))
      r.add(
        CODE,
        [
          ...at,
          'filters',
          filters.findIndex((f) => f[key]?.path?.type === 'ReplacePrefixMatch'),
          key,
          'path',
        ],
        `When using ${name} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`,
      );
    const refs = rule.backendRefs ?? [];
    const withOne = refs.map((b, j) => (oneReplacePrefix(b.filters, key) ? j : -1)).filter((j) => j >= 0);
    if (withOne.length === 1)
      r.add(
        CODE,
        [...at, 'backendRefs', withOne[0]!, 'filters'],
        `Within backendRefs, ${name === 'RequestRedirect' ? 'when' : 'When'} using ${name} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`,
      );
  }
}
