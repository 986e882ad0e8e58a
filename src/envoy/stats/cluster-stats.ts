/**
 * Envoy's per-cluster stats (Envoy docs, cluster statistics), named exactly as Envoy names them under
 * `cluster.<name>.` so reports, `grep outlier` habits and dashboards carry over. One instance per
 * (client sidecar, cluster); reports sum them over sidecars.
 */
export const CLUSTER_COUNTERS = [
  'upstream_rq_total',
  'upstream_rq_completed',
  'upstream_rq_pending_total',
  'upstream_rq_pending_overflow',
  'upstream_rq_active_overflow',
  'upstream_rq_pending_failure_eject',
  'upstream_rq_timeout',
  'upstream_rq_per_try_timeout',
  'upstream_rq_retry',
  'upstream_rq_retry_success',
  'upstream_rq_retry_overflow',
  'upstream_rq_retry_limit_exceeded',
  'upstream_rq_retry_backoff_exponential',
  'upstream_rq_rx_reset',
  'upstream_rq_tx_reset',
  'upstream_rq_1xx',
  'upstream_rq_2xx',
  'upstream_rq_3xx',
  'upstream_rq_4xx',
  'upstream_rq_5xx',
  'retry.upstream_rq_completed',
  'retry.upstream_rq_1xx',
  'retry.upstream_rq_2xx',
  'retry.upstream_rq_3xx',
  'retry.upstream_rq_4xx',
  'retry.upstream_rq_5xx',
  'upstream_cx_none_healthy',
  'upstream_cx_total',
  'upstream_cx_overflow',
  'upstream_cx_connect_fail',
  'upstream_cx_connect_timeout',
  'upstream_cx_max_requests',
  'upstream_cx_destroy',
  'upstream_cx_idle_timeout',
  'retry_or_shadow_abandoned',
  'lb_healthy_panic',
  'lb_recalculate_zone_structures',
  'lb_local_cluster_not_ok',
  'lb_zone_cluster_too_small',
  'lb_zone_routing_all_directly',
  'lb_zone_routing_sampled',
  'lb_zone_routing_cross_zone',
  'lb_zone_no_capacity_left',
  'http2.keepalive_timeout',
  'outlier_detection.ejections_enforced_total',
  'outlier_detection.ejections_enforced_consecutive_5xx',
  'outlier_detection.ejections_enforced_consecutive_gateway_failure',
  'outlier_detection.ejections_enforced_consecutive_local_origin_failure',
  'outlier_detection.ejections_detected_consecutive_5xx',
  'outlier_detection.ejections_detected_consecutive_gateway_failure',
  'outlier_detection.ejections_detected_consecutive_local_origin_failure',
  'outlier_detection.ejections_detected_success_rate',
  'outlier_detection.ejections_detected_failure_percentage',
  'outlier_detection.ejections_overflow',
  'outlier_detection.ejections_total',
] as const;

export const CLUSTER_GAUGES = [
  'upstream_rq_active',
  'upstream_rq_pending_active',
  'upstream_cx_active',
  'membership_total',
  'membership_healthy',
  'circuit_breakers.default.cx_open',
  'circuit_breakers.default.cx_pool_open',
  'circuit_breakers.default.rq_pending_open',
  'circuit_breakers.default.rq_open',
  'circuit_breakers.default.rq_retry_open',
  'outlier_detection.ejections_active',
] as const;

export type ClusterCounter = (typeof CLUSTER_COUNTERS)[number];
export type ClusterGauge = (typeof CLUSTER_GAUGES)[number];

/**
 * Every counter (gauge) at 0, in list order. Each instance is a spread copy: V8 clones the shape in one
 * allocation (~60 ns), where building it from entries made a pair per name (~6 us and ~3 KB of garbage
 * for each of the thousands of clusters a large mesh creates, issue #14). Not frozen: a frozen source
 * has other property attributes than its copies, which takes the clone off its fast path (~1 us).
 */
const ZERO_COUNTERS: Readonly<Record<ClusterCounter, number>> = Object.fromEntries(
  CLUSTER_COUNTERS.map((n) => [n, 0]),
) as Record<ClusterCounter, number>;
const ZERO_GAUGES: Readonly<Record<ClusterGauge, number>> = Object.fromEntries(
  CLUSTER_GAUGES.map((n) => [n, 0]),
) as Record<ClusterGauge, number>;

/**
 * Counters only some Envoy versions have (upstream_rq_active_overflow: Envoy >= 1.38) or only clusters
 * with zone-aware routing or HTTP/2 keepalive move (lb_zone_*, lb_recalculate_zone_structures,
 * lb_local_cluster_not_ok, http2.keepalive_timeout),
 * reported only when they moved so the outputs of every other model keep their keys.
 * NOTE: simplification: Envoy lists such a counter at 0 too; meshsim omits it while it is 0.
 */
