import type { OutlierDetectionSettings } from '../../../config/types.js';
import { NEWEST_ENVOY_BEHAVIOUR } from '../envoy-behaviour.js';
import { NO_TIMER, type TimerHandle } from '../../../engine/index.js';
import type { ClusterCounter } from '../../stats/cluster-stats.js';
import type { Cluster } from '../cluster.js';
import { HealthFlag, type Host } from '../host.js';
import type { OutlierDetectorSink, OutlierResult } from '../outlier.js';
import { HostMonitor, REMOVED_HOST } from './host-monitor.js';
import {
  FAILURE_PERCENTAGE_MINIMUM_HOSTS,
  FAILURE_PERCENTAGE_REQUEST_VOLUME,
  FAILURE_PERCENTAGE_THRESHOLD,
  SUCCESS_RATE_MINIMUM_HOSTS,
  SUCCESS_RATE_REQUEST_VOLUME,
  successRateEjectionThreshold,
} from './success-rate.js';

/** Envoy's OutlierEjectionType, spelled as its stat suffixes (also the `reason` of ejection events). */
export type EjectionType =
  | 'consecutive_5xx'
  | 'consecutive_gateway_failure'
  | 'consecutive_local_origin_failure'
  | 'success_rate'
  | 'failure_percentage';

const FAILED = HealthFlag.FAILED_OUTLIER_CHECK;

/** What a detector uses of its cluster (a narrow view, so detectors can be driven without a whole cluster). */
export type DetectorCluster = Pick<Cluster, 'stats' | 'name' | 'onHostHealthChanged'> & {
  readonly ctx: Pick<Cluster['ctx'], 'sim' | 'sidecar' | 'observer' | 'envoy'>;
  readonly prioritySet: { readonly hostSets: readonly { readonly hosts: readonly Host[] }[] };
};

/**
 * One client sidecar's outlier detector for one cluster (Envoy's Outlier::DetectorImpl, Envoy outlier_detection_impl.cc) as
 * istiod configures it (Istio cluster_traffic_policy.go applyOutlierDetection):
 *
 * - Every response status feeds the host's consecutive 5xx and gateway-failure (502/503/504) counters;
 *   any non-5xx resets both. In the default (non-split) mode a connect failure or reset counts as 503
 *   and a timeout as 504; with splitExternalLocalOriginErrors they feed the local-origin counter
 *   instead, which a connection success resets (Envoy outlier_detection_impl.cc).
 * - The error that makes a counter reach its threshold exactly ejects the host at once, unless it is
 *   already ejected; `ejections_detected_<type>` counts first, then ejectHost applies
 *   maxEjectionPercent as current Envoy does: eject only if 100 × (ejected + 1) / hosts <= max, else
 *   `ejections_overflow` (Envoy outlier_detection_impl.cc ejection step 2). Types whose enforcing is 0 (gateway errors Istio was not told
 *   about, success rate, failure percentage) stop there.
 * - Un-ejection only at interval ticks (the first `interval` after the detector is created): a host
 *   returns once min(base × multiplier, max) has elapsed since its ejection. The multiplier grows by one
 *   per ejection while multiplier × base < max + base, and drops by one at each tick the host has been
 *   back for at least an interval (Envoy outlier_detection_impl.cc ejection steps 3-5).
 * - Success-rate and failure-percentage sweeps run at each tick over the interval's requests and only
 *   count detections (Envoy outlier_detection_impl.cc ejection step 6).
 *
 * NOTE: simplification: ejections happen synchronously where Envoy posts them from the worker to the
 * main thread (a same-instant hop); enforcement percentages are 0 or 100 as Istio sets them, so no
 * enforcement dice are drawn; max_ejection_time_jitter is 0 (Istio never sets it); the local-origin
 * success-rate and failure-percentage sweeps of split mode are not computed.
 * NOTE: simplification: ticks at which nothing can happen (no ejected host, no multiplier to decay, no
 * requests in the interval) are not scheduled; the tick phase (creation + k × interval) is kept, so the
 * observable behaviour is Envoy's.
 */
