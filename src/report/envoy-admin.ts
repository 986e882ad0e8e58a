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
  const out: string[] = [];
  for (const v of views) {
    if (views.length > 1) out.push(`# ${v.pod}`);
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
  }
  return `${out.join('\n')}\n`;
}

export function renderClusters(views: readonly SidecarView[]): string {
  const out: string[] = [];
  for (const v of views) {
    if (views.length > 1) out.push(`# ${v.pod}`);
    for (const c of v.clusters) out.push(...clusterLines(c));
  }
  return `${out.join('\n')}\n`;
}

/** Envoy's high-priority thresholds: Istio sets only the default priority's (getDefaultCircuitBreakerThresholds). */
const HIGH_PRIORITY = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };

function clusterLines(c: ClusterView): string[] {
  const n = c.name;
  const out = [`${n}::observability_name::${n}`];
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
  return out;
}

function fmt(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}
