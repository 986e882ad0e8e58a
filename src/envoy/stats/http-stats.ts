/**
 * Per-sidecar HTTP stats outside clusters: the router's (`http.outbound.rq_total`, `no_route`,
 * `no_cluster`, `rq_direct_response`, `rq_redirect`) and the fault filter's (`fault.delays_injected`, ...),
 * named as Envoy names them (Envoy docs, cluster statistics).
 */
export class HttpStats {
  rq_total = 0;
  no_route = 0;
  no_cluster = 0;
  rq_direct_response = 0;
  rq_redirect = 0;
  'fault.delays_injected' = 0;
  'fault.aborts_injected' = 0;
  'fault.active_faults' = 0;
  /** Shadow requests sent (Envoy counts them on the mirror cluster; kept here for the summary). */
  shadow_requests = 0;

  /**
   * Zeroes every counter and keeps the `fault.active_faults` gauge, as Envoy's admin
   * `POST /reset_counters` does.
   */
  resetCounters(): void {
    this.rq_total = 0;
    this.no_route = 0;
    this.no_cluster = 0;
    this.rq_direct_response = 0;
    this.rq_redirect = 0;
    this['fault.delays_injected'] = 0;
    this['fault.aborts_injected'] = 0;
    this.shadow_requests = 0;
  }
}

/** The HttpStats that requests outside the measurement window charge their counters to (never read). */
export const DISCARDED_HTTP_STATS = new HttpStats();
