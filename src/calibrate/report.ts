import { table } from '../report/text-table.js';
import { distributionYaml, round, serviceUrl, sortedWorkloads } from './scenario-out.js';
import type { CalibratedModel } from './model.js';

/** The goodness of fit and what was found, as plain JSON (docs/calibration.md "Report"). */
export function calibrationReport(m: CalibratedModel): Record<string, unknown> {
  return {
    reporter: m.reporter,
    windowSeconds: m.windowS ?? null,
    workloads: sortedWorkloads(m).map((w) => ({
      workload: w.key,
      requestsPerSecond: round(w.inboundPerS, 6),
      requests: m.windowS !== undefined ? Math.round(w.inboundPerS * m.windowS) : null,
      proxyAnsweredPerSecond: round(w.proxyAnsweredPerS, 6),
      errors: w.errors.map((e) => ({ status: e.status, share: round(e.rate, 6) })),
      downstreamMeanMs: round(w.downstreamMs, 3),
      calls: w.calls.map((c) => ({
        url: serviceUrl(m, c.service),
        perRequest: round(c.probability, 6),
        meanMs: round(c.meanMs, 3),
      })),
      latency: w.fit
        ? {
            distribution: distributionYaml(w.fit.distribution),
            fitPoints: w.fit.points,
            ks: round(w.fit.quality.ks, 6),
            observedMs: mapRound(w.fit.quality.observed),
            fittedMs: mapRound(w.fit.quality.fitted),
            maxRelativeError: round(w.fit.quality.maxRelError, 6),
          }
        : null,
    })),
    loadGenerators: m.generators.map((g) => ({
      generator: `${g.namespace}/${g.name}`,
      requestsPerSecond: round(g.ratePerS, 6),
      requests: g.requests.map((r) => ({
        url: serviceUrl(m, r.service),
        requestsPerSecond: round(r.ratePerS, 6),
      })),
    })),
    edges: m.edges.map((e) => ({
      source: e.source,
      service: e.service,
      destination: e.destination,
      requestsPerSecond: round(e.ratePerS, 6),
    })),
  };
}

/** The fit table: one row per workload (p50/p90/p99 as histogram_quantile reads the buckets). */
export function calibrationTable(m: CalibratedModel): string {
  const rows = sortedWorkloads(m).map((w) => {
    const f = w.fit;
    const q = (o: { p50: number; p90: number; p99: number } | undefined) =>
      o ? `${fmt(o.p50)}/${fmt(o.p90)}/${fmt(o.p99)}` : '-';
    return [
      w.key,
      fmt(w.inboundPerS),
      w.errors.length ? w.errors.map((e) => `${e.status}:${(100 * e.rate).toFixed(2)}%`).join(' ') : '-',
      w.calls.length ? String(w.calls.length) : '-',
      f ? f.distribution.kind : '-',
      q(f?.quality.observed),
      q(f?.quality.fitted),
      f ? f.quality.ks.toFixed(4) : '-',
      f ? `${(100 * f.quality.maxRelError).toFixed(1)}%` : '-',
    ];
  });
  const head = [
    'WORKLOAD',
    'RPS',
    'ERRORS',
    'CALLS',
    'FIT',
    'OBSERVED p50/p90/p99 ms',
    'FITTED p50/p90/p99 ms',
    'KS',
    'MAX REL ERR',
  ];
  const gens = m.generators.map((g) => [
    `${g.namespace}/${g.name}`,
    fmt(g.ratePerS),
    g.requests.map((r) => serviceUrl(m, r.service)).join(' '),
  ]);
  return `${table([head, ...rows]).join('\n')}\n\n${table([['LOAD GENERATOR', 'RPS', 'REQUESTS'], ...gens]).join('\n')}\n`;
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function mapRound(o: { p50: number; p90: number; p99: number }) {
  return { p50: round(o.p50, 3), p90: round(o.p90, 3), p99: round(o.p99, 3) };
}
