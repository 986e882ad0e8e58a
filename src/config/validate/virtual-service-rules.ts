/**
 * The VirtualService rules of Istio's validating webhook that relate several fields
 * [I:pkg/config/validation/validation.go `ValidateVirtualService`, `validateHTTPRoute`, virtualservice.go;
 * Istio validation.go]. Errors are IST0106 (what the webhook rejects), warnings IST0133, deprecations IST0002.
 */
import { hostMatches, isDottedShortHost, kubernetesDnsExpansion, shortHostToFqdn } from '../hosts.js';
import type { Reporter } from '../report.js';
import type {
  DestinationDoc,
  HttpRouteDoc,
  StringMatchDoc,
  VirtualServiceSpecDoc,
} from '../schema/virtual-service.js';
import { regexProblem } from '../schema/zod-helpers.js';
import { KNOWN_HTTP_STATUS } from '../retry-policy.js';
import type { YamlPath } from '../yaml-source.js';
import {
  checkExportTo,
  checkLabels,
  dns1123LabelProblem,
  headerNameProblem,
  wildcardDomainProblem,
} from './common.js';
import { checkHttpRouteExtras } from './http-route-rules.js';
import { validateL4Routes } from './l4-route-rules.js';

export const RETRY_ON_POLICIES = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

export function validateVirtualServiceSpec(
  r: Reporter,
  spec: VirtualServiceSpecDoc,
  namespace: string,
): void {
  const S: YamlPath = ['spec'];
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const meshBound = gateways.length === 0 || gateways.includes('mesh');
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    // A VirtualService without hosts is a delegate (validation.go ValidateVirtualService).
    if (gateways.length > 0)
      r.add('IST0106', [...S, 'gateways'], 'delegate virtual service must have no gateways specified');
    if (spec.tls?.length)
      r.add('IST0106', [...S, 'tls'], 'delegate virtual service must have no tls route specified');
    if (spec.tcp?.length)
      r.add('IST0106', [...S, 'tcp'], 'delegate virtual service must have no tcp route specified');
  }
  const seen: string[] = [];
  hosts.forEach((h, i) => {
    const p = [...S, 'hosts', i];
    if (h === '*' && meshBound) {
      r.add('IST0106', p, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      return;
    }
    const problem = wildcardDomainProblem(h);
    if (problem) {
      r.add('IST0106', p, problem);
      return;
    }
    if (isDottedShortHost(h, namespace)) dottedHostWarning(r, p, h, namespace);
    const fqdn = shortHostToFqdn(h, namespace);
    const clash = seen.find((o) => hostMatches(o, fqdn) || hostMatches(fqdn, o));
    if (clash !== undefined)
      r.add('IST0106', p, `duplicate or overlapping hosts in virtual service: "${h}" and "${clash}"`);
    seen.push(fqdn);
  });
  if (!spec.http && !spec.tcp && !spec.tls)
    r.add('IST0106', S, 'http, tcp or tls must be provided in virtual service');
  checkExportTo(r, [...S, 'exportTo'], spec.exportTo);
  (spec.http ?? []).forEach((route, i) => {
    validateHttpRoute(r, [...S, 'http', i], route, namespace, meshBound, isDelegate);
  });
  validateL4Routes(r, spec, namespace);
}

export function dottedHostWarning(r: Reporter, p: YamlPath, h: string, namespace: string): void {
  r.add(
    'MSIM0102',
    p,
    `host "${h}" is taken literally: istiod expands only names without dots, so it matches no Service and requests routed to it fail (503 NC); write ${kubernetesDnsExpansion(h) ?? shortHostToFqdn(h, namespace)}`,
  );
}

