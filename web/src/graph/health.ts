/**
 * Kiali's default traffic health (kiali.io/docs/configuration/health, "Default Configuration"): for HTTP,
 * 5xx are application errors (tolerance degraded 0 %, failure 10 %) and 4xx client errors (degraded 10 %,
 * failure 20 %); the worst of the two wins. A rate above `degraded` is Degraded, above `failure` Failure.
 * NOTE: simplification: a request with no response (status 0: reset, downstream disconnect) counts as an
 * application error here; Kiali's default regexes match only 4xx/5xx codes.
 */
export type Health = 'healthy' | 'degraded' | 'failure' | 'idle';

export const KIALI_TOLERANCES = [
  { codes: '5xx', degraded: 0, failure: 10 },
  { codes: '4xx', degraded: 10, failure: 20 },
] as const;

/** Kiali's PatternFly status colours (green, orange, red) and grey for an edge with no requests. */
export const HEALTH_COLOR: Record<Health, string> = {
  healthy: '#3e8635',
  degraded: '#ec7a08',
  failure: '#c9190b',
  idle: '#8a8d90',
};

export const HEALTH_WORD: Record<Health, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  failure: 'Failure',
  idle: 'No traffic',
};

/** Error percentages of a code histogram: 5xx (with status 0) and 4xx, in % of all requests. */
export function errorPercents(codes: ReadonlyMap<number, number>): {
  requests: number;
  e5xx: number;
  e4xx: number;
} {
  let requests = 0;
  let e5 = 0;
  let e4 = 0;
  for (const [code, n] of codes) {
    requests += n;
    if (code === 0 || code >= 500) e5 += n;
    else if (code >= 400) e4 += n;
  }
  return requests === 0
    ? { requests, e5xx: 0, e4xx: 0 }
    : { requests, e5xx: (100 * e5) / requests, e4xx: (100 * e4) / requests };
}

export function health(codes: ReadonlyMap<number, number>): Health {
  const p = errorPercents(codes);
  if (p.requests === 0) return 'idle';
  let worst: Health = 'healthy';
  for (const t of KIALI_TOLERANCES) {
    const v = t.codes === '5xx' ? p.e5xx : p.e4xx;
    if (v > t.failure) return 'failure';
    if (v > t.degraded) worst = 'degraded';
  }
  return worst;
}
