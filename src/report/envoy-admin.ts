import type { ClusterView, SidecarView } from '../run/sidecar-views.js';

/**
 * One sidecar's Envoy admin views from a run's end: `/stats` (counters and gauges as
 * `cluster.<name>.<stat>: <value>`, then histograms as Envoy's summary `P0(interval,cumulative) ...`) and
 * `/clusters` (the text form of source/server/admin/clusters_handler.cc: per cluster its outlier figures,
 * circuit-breaker thresholds per priority, `added_via_api`, then per host its stats, `hostname`,
 * `health_flags`, `weight`, locality, `canary`, `priority` and success rates). Several sidecars are
 * separated by a `# <pod>` line each.
 */
export function renderSidecarStats(views: readonly SidecarView[]): string {
  return [...sidecarStatsChunks(views, views.length > 1)].join('');
}

export function renderClusters(views: readonly SidecarView[]): string {
  return [...clustersChunks(views, views.length > 1)].join('');
}

/**
 * `/stats` one sidecar at a time (each chunk its lines, newline-terminated; `several`: a `# <pod>` line
 * before each), so that the views of every sidecar of a large mesh are never one string (issue #14).
 * The chunks joined are renderSidecarStats' text.
 */
export function sidecarStatsChunks(views: Iterable<SidecarView>, several: boolean): Generator<string> {
  return chunks(views, several, (v, out) => {
    for (const c of v.clusters)
      for (const [k, n] of Object.entries(c.stats)) out.push(`cluster.${c.name}.${k}: ${n}`);
    for (const [k, n] of Object.entries(v.http)) out.push(`http.outbound.${k}: ${n}`);
    // Envoy's /stats prints a histogram's interval and cumulative quantiles; a run has one interval: nan.
    for (const c of v.clusters) {
      const t = c.upstreamRqTime;
      if (t === null) continue;
      out.push(
        `cluster.${c.name}.upstream_rq_time: ${t.quantiles.map((x) => `P${x.q}(nan,${fmt(x.ms)})`).join(' ')}`,
      );
    }
  });
}

/** `/clusters` one sidecar at a time, as sidecarStatsChunks. */
export function clustersChunks(views: Iterable<SidecarView>, several: boolean): Generator<string> {
  return chunks(views, several, (v, out) => {
    for (const c of v.clusters) clusterLines(c, out);
  });
}

function* chunks(
  views: Iterable<SidecarView>,
  several: boolean,
  lines: (v: SidecarView, out: string[]) => void,
): Generator<string> {
  let any = false;
  for (const v of views) {
    const out: string[] = several ? [`# ${v.pod}`] : [];
    lines(v, out);
    if (out.length === 0) continue;
    any = true;
    yield `${out.join('\n')}\n`;
  }
  if (!any) yield '\n'; // no lines at all: one newline, as the joined text of none
}

/** Envoy's high-priority thresholds: Istio sets only the default priority's (getDefaultCircuitBreakerThresholds). */
const HIGH_PRIORITY = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };

function clusterLines(c: ClusterView, out: string[]): void {
  const n = c.name;
  out.push(`${n}::observability_name::${n}`);
  // NOTE: simplification: success-rate outlier detection is not modelled, so its figures are -1 (Envoy's
  // "not computed"); `hostname` is empty (EDS endpoints of pods carry none).
  if (c.outlierDetection)
    for (const k of [
      'success_rate_average',
      'success_rate_ejection_threshold',
      'local_origin_success_rate_average',
      'local_origin_success_rate_ejection_threshold',
    ])
      out.push(`${n}::outlier::${k}::-1`);
  for (const [p, t] of [
    ['default', c.circuitBreakers],
    ['high', HIGH_PRIORITY],
  ] as const) {
    out.push(
      `${n}::${p}_priority::max_connections::${t.maxConnections}`,
      `${n}::${p}_priority::max_pending_requests::${t.maxPendingRequests}`,
      `${n}::${p}_priority::max_requests::${t.maxRequests}`,
      `${n}::${p}_priority::max_retries::${t.maxRetries}`,
    );
  }
  out.push(`${n}::added_via_api::true`);
  for (const h of c.hosts) {
    const a = `${n}::${h.address}`;
    for (const [k, v] of Object.entries(h.stats)) out.push(`${a}::${k}::${v}`);
    out.push(
      `${a}::hostname::`,
      `${a}::health_flags::${h.healthFlags}`,
      `${a}::weight::${h.weight}`,
      `${a}::region::${h.region}`,
      `${a}::zone::${h.zone}`,
      `${a}::sub_zone::${h.subZone}`,
      `${a}::canary::false`,
      `${a}::priority::${h.priority}`,
      `${a}::success_rate::-1`,
      `${a}::local_origin_success_rate::-1`,
    );
  }
}

function fmt(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}
