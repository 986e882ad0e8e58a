/**
 * What one client Envoy's outlier detector knows about one host of one cluster (Envoy's
 * DetectorHostMonitorImpl), created on the host's first reported result. About ten numbers: the
 * consecutive-error counters, the ejection back-off and the success-rate bucket of the current interval.
 */
export class HostMonitor {
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  /** Ejection time multiplier: +1 per ejection (capped), -1 per healthy interval (Envoy outlier_detection_impl.cc ejection). */
  ejectTimeBackoff = 0;
  numEjections = 0;
  /** -1: never. */
  lastEjectionMs = -1;
  /** -1: never. */
  lastUnejectionMs = -1;
  /** External-origin success-rate bucket of the current interval. */
  requests = 0;
  successes = 0;

  resetConsecutiveCounters(): void {
    this.consecutive5xx = 0;
    this.consecutiveGatewayFailure = 0;
    this.consecutiveLocalOriginFailure = 0;
  }
}

/**
 * Placed in `host.outlier` when the host leaves the cluster: results that arrive later from requests
 * still in flight are ignored instead of creating state for a host the cluster no longer has.
 */
export const REMOVED_HOST: HostMonitor = Object.freeze(new HostMonitor()) as HostMonitor;
