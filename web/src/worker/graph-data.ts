/**
 * The traffic the graph draws, as the worker hands it over: Istio's standard metrics seen from both
 * reporters (istio.io, "Istio Standard Metrics": `istio_requests_total`, `istio_request_duration_milliseconds`).
 * An `out` record is one client sidecar's view of one cluster (reporter=source: one count per downstream
 * request, with that sidecar's Envoy cluster stats scraped beside it); an `in` record is one upstream pod's
 * view of one cluster (reporter=destination: one count per try that reached the pod). Kiali builds its graph
 * from the same two views; keeping them apart lets the page draw source → service → destination for any
 * graph type without the worker knowing about views.
 */

/** Who a pod is, as Istio's peer metadata says (canonical service = app, canonical revision = version). */
export interface Peer {
  /** `namespace/name` of its workload, load generator or gateway. */
  owner: string;
  namespace: string;
  app: string;
  version: string;
  /** A Deployment of the model (false: a load generator or gateway, drawn as a traffic source). */
  workload: boolean;
}

/** One value per graph bin. */
export type BinCounts = number[];

export interface TrafficRecord {
  side: 'out' | 'in';
  /** out: the client sidecar's pod; in: the upstream pod, '' when no host was picked (local reply). */
  pod: string;
  peer: Peer | null;
  /** Destination service: the cluster's FQDN, or the request's authority when no cluster was chosen. */
  service: string;
  /** The cluster's subset ('' for none). */
  subset: string;
  /** `outbound|PORT|SUBSET|FQDN`, or '' (no route). */
  cluster: string;
  codes: { code: number; counts: BinCounts }[];
  /** Envoy's response flags (formatted, '-' for none) per bin. */
  flags: { flags: string; counts: BinCounts }[];
  /** LATENCY_BUCKETS counts per bin, flattened: bin * LATENCY_BUCKETS.length + bucket. */
  latency: number[];
  /** out only: the sidecar's cluster counters (SCRAPED_COUNTERS), increase per bin. */
  envoy?: Record<string, BinCounts>;
}

export interface GraphData {
  /** Width of a graph bin (a whole number of series intervals; capped so memory stays bounded). */
  binMs: number;
  bins: number;
  records: TrafficRecord[];
}

/** Graph bins of a run: one per series interval, or several intervals each past MAX_GRAPH_BINS. */
export function graphBinning(
  intervalMs: number,
  intervals: number,
): { binMs: number; bins: number; perBin: number } {
  const perBin = Math.max(1, Math.ceil(intervals / MAX_GRAPH_BINS));
  return { binMs: perBin * intervalMs, bins: Math.ceil(intervals / perBin), perBin };
}

/** Envoy cluster counters the side panel shows (Envoy docs, "Cluster statistics"). */
export const SCRAPED_COUNTERS = [
  'upstream_rq_retry',
  'upstream_rq_pending_overflow',
  'upstream_rq_retry_overflow',
  'upstream_cx_overflow',
  'outlier_detection.ejections_enforced_total',
] as const;

/** At most this many graph bins per run: a 24 h run at 1 s intervals keeps 600 bins of 144 s. */
export const MAX_GRAPH_BINS = 600;

/**
 * Upper bounds (ms) of the latency histogram: 0.25 ms × √2^k up to ~92 s, then +Inf. Fixed buckets, as
 * Istio's request-duration histogram has, but half-octave wide so a p95 read from them is within ~±20 %.
 * NOTE: simplification: not Istio's default bucket bounds (which are coarser: 0.5, 1, 5, 10, 25 ms ...).
 */
export const LATENCY_BUCKETS: readonly number[] = (() => {
  const b: number[] = [];
  for (let k = 0; k < 38; k++) b.push(0.25 * Math.SQRT2 ** k);
  b.push(Number.POSITIVE_INFINITY);
  return b;
})();

const LOG_BASE = 2 / Math.LN2;

/** The bucket a latency falls in (the first upper bound ≥ ms). */
export function latencyBucket(ms: number): number {
  if (!(ms > 0.25)) return 0;
  const k = Math.ceil(Math.log(ms / 0.25) * LOG_BASE - 1e-9);
  return Math.min(k, LATENCY_BUCKETS.length - 1);
}

/**
 * The q-quantile of a bucketed histogram, interpolated linearly inside its bucket as Prometheus'
 * histogram_quantile() does (Kiali reads response times that way from istio_request_duration_milliseconds);
 * the +Inf bucket answers its lower bound. NaN when empty.
 */
export function histogramQuantile(q: number, counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!;
      const hi = LATENCY_BUCKETS[i]!;
      if (!Number.isFinite(hi)) return lo;
      return lo + ((hi - lo) * (rank - seen)) / c;
    }
    seen += c;
  }
  return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 2]!;
}