export class OutlierDetector implements OutlierDetectorSink {
  private timer: TimerHandle = NO_TIMER;
  private readonly createdAtMs: number;
  private readonly enforcing5xx: boolean;
  private readonly split: boolean;
  /** Post-#27909 max_ejection_percent (EnvoyBehaviour.strictMaxEjectionPercent). */
  private readonly strictMaxEjection: boolean;
  /** outlierDetectionHttpErrorCodes as a lookup by status; null: 5xx are the errors. */
  private readonly errorCodes: Uint8Array | null;
  // Scratch space of the success-rate sweep, reused at every tick.
  private readonly rates: number[] = [];
  private readonly volumes: number[] = [];
  private readonly srRates: number[] = [];
  private readonly rateHosts: Host[] = [];

  constructor(
    private readonly cluster: DetectorCluster,
    private readonly cfg: OutlierDetectionSettings,
  ) {
    this.createdAtMs = cluster.ctx.sim.now;
    // consecutive5xxErrors: n → consecutive_5xx n with enforcing 100 when n > 0 (0 disables).
    this.enforcing5xx = cfg.consecutive5xxErrors > 0;
    this.split = cfg.splitExternalLocalOriginErrors;
    this.strictMaxEjection = (cluster.ctx.envoy ?? NEWEST_ENVOY_BEHAVIOUR).strictMaxEjectionPercent;
    this.errorCodes = null;
    if (cfg.httpErrorCodes !== undefined) {
      this.errorCodes = new Uint8Array(600);
      for (const c of cfg.httpErrorCodes) this.errorCodes[c] = 1;
    }
  }

  // --- what hosts report (DetectorHostMonitorImpl)

  putHttpResponseCode(host: Host, status: number): void {
    const m = this.monitor(host);
    if (m === REMOVED_HOST) return;
    m.requests++;
    // Istio 1.31 outlierDetectionHttpErrorCodes -> the cluster's http_protocol_options.outlier_detection
    // error_matcher on :status (cluster_traffic_policy.go applyOutlierDetectionErrorCodes): only those
    // codes are errors. NOTE: simplification: a matched code counts as a 5xx error (and a gateway error
    // when 502-504); Envoy reports the match as an external-origin failure.
    const isError = this.errorCodes === null ? status >= 500 && status <= 599 : this.errorCodes[status] === 1;
    if (isError) {
      if (status >= 502 && status <= 504) {
        if (++m.consecutiveGatewayFailure === this.cfg.consecutiveGatewayErrors.threshold)
          this.onConsecutiveError(host, m, 'consecutive_gateway_failure');
      } else {
        m.consecutiveGatewayFailure = 0;
      }
      if (++m.consecutive5xx === this.cfg.consecutive5xxErrors)
        this.onConsecutiveError(host, m, 'consecutive_5xx');
    } else {
      m.successes++;
      m.consecutive5xx = 0;
      m.consecutiveGatewayFailure = 0;
    }
  }

  putResult(host: Host, result: OutlierResult): void {
    if (!this.split) {
      // Non-split mode: results are HTTP codes (connect success is not mapped, Envoy outlier_detection_impl.cc).
      if (result === 'local-origin-connect-failed') this.putHttpResponseCode(host, 503);
      else if (result === 'local-origin-timeout') this.putHttpResponseCode(host, 504);
      else if (result === 'ext-origin-request-failed') this.putHttpResponseCode(host, 500);
      return;
    }
    if (result === 'ext-origin-request-failed') return this.putHttpResponseCode(host, 500);
    if (result === 'local-origin-connect-success') {
      const m = host.outlier as HostMonitor | undefined;
      if (m !== undefined && m !== REMOVED_HOST) m.consecutiveLocalOriginFailure = 0;
      return;
    }
    const m = this.monitor(host);
    if (m === REMOVED_HOST) return;
    if (++m.consecutiveLocalOriginFailure === this.cfg.consecutiveLocalOriginFailures.threshold) {
      this.onConsecutiveError(host, m, 'consecutive_local_origin_failure');
    }
  }

  onHostRemoved(host: Host): void {
    const m = host.outlier as HostMonitor | undefined;
    host.outlier = REMOVED_HOST;
    if (m === undefined || m === REMOVED_HOST) return;
    if (host.healthFlags & FAILED) {
      host.healthFlags &= ~FAILED;
      this.cluster.stats.gauges['outlier_detection.ejections_active']--;
    }
  }

  /** The host's monitor, created on first use; any reported result means a tick may have work. */
  private monitor(host: Host): HostMonitor {
    let m = host.outlier as HostMonitor | undefined;
    if (m === undefined) {
      m = new HostMonitor();
      host.outlier = m;
    }
    if (this.timer === NO_TIMER) this.armIntervalTimer();
    return m;
  }

