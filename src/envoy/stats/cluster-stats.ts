/**
 * Envoy's per-cluster stats (semantics §5.2), named exactly as Envoy names them under
 * `cluster.<name>.` so reports, `grep outlier` habits and dashboards carry over. One instance per
 * (client sidecar, cluster); reports sum them over sidecars.
 */
export const CLUSTER_COUNTERS = [
  'upstream_rq_total',
  'upstream_rq_completed',
  'upstream_rq_pending_total',
  'upstream_rq_pending_overflow',
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
  'upstream_cx_total',
  'upstream_cx_overflow',
  'upstream_cx_connect_fail',
  'upstream_cx_connect_timeout',
  'upstream_cx_max_requests',
  'upstream_cx_destroy',
  'upstream_cx_idle_timeout',
  'retry_or_shadow_abandoned',
  'lb_healthy_panic',
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

/** Counters and gauges of one cluster in one sidecar, plus per-status-code counters (upstream_rq_<code>). */
export class ClusterStats {
  readonly counters: Record<ClusterCounter, number>;
  readonly gauges: Record<ClusterGauge, number>;
  /** upstream_rq_<code>, e.g. upstream_rq_503. */
  readonly byCode = new Map<number, number>();

  constructor() {
    this.counters = Object.fromEntries(CLUSTER_COUNTERS.map((n) => [n, 0])) as Record<ClusterCounter, number>;
    this.gauges = Object.fromEntries(CLUSTER_GAUGES.map((n) => [n, 0])) as Record<ClusterGauge, number>;
  }

  /** Counts an upstream response code the way Envoy does: per code and per class (upstream_rq_5xx). */
  recordCode(status: number): void {
    this.byCode.set(status, (this.byCode.get(status) ?? 0) + 1);
    const cls = Math.floor(status / 100);
    if (cls === 1) this.counters.upstream_rq_1xx++;
    else if (cls === 2) this.counters.upstream_rq_2xx++;
    else if (cls === 3) this.counters.upstream_rq_3xx++;
    else if (cls === 4) this.counters.upstream_rq_4xx++;
    else if (cls === 5) this.counters.upstream_rq_5xx++;
  }
}
