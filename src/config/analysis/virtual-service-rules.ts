/**
 * Findings inside one VirtualService that only matter for what traffic does:
 * - IST0130 VirtualServiceUnreachableRule / IST0131 VirtualServiceIneffectiveMatch, as Istio's
 *   `analyzeUnreachableHTTPRules` computes them (pkg/config/validation/virtualservice.go): a second rule
 *   without match, or a rule whose every match repeats an earlier one;
 * - MSIM1040: a rule after an earlier catch-all (Istio stops emitting routes after the first catch-all,
 *   [I:route.go `IsCatchAllRoute`], which IST0130 does not report);
 * - MSIM1001-1003: weights (Istio route.go weighted clusters); MSIM1030/1031: per-try timeouts (Istio retry.go; Envoy retry_state_impl.cc).
 */
import { retriesPerTryTimeout } from '../retry-policy.js';
import type { HttpMatchRequest, HttpRoute, MeshConfig, VirtualServiceConfig } from '../types.js';
import { type Findings, hasPosition } from './context.js';
import { analyzeDelegates } from './virtual-service-delegates.js';

const K = 'VirtualService';

const ruleName = (r: HttpRoute, i: number) => (r.name ? `"${r.name}"` : `#${i}`);

/** A match block that matches every request on every proxy: prefix "/" (or regex ".*"), nothing else. */
export function isCatchAllMatch(m: HttpMatchRequest): boolean {
  const uriAll =
    !m.uri ||
    (m.uri.kind === 'prefix' && (m.uri.value === '/' || m.uri.value === '')) ||
    (m.uri.kind === 'regex' && m.uri.value === '.*');
  return (
    uriAll &&
    !m.scheme &&
    !m.method &&
    !m.authority &&
    m.headers.length === 0 &&
    m.withoutHeaders.length === 0 &&
    m.queryParams.length === 0 &&
    m.port === undefined &&
    !m.sourceLabels &&
    m.sourceNamespace === undefined &&
    m.gateways.length === 0
  );
}

export const isCatchAllRule = (r: HttpRoute) => r.match.length === 0 || r.match.some(isCatchAllMatch);

/** Canonical form of a match for duplicate detection (Istio compares the JSON of the match). */
function matchKey(m: HttpMatchRequest): string {
  const { name: _name, ...rest } = m;
  return JSON.stringify(rest, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );
}

export function analyzeVirtualServiceRules(config: MeshConfig, f: Findings): void {
  analyzeDelegates(config, f);
  for (const vs of config.virtualServices) {
    unreachable(vs, f);
    // Roots are analysed as written (positions); their merged rules are the delegates' own.
    (vs.writtenHttp ?? vs.http).forEach((r, i) => {
      weights(vs, r, i, f);
      perTry(vs, r, i, f);
    });
  }
}

function unreachable(vs: VirtualServiceConfig, f: Findings): void {
  const seen = new Map<string, number>();
  let emptyAt = -1;
  let catchAllAt = -1;
  (vs.writtenHttp ?? vs.http).forEach((r, i) => {
    const p = ['spec', 'http', i];
    if (catchAllAt >= 0 && !(r.match.length === 0 && emptyAt >= 0))
      f.add(
        'MSIM1040',
        K,
        vs.meta,
        p,
        `rule ${ruleName(r, i)} is never used: rule #${catchAllAt} before it matches every request, and istiod emits no routes after a catch-all`,
      );
    if (r.match.length === 0) {
      if (emptyAt >= 0)
        f.add(
          'IST0130',
          K,
          vs.meta,
          p,
          `VirtualService rule ${ruleName(r, i)} not used (only the last rule can have no matches).`,
        );
      emptyAt = i;
    } else {
      let dups = 0;
      r.match.forEach((m, j) => {
        const key = matchKey(m);
        const prev = seen.get(key);
        if (prev !== undefined) {
          dups++;
          f.add(
            'IST0131',
            K,
            vs.meta,
            [...p, 'match', j],
            `VirtualService rule ${ruleName(r, i)} match #${j} is not used (duplicate/overlapping match in rule #${prev}).`,
          );
        }
        seen.set(key, i);
      });
      if (dups === r.match.length)
        f.add(
          'IST0130',
          K,
          vs.meta,
          p,
          `VirtualService rule ${ruleName(r, i)} not used (all matches used by prior rules).`,
        );
    }
    // A delegate rule's routes are its merged delegate rules: a catch-all when one of them is.
    const merged = r.delegate === undefined ? [r] : mergedRulesOf(vs, i);
    if (catchAllAt < 0 && merged.some(isCatchAllRule)) catchAllAt = i;
  });
}