function validateHttpRoute(
  r: Reporter,
  p: YamlPath,
  h: HttpRouteDoc,
  ns: string,
  meshBound: boolean,
  inDelegate: boolean,
): void {
  const hasRoute = (h.route?.length ?? 0) > 0;
  if (!inDelegate && h.delegate) {
    // A root rule may only delegate (virtualservice.go validateHTTPRouteConflict, RootRoute).
    if (h.redirect)
      r.add('IST0106', [...p, 'redirect'], `root HTTP route ${h.name ?? ''} must not specify redirect`);
    if (hasRoute) r.add('IST0106', [...p, 'route'], `root HTTP route ${h.name ?? ''} must not specify route`);
  } else {
    if (inDelegate && h.delegate)
      r.add('IST0106', [...p, 'delegate'], 'delegate HTTP route cannot contain delegate');
    conflicts(r, p, h, hasRoute);
  }
  if (h.mirror && h.mirrors)
    r.add('IST0106', [...p, 'mirrors'], 'HTTP route cannot contain both mirror and mirrors');
  validateMatches(r, p, h, meshBound);
  validateRuleFields(r, p, h, ns);
}

/** The mutual exclusions of a rule that is not a root rule (validateHTTPRouteConflict). */
function conflicts(r: Reporter, p: YamlPath, h: HttpRouteDoc, hasRoute: boolean): void {
  if (!hasRoute && !h.redirect && !h.directResponse)
    r.add('IST0106', p, 'HTTP route, redirect or direct_response is required');
  if (h.redirect) {
    if (hasRoute) r.add('IST0106', [...p, 'redirect'], 'HTTP route cannot contain both route and redirect');
    if (h.fault) r.add('IST0106', [...p, 'redirect'], 'HTTP route cannot contain both fault and redirect');
    if (h.rewrite)
      r.add('IST0106', [...p, 'redirect'], 'HTTP route rule cannot contain both rewrite and redirect');
    if (h.directResponse)
      r.add('IST0106', [...p, 'redirect'], 'HTTP route cannot contain both redirect and direct_response');
  }
  if (h.directResponse) {
    if (hasRoute)
      r.add('IST0106', [...p, 'directResponse'], 'HTTP route cannot contain both route and direct_response');
    if (h.fault)
      r.add('IST0106', [...p, 'directResponse'], 'HTTP route cannot contain both fault and direct_response');
    if (h.rewrite)
      r.add(
        'IST0106',
        [...p, 'directResponse'],
        'HTTP route rule cannot contain both rewrite and direct_response',
      );
  }
}

function validateMatches(r: Reporter, p: YamlPath, h: HttpRouteDoc, meshBound: boolean): void {
  (h.match ?? []).forEach((m, i) => {
    const mp = [...p, 'match', i];
    for (const f of ['uri', 'scheme', 'method', 'authority'] as const) {
      const sm = m[f];
      if (sm) checkStringMatch(r, [...mp, f], sm, { emptyPrefixOk: f === 'uri', presenceOk: false });
    }
    for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
      for (const [name, sm] of Object.entries(m[f] ?? {})) {
        if (f !== 'queryParams') {
          if (name.startsWith('@request.auth.claims')) {
            if (meshBound)
              r.add(
                'IST0106',
                [...mp, f, name],
                `JWT claim based routing (${name}) is only supported on gateways, not on the mesh`,
                { key: true },
              );
          } else {
            const problem = headerNameProblem(name);
            if (problem) r.add('IST0106', [...mp, f, name], problem, { key: true });
          }
        }
        checkStringMatch(r, [...mp, f, name], sm, { emptyPrefixOk: false, presenceOk: true });
      }
    }
    checkLabels(r, [...mp, 'sourceLabels'], m.sourceLabels);
  });
}

