import type { Host } from './host.js';

/**
 * Results a cluster reports about a host besides HTTP status codes (Envoy's Outlier::Result). In Istio's
 * default (non-split) mode connect failures count as 503 and timeouts as 504 (Envoy outlier_detection_impl.cc).
 */
export type OutlierResult =
  | 'local-origin-connect-failed'
  | 'local-origin-connect-success'
  | 'local-origin-timeout'
  | 'ext-origin-request-failed';

/** What the router and the pools tell a cluster's outlier detector (Envoy's Outlier::DetectorHostMonitor). */
export interface OutlierDetectorSink {
  putHttpResponseCode(host: Host, status: number): void;
  putResult(host: Host, result: OutlierResult): void;
  /**
   * The host left the cluster's membership: its state is dropped (an ejected host stops counting in
   * ejections_active) and late results from in-flight requests are ignored, as when Envoy deletes the
   * host's monitor.
   */
  onHostRemoved(host: Host): void;
}