const REPORTED_WHEN_MOVED: ReadonlySet<string> = new Set<ClusterCounter>([
  'upstream_rq_active_overflow',
  'lb_recalculate_zone_structures',
  'lb_local_cluster_not_ok',
  'lb_zone_cluster_too_small',
  'lb_zone_routing_all_directly',
  'lb_zone_routing_sampled',
  'lb_zone_routing_cross_zone',
  'lb_zone_no_capacity_left',
  'http2.keepalive_timeout',
]);
export function reportedCounter(name: ClusterCounter, value: number): boolean {
  return value !== 0 || !REPORTED_WHEN_MOVED.has(name);
}
/**
 * The counters of one cluster in one sidecar, plus the dynamic per-code counters (`upstream_rq_<code>`,
 * `retry.upstream_rq_<code>`). A request charges its per-request counters to its cluster's instance when
 * it is measured and to DISCARDED_CLUSTER_COUNTERS otherwise; levels (gauges) never live here.
 *
 * NOTE: simplification: the copies chargeResponseStat also writes under `external.`/`internal.`,
 * `canary.` and `zone.<from>.<to>.`, the `upstream_rq_time` histograms, and the per-host stats
 * (rq_total, rq_error, rq_success, rq_timeout) are not kept.
 */
export class ClusterCounters {
  /** upstream_rq_<code>, e.g. upstream_rq_503. */
  readonly byCode = new Map<number, number>();
  /** retry.upstream_rq_<code>: responses that were retried. */
  readonly retryByCode = new Map<number, number>();
  readonly counters: Record<ClusterCounter, number> = { ...ZERO_COUNTERS };

  /**
   * A response charged as the request's answer: `upstream_rq_completed`, `upstream_rq_<N>xx` and
   * `upstream_rq_<code>` [E:source/common/http/codes.cc CodeStatsImpl::chargeBasicResponseStat, reached
   * from source/common/router/router.cc Filter::chargeUpstreamCode]. The router calls it once per request
   * that reached a cluster: for the final upstream response and for its local replies (503 no healthy
   * upstream, 503 reset/connect failure/overflow, 504 timeouts).
   */
  chargeResponse(status: number): void {
    const c = this.counters;
    c.upstream_rq_completed++;
    this.byCode.set(status, (this.byCode.get(status) ?? 0) + 1);
    const cls = (status / 100) | 0;
    if (cls === 1) c.upstream_rq_1xx++;
    else if (cls === 2) c.upstream_rq_2xx++;
    else if (cls === 3) c.upstream_rq_3xx++;
    else if (cls === 4) c.upstream_rq_4xx++;
    else if (cls === 5) c.upstream_rq_5xx++;
  }

  /**
   * An upstream response the router retried: the same three stats under the `retry.` prefix, and none of
   * the unprefixed ones [E:source/common/router/router.cc Filter::onUpstreamHeaders, chargeBasicResponseStat
   * with stat_names_.retry_]. Retried resets and timeouts charge no code at all (Filter::maybeRetryReset).
   */
  chargeRetriedResponse(status: number): void {
    const c = this.counters;
    c['retry.upstream_rq_completed']++;
    this.retryByCode.set(status, (this.retryByCode.get(status) ?? 0) + 1);
    const cls = (status / 100) | 0;
    if (cls === 1) c['retry.upstream_rq_1xx']++;
    else if (cls === 2) c['retry.upstream_rq_2xx']++;
    else if (cls === 3) c['retry.upstream_rq_3xx']++;
    else if (cls === 4) c['retry.upstream_rq_4xx']++;
    else if (cls === 5) c['retry.upstream_rq_5xx']++;
  }

  /** Zeroes every counter, as Envoy's admin `POST /reset_counters` does (gauges are not counters). */
  resetCounters(): void {
    const c = this.counters;
    for (const n of CLUSTER_COUNTERS) c[n] = 0;
    this.byCode.clear();
    this.retryByCode.clear();
  }
}

/** Counters and gauges of one cluster in one sidecar. Gauges are levels: always real, never reset. */
export class ClusterStats extends ClusterCounters {
  readonly gauges: Record<ClusterGauge, number> = { ...ZERO_GAUGES };
}

/**
 * Where requests outside the measurement window charge their per-request counters: one shared instance
 * written to and never read, so choosing it costs no allocation per request.
 */
export const DISCARDED_CLUSTER_COUNTERS = new ClusterCounters();