function validateRuleFields(r: Reporter, p: YamlPath, h: HttpRouteDoc, ns: string): void {
  const dests = h.route ?? [];
  dests.forEach((d, i) => {
    checkDestination(r, [...p, 'route', i, 'destination'], d.destination, ns);
    if (d.weight !== undefined && d.weight < 0)
      r.add('IST0106', [...p, 'route', i, 'weight'], `weight ${d.weight} < 0`);
  });
  if (dests.length > 1 && dests.reduce((s, d) => s + Math.max(0, d.weight ?? 0), 0) === 0)
    r.add(
      'IST0106',
      [...p, 'route'],
      'total destination weight = 0: with more than one destination the weights must add up to more than 0',
    );

  if (h.retries) {
    const rp = [...p, 'retries'];
    const rt = h.retries;
    if ((rt.attempts ?? 0) < 0) r.add('IST0106', [...rp, 'attempts'], 'attempts cannot be negative');
    if (
      (rt.attempts ?? 0) === 0 &&
      (rt.perTryTimeout !== undefined || rt.retryOn !== undefined || rt.retryRemoteLocalities !== undefined)
    )
      r.add('IST0106', rp, 'http retry policy configured when attempts are set to 0 (disabled)');
    if (rt.retryOn !== undefined && rt.retryOn !== '') {
      // Split without trimming: "5xx, reset" is rejected by istiod (validateHTTPRetry).
      for (const token of rt.retryOn.split(',')) {
        const isCode = /^\d+$/.test(token) && KNOWN_HTTP_STATUS.has(Number(token));
        if (!isCode && !RETRY_ON_POLICIES.has(token))
          r.add(
            'IST0106',
            [...rp, 'retryOn'],
            `${JSON.stringify(token)} is not a valid retryOn policy${token.trim() !== token ? ' (no spaces around commas: istiod does not trim)' : ''}`,
          );
      }
    }
  }
  if (h.mirror) checkDestination(r, [...p, 'mirror'], h.mirror, ns);
  (h.mirrors ?? []).forEach((m, i) => {
    checkDestination(r, [...p, 'mirrors', i, 'destination'], m.destination, ns);
  });
  if (h.mirrorPercent !== undefined) {
    r.add(
      'IST0002',
      [...p, 'mirrorPercent'],
      'Deprecated: mirrorPercent is deprecated, use mirrorPercentage',
    );
    if (h.mirrorPercent > 100)
      r.add(
        'IST0106',
        [...p, 'mirrorPercent'],
        `mirror_percent must have a max value of 100 (it has ${h.mirrorPercent})`,
      );
  }
  checkHttpRouteExtras(r, p, h);
}

export function checkDestination(r: Reporter, p: YamlPath, d: DestinationDoc, ns: string): void {
  if (d.host === '*') r.add('IST0106', [...p, 'host'], 'destination.host cannot be *');
  else {
    const problem = wildcardDomainProblem(d.host);
    if (problem) r.add('IST0106', [...p, 'host'], problem);
    else if (isDottedShortHost(d.host, ns)) dottedHostWarning(r, [...p, 'host'], d.host, ns);
  }
  if (d.subset !== undefined) {
    const problem = dns1123LabelProblem(d.subset, 'subset name');
    if (problem) r.add('IST0106', [...p, 'subset'], problem);
  }
}

function checkStringMatch(
  r: Reporter,
  p: YamlPath,
  sm: StringMatchDoc,
  opts: { emptyPrefixOk: boolean; presenceOk: boolean },
): void {
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => sm[k] !== undefined);
  if (set.length > 1) {
    r.add('IST0106', p, `only one of exact, prefix or regex may be set (found ${set.join(', ')})`);
    return;
  }
  if (set.length === 0 && !opts.presenceOk) {
    r.add('IST0106', p, 'one of exact, prefix or regex is required');
    return;
  }
  if (sm.prefix === '' && !opts.emptyPrefixOk)
    r.add('IST0106', [...p, 'prefix'], 'prefix match must not be empty');
  if (sm.regex !== undefined && !(opts.presenceOk && sm.regex === '*')) {
    const problem = regexProblem(sm.regex);
    if (problem) r.add('IST0106', [...p, 'regex'], problem);
  }
}
