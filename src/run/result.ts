import type { HpaRecord } from '../mesh/autoscaling/hpa-record.js';
/**
 * The result of one run: plain JSON-serialisable data, the same bytes for the same inputs and seed
 * (wall-clock timing only under `timing`, which `--timing` adds). Documented in docs/output.md.
 */
import type { JsonDiagnostic, SimulatedMisconfiguration } from '../config/analysis/json.js';
import type { FortioBucket, LatencySummary } from '../engine/index.js';
import type { ControllerResult } from '../mesh/progressive-delivery/timeline.js';
import type { TimelineEvent } from './timeline-events.js';

/** Latency percentiles in ms: the HDR summary without its count. */
export type LatencyMs = Omit<LatencySummary, 'count'>;

export interface ClientResult {
  name: string;
  /** Requests started in the window: `requests` + `unfinished.count`. */
  started: number;
  /** Requests started in the window and finished (answered or timed out) by the end of the drain. */
  requests: number;
  /** Requests started during the warm-up (fortio's "plus N warmup"): counted nowhere else. */
  warmupRequests: number;
  /** The load's actual duration: first measured request's start to the last one's response, ms. */
  elapsedMs: number;
  /** `requests` per second of `elapsedMs` (fortio's actual qps). */
  qps: number;
  /** Client-side timeouts (the generator's own `timeout`), reported under code -1 as fortio does. */
  timeouts: number;
  /** Requests of the window still in flight when the drain limit cut the run off; age at that moment. */
  unfinished: { count: number; oldestAgeMs: number };
  /** Share of requests answered 2xx/3xx/4xx (not 5xx, not timed out). */
  successRate: number;
  byStatus: Record<string, number>;
  byFlag: Record<string, number>;
  latencyMs: LatencyMs;
  /** fortio's histogram buckets (non-empty ones): the first starts at min, the last ends at max. */
  histogram: FortioBucket[];
}

export interface ServiceResult {
  /** FQDN of the Kubernetes Service. */
  host: string;
  /** Upstream requests (tries, retries and mirrors) from every client sidecar. */
  requests: number;
  byStatus: Record<string, number>;
  latencyMs: LatencyMs;
  /** Keyed by subset name; `(default)` for the service's default cluster. */
  bySubset: Record<string, { requests: number; byStatus: Record<string, number> }>;
}

export interface ClusterResult {
  /** `outbound|PORT|SUBSET|FQDN`; at a waypoint, for the Services it serves, `inbound-vip|PORT|http[/SUBSET]|FQDN` */
  name: string;
  /** How many client sidecars used this cluster (stats are summed over them). */
  sidecars: number;
  /** Envoy stat name (without `cluster.<name>.`) → value; counters summed, gauges summed at the end. */
  stats: Record<string, number>;
}

export interface EjectionResult {
  timeMs: number;
  /** Client sidecar (pod) whose outlier detector ejected the host. */
  client: string;
  cluster: string;
  host: string;
  pod: string;
  reason: string;
  ejectionTimeMs: number;
  /** How long the host stayed ejected; null when still ejected at the end. */
  durationMs: number | null;
}

/** Requests one source workload's sidecars sent to one service subset, as those sidecars saw them end. */
export interface HopResult {
  /** The source workload, `namespace/name` (a load generator or a Deployment whose app calls out). */
  source: string;
  /** Destination service (FQDN; the Host when no route matched). */
  service: string;
  /** Subset, `(default)` for the service's own cluster, `-` when no cluster was chosen (e.g. NR). */
  subset: string;
  requests: number;
  /** Final code as the source sidecar reports it (0 when the app gave up first: flag DC). */
  byStatus: Record<string, number>;
  byFlag: Record<string, number>;
}

/** The app containers of one workload over the window. */
export interface WorkloadResult {
  /** `namespace/name` of the Deployment/StatefulSet. */
  workload: string;
  pods: number;
  /** Requests that began service (arrived in the window). */
  served: number;
  /** Answered 503 at once because the queue was full (`queueLimit`). */
  rejected: number;
  /** Time requests waited in the app's queue before service: exact mean and max, p99 within 3.2 %. */
  queueWaitMs: { mean: number; p99: number; max: number };
  /** Longest queue any one pod had (requests waiting, not in service). */
  maxQueueLength: number;
  /** Busy slot time over the slots there were (concurrency x time a pod runs), window to drain end. */
  saturation: number;
  /** CFS throttling of the containers with a CPU limit (docs/autoscaling.md "CPU limits"); absent = none. */
  cpuThrottling?: CpuThrottlingResult[];
}

