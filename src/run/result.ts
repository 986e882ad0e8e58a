/**
 * The result of one run: plain JSON-serialisable data, the same bytes for the same inputs and seed
 * (wall-clock timing only under `timing`, which `--timing` adds). Documented in docs/output.md.
 */
import type { JsonDiagnostic, SimulatedMisconfiguration } from '../config/analysis/json.js';
import type { LatencySummary } from '../engine/index.js';

/** Latency percentiles in ms: the HDR summary without its count. */
export type LatencyMs = Omit<LatencySummary, 'count'>;

export interface ClientResult {
  name: string;
  /** Requests started after the warm-up and finished (answered or timed out) by the end. */
  requests: number;
  /** Achieved requests per second over the measured window. */
  qps: number;
  /** Client-side timeouts (the generator's own `timeout`), reported under status 0. */
  timeouts: number;
  /** Share of requests answered 2xx/3xx/4xx (not 5xx, not timed out). */
  successRate: number;
  byStatus: Record<string, number>;
  byFlag: Record<string, number>;
  latencyMs: LatencyMs;
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
  /** `outbound|PORT|SUBSET|FQDN` */
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

export interface SeriesPoint {
  /** Start of the interval, simulated ms. */
  t: number;
  requests: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface Result {
  meshsim: string;
  scenario: string;
  seed: number;
  simulatedMs: number;
  warmupMs: number;
  /** Engine events executed. */
  events: number;
  clients: ClientResult[];
  services: ServiceResult[];
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
  /** Sidecar-level HTTP stats summed over sidecars (http.outbound.*, fault.*). */
  http: Record<string, number>;
  /** Conservation check: every request started was answered exactly once (or is still in flight). */
  conservation: { started: number; finished: number; inFlightAtEnd: number };
  timing?: { wallMs: number; eventsPerSec: number; simulatedRequestsPerSec: number };
  /** Findings of the checks `meshsim run` makes before simulating (validation and analysis), positioned. */
  diagnostics?: JsonDiagnostic[];
  /** Present when the inputs have analysis errors that were simulated on purpose (--simulate-misconfig). */
  simulatedMisconfiguration?: SimulatedMisconfiguration;
}