/** The rules of `vs.http` that written rule `i` of a root became (itself, or its merged delegate rules). */
function mergedRulesOf(vs: VirtualServiceConfig, i: number): readonly HttpRoute[] {
  if (!vs.writtenHttp) return [vs.http[i]!];
  let at = 0;
  for (let j = 0; j < i; j++) at += mergedCount(vs, j);
  return vs.http.slice(at, at + mergedCount(vs, i));
}

function mergedCount(vs: VirtualServiceConfig, j: number): number {
  const link = vs.delegates?.find((l) => l.rule === j);
  if (link === undefined) return 1;
  if (link.status !== 'merged') return 0;
  return link.delegateRules - link.dropped.length;
}

function weights(vs: VirtualServiceConfig, r: HttpRoute, i: number, f: Findings): void {
  const p = ['spec', 'http', i, 'route'];
  if (r.route.length === 1) {
    const w = r.route[0]!.weight;
    if (hasPosition(vs.meta, [...p, 0, 'weight']) && w !== 100)
      f.add(
        'MSIM1002',
        K,
        vs.meta,
        [...p, 0, 'weight'],
        `weight ${w} is ignored: with a single destination Istio sends it 100 % of the rule's traffic`,
      );
    return;
  }
  const total = r.route.reduce((s, d) => s + Math.max(0, d.weight), 0);
  if (total <= 0) return;
  r.route.forEach((d, j) => {
    if (d.weight === 0)
      f.add(
        'MSIM1001',
        K,
        vs.meta,
        [...p, j, 'weight'],
        `destination ${d.destination.host}${d.destination.subset ? ` subset ${d.destination.subset}` : ''} never receives traffic: Istio drops weight-0 destinations`,
      );
  });
  if (total !== 100) {
    const shares = r.route
      .filter((d) => d.weight > 0)
      .map((d) => `${((100 * d.weight) / total).toFixed(1)} %`);
    f.add(
      'MSIM1003',
      K,
      vs.meta,
      p,
      `weights sum to ${total}, not 100: Envoy splits by weight/sum, so the shares are ${shares.join(', ')}`,
    );
  }
}

function perTry(vs: VirtualServiceConfig, r: HttpRoute, i: number, f: Findings): void {
  const rt = r.retries;
  if (!rt || rt.perTryTimeoutMs <= 0) return;
  const p = ['spec', 'http', i, 'retries', 'perTryTimeout'];
  if (r.timeoutMs > 0 && rt.perTryTimeoutMs >= r.timeoutMs) {
    f.add(
      'MSIM1031',
      K,
      vs.meta,
      p,
      `perTryTimeout (${rt.perTryTimeoutMs} ms) is not below the route timeout (${r.timeoutMs} ms): Envoy ignores it`,
    );
    return;
  }
  if (!retriesPerTryTimeout(rt))
    f.add(
      'MSIM1030',
      K,
      vs.meta,
      p,
      `a per-try timeout is never retried with retryOn "${[...rt.retryOn, ...rt.retriableStatusCodes].join(',')}": Envoy retries it only with 5xx, gateway-error or reset, so the first per-try timeout ends the request with 504 UT`,
    );
}