/**
 * One container's CFS counters over the whole run (warm-up included), as cAdvisor exports the kernel's
 * cpu.stat: container_cpu_cfs_periods_total and container_cpu_cfs_throttled_periods_total.
 */
export interface CpuThrottlingResult {
  /** The app container's name, or `istio-proxy`. */
  container: string;
  limitMilli: number;
  /** Summed over the workload's pods. */
  periods: number;
  throttledPeriods: number;
  /** Wall time spent throttled (ms, summed over pods). */
  throttledMs: number;
  pods: { pod: string; periods: number; throttledPeriods: number; throttledMs: number }[];
}

export interface SeriesPoint {
  /** Start of the interval, simulated ms. */
  t: number;
  /** Requests started in the interval that finished; `unfinished` more were cut off by the drain limit. */
  requests: number;
  /** Started in the interval and cut off: when > 0 the interval's percentiles miss its slowest requests. */
  unfinished: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface Result {
  meshsim: string;
  scenario: string;
  seed: number;
  /** The Istio release line the run assumed and the Envoy line it ships (config/istio-version.ts). */
  versions: { istio: string; envoy: string };
  /** Simulated time of the whole run: the load, then the drain (= window.drainedUntilMs). */
  simulatedMs: number;
  warmupMs: number;
  /**
   * The measurement window of every figure: requests started in [fromMs, toMs) (toMs: the load stops),
   * followed until they finished or the drain ended at drainedUntilMs.
   */
  window: { fromMs: number; toMs: number; drainedUntilMs: number };
  /** Engine events executed. */
  events: number;
  clients: ClientResult[];
  services: ServiceResult[];
  /** Per hop (source workload, service, subset): codes and flags as the source sidecar saw them. */
  hops: HopResult[];
  workloads: WorkloadResult[];
  clusters: ClusterResult[];
  ejections: EjectionResult[];
  series: {
    intervalMs: number;
    clients: Record<string, SeriesPoint[]>;
    /** Upstream requests per interval by `FQDN/subset`. */
    subsets: Record<string, number[]>;
  };
  /** Istio standard metrics, one entry per label set (report/prometheus renders them). */
  istio: { labels: Record<string, string>; count: number; buckets: number[]; sumMs: number }[];
  /** ztunnel's TCP metrics (ambient mode, docs/ambient.md); absent when no pod is enrolled in ambient. */
  istioTcp?: { labels: Record<string, string>; opened: number; closed: number }[];
  /** Sidecar-level HTTP stats summed over sidecars (http.outbound.*, fault.*). */
  http: Record<string, number>;
  /**
   * Conservation over every client request (warm-up included): started = finished + inFlightAtEnd,
   * inFlightAtEnd being those the drain limit cut off.
   */
  conservation: { started: number; finished: number; inFlightAtEnd: number };
  timing?: { wallMs: number; eventsPerSec: number; simulatedRequestsPerSec: number };
  /** Findings of the checks `meshsim run` makes before simulating (validation and analysis), positioned. */
  diagnostics?: JsonDiagnostic[];
  /** Present when the inputs have analysis errors that were simulated on purpose (--simulate-misconfig). */
  simulatedMisconfiguration?: SimulatedMisconfiguration;
  /** HorizontalPodAutoscalers: every sync's reading and decision, and the rescale events. Absent = none. */
  autoscaling?: HpaRecord[];
  /** Flagger Canaries and Argo Rollouts: each controller's decision timeline, outcome and user impact. */
  progressiveDelivery?: ControllerResult[];
  /**
   * What changed the mesh and when, time-ordered: chaos events and their reverts, HPA rescales, rollout
   * decisions (run/timeline-events.ts). Absent when the run has none.
   */
  timelineEvents?: TimelineEvent[];
}