  // --- ejection (DetectorImpl, main thread)

  private onConsecutiveError(host: Host, m: HostMonitor, type: EjectionType): void {
    // Already ejected: nothing happens and the counter is left as is (un-ejection resets it).
    if (host.healthFlags & FAILED) return;
    this.count(`outlier_detection.ejections_detected_${type}`);
    this.ejectHost(host, m, type);
    if (type === 'consecutive_5xx') m.consecutive5xx = 0;
    else if (type === 'consecutive_gateway_failure') m.consecutiveGatewayFailure = 0;
    else m.consecutiveLocalOriginFailure = 0;
  }

  private ejectHost(host: Host, m: HostMonitor, type: EjectionType): void {
    const { stats } = this.cluster;
    const maxPercent = Math.min(100, this.cfg.maxEjectionPercent);
    const active = stats.gauges['outlier_detection.ejections_active'];
    // Post-#27909 Envoy: the percentage after this ejection must stay within the maximum (Envoy
    // outlier_detection_impl.cc ejection step 2). Before it, the check used the percentage before the
    // ejection, so the first ejection was always allowed (EnvoyBehaviour.strictMaxEjectionPercent).
    const allowed = this.strictMaxEjection
      ? (100 * (active + 1)) / this.totalHosts() <= maxPercent
      : (100 * active) / this.totalHosts() < maxPercent;
    if (!allowed) {
      stats.counters['outlier_detection.ejections_overflow']++;
      return;
    }
    if (type === 'consecutive_5xx' || type === 'success_rate')
      stats.counters['outlier_detection.ejections_total']++;
    if (!this.enforcing(type)) return;
    const now = this.cluster.ctx.sim.now;
    stats.gauges['outlier_detection.ejections_active']++;
    stats.counters['outlier_detection.ejections_enforced_total']++;
    this.count(`outlier_detection.ejections_enforced_${type}`);
    host.healthFlags |= FAILED;
    m.numEjections++;
    m.lastEjectionMs = now;
    const base = this.cfg.baseEjectionTimeMs;
    const max = this.cfg.maxEjectionTimeMs;
    if (m.ejectTimeBackoff * base < max + base) m.ejectTimeBackoff++;
    this.cluster.onHostHealthChanged();
    const ctx = this.cluster.ctx;
    ctx.observer.onEjection({
      timeMs: now,
      sidecar: ctx.sidecar,
      cluster: this.cluster.name,
      host: host.endpoint.address,
      pod: host.endpoint.podName,
      reason: type,
      ejectionTimeMs: Math.min(base * m.ejectTimeBackoff, max),
    });
  }

  private enforcing(type: EjectionType): boolean {
    if (type === 'consecutive_5xx') return this.enforcing5xx;
    if (type === 'consecutive_gateway_failure') return this.cfg.consecutiveGatewayErrors.enforcing;
    if (type === 'consecutive_local_origin_failure') return this.cfg.consecutiveLocalOriginFailures.enforcing;
    return false; // success rate and failure percentage: enforcing 0 under Istio
  }

  /** Envoy divides by the number of host monitors: every host of the cluster, all priorities. */
  private totalHosts(): number {
    let n = 0;
    for (const s of this.cluster.prioritySet.hostSets) n += s.hosts.length;
    return n;
  }

  private count(name: string): void {
    const c = this.cluster.stats.counters as Record<string, number>;
    if (name in c) c[name as ClusterCounter]!++;
  }

  // --- the interval timer

  /** Arms the timer for the next tick of the detector's phase (creation + k × interval). */
  private armIntervalTimer(): void {
    const sim = this.cluster.ctx.sim;
    const interval = this.cfg.intervalMs;
    const k = Math.floor((sim.now - this.createdAtMs) / interval) + 1;
    this.timer = sim.scheduleAt(this.createdAtMs + k * interval, OutlierDetector.onIntervalTimer, this);
  }

