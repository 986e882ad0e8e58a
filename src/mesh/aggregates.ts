import { FortioBuckets, LatencyHistogram, LogHistogram, Tally, TimeSeries } from '../engine/index.js';

/**
 * The client's own code for a request its timeout ended: fortio's -1 (fortio `fhttp/http_client.go`
 * reports a socket error or timeout as code -1, and `Code -1 : n` in its summary). The client sidecar
 * itself reports such a request as response_code 0 with flag DC (Istio's metrics keep that).
 */
export const CLIENT_TIMEOUT_CODE = -1;

/** What one load generator saw (fortio's view), for requests started in the measurement window. */
export class ClientAggregate {
  /** All requests started and finished, warm-up included (conservation). */
  startedAll = 0;
  finishedAll = 0;
  /** Requests started in the window, and those of them finished (answered or timed out). */
  started = 0;
  requests = 0;
  timeouts = 0;
  /** First start and last response of a measured request: the load's actual duration. */
  firstStartMs = Number.POSITIVE_INFINITY;
  lastEndMs = Number.NEGATIVE_INFINITY;
  readonly byStatus = new Tally<number>();
  /** By the response-flags bit set (a timeout: DC), formatted once, at the end. */
  readonly byFlags = new Tally<number>();
  readonly latency = new LatencyHistogram();
  /** fortio's own bucket counts, for the `# range, mid point, percentile, count` lines. */
  readonly buckets = new FortioBuckets();
  readonly seriesRequests: TimeSeries;
  readonly seriesErrors: TimeSeries;
  /** Per-interval latency for the p50/p90/p99 series: the light log-linear histogram (within 3.2 %). */
  readonly seriesLatency: LogHistogram[] = [];
  constructor(intervalMs: number) {
    this.seriesRequests = new TimeSeries(intervalMs);
    this.seriesErrors = new TimeSeries(intervalMs);
  }
}

/** Upstream attempts to one service (all client sidecars, all subsets), incl. retries and mirrors. */
export class ServiceAggregate {
  requests = 0;
  readonly byStatus = new Tally<number>();
  readonly latency = new LatencyHistogram();
  readonly bySubset = new Map<string, { requests: number; byStatus: Tally<number> }>();
  readonly seriesBySubset = new Map<string, TimeSeries>();
}

/**
 * One hop: (source workload, destination service, subset) as the source sidecar saw its downstream
 * requests finish: final code and response flags, local replies (NR, UH, UO, ...) included.
 */
export class HopAggregate {
  requests = 0;
  readonly byStatus = new Tally<number>();
  /** By the response-flags bit set (formatted once, at the end). */
  readonly byFlags = new Tally<number>();
  constructor(
    readonly source: string,
    readonly service: string,
    readonly subset: string,
  ) {}
}

/** The app containers of one workload: queue waits and rejections of requests arriving in the window. */
export class WorkloadAggregate {
  /** Requests that began service (left the queue). */
  served = 0;
  /** Answered 503 at once because the app's queue was full (`queueLimit`). */
  rejected = 0;
  /** Exact sum and max of the waits; their p99 from the light log-linear histogram (within 3.2 %). */
  waitSumMs = 0;
  waitMaxMs = 0;
  readonly wait = new LogHistogram();

  recordWait(ms: number): void {
    this.served++;
    this.waitSumMs += ms;
    if (ms > this.waitMaxMs) this.waitMaxMs = ms;
    this.wait.record(ms);
  }
}
