/**
 * Per-sidecar HTTP stats outside clusters: the router's (`http.outbound.rq_total`, `no_route`,
 * `no_cluster`, `rq_direct_response`, `rq_redirect`) and the fault filter's (`fault.delays_injected`, ...),
 * named as Envoy names them (semantics §5.2).
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
}