  private static onIntervalTimer(d: OutlierDetector): void {
    d.timer = NO_TIMER;
    const now = d.cluster.ctx.sim.now;
    let healthChanged = false;
    let moreWork = false;
    for (const set of d.cluster.prioritySet.hostSets) {
      for (const h of set.hosts) {
        const m = h.outlier as HostMonitor | undefined;
        if (m === undefined || m === REMOVED_HOST) continue;
        if (d.checkHostForUneject(h, m, now)) healthChanged = true;
        if (h.healthFlags & FAILED || m.ejectTimeBackoff > 0) moreWork = true;
      }
    }
    if (healthChanged) d.cluster.onHostHealthChanged();
    d.processSuccessRateEjections();
    // Requests reported from now on re-arm the timer themselves (monitor()).
    if (moreWork && d.timer === NO_TIMER)
      d.timer = d.cluster.ctx.sim.schedule(d.cfg.intervalMs, OutlierDetector.onIntervalTimer, d);
  }

  /** Un-ejects a host whose ejection time has passed, or decays a healthy host's multiplier. */
  private checkHostForUneject(h: Host, m: HostMonitor, now: number): boolean {
    const cfg = this.cfg;
    if (!(h.healthFlags & FAILED)) {
      if (m.lastUnejectionMs >= 0 && now - m.lastUnejectionMs >= cfg.intervalMs && m.ejectTimeBackoff > 0)
        m.ejectTimeBackoff--;
      return false;
    }
    const ejectionMs = Math.min(cfg.baseEjectionTimeMs * m.ejectTimeBackoff, cfg.maxEjectionTimeMs);
    if (ejectionMs > now - m.lastEjectionMs) return false;
    this.cluster.stats.gauges['outlier_detection.ejections_active']--;
    h.healthFlags &= ~FAILED;
    // Reset so a counter close to its threshold does not re-eject on very few new errors.
    m.resetConsecutiveCounters();
    m.lastUnejectionMs = now;
    const ctx = this.cluster.ctx;
    ctx.observer.onUnejection({
      timeMs: now,
      sidecar: ctx.sidecar,
      cluster: this.cluster.name,
      host: h.endpoint.address,
      pod: h.endpoint.podName,
    });
    return true;
  }

  /**
   * Success-rate and failure-percentage sweeps over the interval that just ended (Envoy's
   * processSuccessRateEjections): hosts not ejected, with enough requests; detection only under Istio.
   */
  private processSuccessRateEjections(): void {
    const { rates, volumes, rateHosts: hosts } = this;
    rates.length = 0;
    volumes.length = 0;
    hosts.length = 0;
    const total = this.totalHosts();
    const enoughHosts = total >= SUCCESS_RATE_MINIMUM_HOSTS || total >= FAILURE_PERCENTAGE_MINIMUM_HOSTS;
    const minVolume = Math.min(SUCCESS_RATE_REQUEST_VOLUME, FAILURE_PERCENTAGE_REQUEST_VOLUME);
    let srValid = 0;
    for (const set of this.cluster.prioritySet.hostSets) {
      for (const h of set.hosts) {
        const m = h.outlier as HostMonitor | undefined;
        if (m === undefined || m === REMOVED_HOST) continue;
        if (enoughHosts && !(h.healthFlags & FAILED) && m.requests >= minVolume) {
          rates.push((100 * m.successes) / m.requests);
          volumes.push(m.requests);
          hosts.push(h);
          if (m.requests >= SUCCESS_RATE_REQUEST_VOLUME) srValid++;
        }
        // The interval's bucket closes.
        m.requests = 0;
        m.successes = 0;
      }
    }
    if (srValid >= SUCCESS_RATE_MINIMUM_HOSTS) {
      const srRates = this.srRates;
      srRates.length = 0;
      for (let i = 0; i < hosts.length; i++)
        if (volumes[i]! >= SUCCESS_RATE_REQUEST_VOLUME) srRates.push(rates[i]!);
      const threshold = successRateEjectionThreshold(srRates);
      for (let i = 0; i < hosts.length; i++) {
        if (volumes[i]! >= SUCCESS_RATE_REQUEST_VOLUME && rates[i]! < threshold)
          this.detect(hosts[i]!, 'success_rate');
      }
    }
    if (hosts.length >= FAILURE_PERCENTAGE_MINIMUM_HOSTS) {
      for (let i = 0; i < hosts.length; i++) {
        if (100 - rates[i]! >= FAILURE_PERCENTAGE_THRESHOLD) this.detect(hosts[i]!, 'failure_percentage');
      }
    }
  }

  private detect(host: Host, type: EjectionType): void {
    this.count(`outlier_detection.ejections_detected_${type}`);
    this.ejectHost(host, host.outlier as HostMonitor, type);
  }
}
