import { NO_TIMER, type TimerHandle } from '../../engine/index.js';
import { cloneRequest, type HttpRequest, type HttpResponse } from '../http.js';
import { type ClusterCounters, DISCARDED_CLUSTER_COUNTERS } from '../stats/cluster-stats.js';
import { DISCARDED_HTTP_STATS } from '../stats/http-stats.js';
import type { Cluster } from '../upstream/cluster.js';
import type {
  Cancellable,
  PoolCallbacks,
  PoolFailureReason,
  PoolStream,
} from '../upstream/conn-pool/conn-pool.js';
import type { Host } from '../upstream/host.js';
import type { ResetReason, StreamCallbacks } from '../upstream/transport.js';
import { faultFires } from './fault-filter.js';
import type { RouteEntry } from './route-entry.js';
import type { RouterContext } from './router-filter.js';

/**
 * Request mirroring (Istio route.go TranslateRequestMirrorPolicy; Envoy router.cc maybeDoShadowing): when the downstream request is complete, each mirror policy whose
 * percentage fires sends a copy through the mirror cluster's own load balancer and pool (so it consumes
 * that cluster's circuit-breaker budget and feeds its outlier detection), with the route timeout and no
 * retries. Fire-and-forget: the response is discarded and the client never waits for it. Istio >= 1.28
 * keeps the original Host; before, the copy's Host gets `-shadow` (MirrorTarget.shadowHostSuffix). The copy is taken after the route's rewrites and header
 * operations, as Envoy shadows the finalized request headers. The copy runs through the async client's
 * own router, so it counts as any request does (upstream_rq_total on attach, its final code charged once,
 * 503 + upstream_cx_none_healthy when no host is healthy), in the measurement window of the request it
 * copies.
 *
 * NOTE: simplification: the mirror decision draws from the router's RNG; Envoy derives it from the stream id.
 */
/**
 * Envoy's shadow Host before Istio 1.28: `-shadow` appended to the host, before any port
 * (Envoy source/common/http/utility.cc, the shadow host suffix; "foo:8080" -> "foo-shadow:8080").
 */
export function shadowHost(authority: string): string {
  const colon = authority.lastIndexOf(':');
  const bracket = authority.lastIndexOf(']');
  if (colon > bracket && /^\d+$/.test(authority.slice(colon + 1)))
    return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  return `${authority}-shadow`;
}

export function sendShadows(
  ctx: RouterContext,
  route: RouteEntry,
  request: HttpRequest,
  timeoutMs: number,
  worker: number,
  /** Whether the copied request is in the measurement window. */
  measured: boolean,
): void {
  for (const m of route.mirrors) {
    if (!faultFires(m.percentage, ctx.rng)) continue;
    const cluster = ctx.clusters.get(m.cluster);
    if (cluster === undefined) continue;
    const counters = measured ? cluster.stats : DISCARDED_CLUSTER_COUNTERS;
    const host = cluster.chooseHost(null);
    if (host === null) {
      // No healthy host: the async client's router answers 503 UH to nobody, counted as any router does
      // (ClusterEntry::httpConnPoolImpl, Filter::sendNoHealthyUpstreamResponse).
      counters.counters.upstream_cx_none_healthy++;
      counters.chargeResponse(503);
      continue;
    }
    (measured ? ctx.stats : DISCARDED_HTTP_STATS).shadow_requests++;
    const copy = cloneRequest(request);
    if (m.shadowHostSuffix === true) copy.authority = shadowHost(copy.authority);
    const shadow = new ShadowRequest(ctx, cluster, host, copy, counters);
    shadow.start(timeoutMs, worker);
  }
}

class ShadowRequest implements PoolCallbacks, StreamCallbacks {
  private stream: PoolStream | null = null;
  private pending: Cancellable | null = null;
  private timer: TimerHandle = NO_TIMER;
  private done = false;
  private readonly startMs: number;

  constructor(
    private readonly ctx: RouterContext,
    private readonly cluster: Cluster,
    private readonly host: Host,
    private readonly request: HttpRequest,
    readonly counters: ClusterCounters,
  ) {
    this.startMs = ctx.sim.now;
  }

  /** The async client runs on the worker of the request it copies, so it uses that worker's pools. */
  start(timeoutMs: number, worker: number): void {
    if (timeoutMs > 0) this.timer = this.ctx.sim.scheduleFixed(timeoutMs, ShadowRequest.onTimeout, this);
    this.pending = this.cluster.connPool(this.host, worker).newStream(this);
  }

  onPoolReady(stream: PoolStream): void {
    this.pending = null;
    if (this.done) return stream.done();
    this.stream = stream;
    stream.send(this.request, this);
  }

  onPoolFailure(reason: PoolFailureReason): void {
    this.pending = null;
    if (reason !== 'overflow')
      this.cluster.outlierDetector?.putResult(this.host, 'local-origin-connect-failed');
    // No retries for a shadow: the reset's 503 is its answer (Filter::onUpstreamReset -> chargeUpstreamAbort).
    this.counters.chargeResponse(503);
    this.end(503, 0);
  }

  onUpstreamResponse(response: HttpResponse): void {
    if (this.done) return;
    this.stream?.done();
    this.cluster.outlierDetector?.putHttpResponseCode(this.host, response.status);
    this.counters.chargeResponse(response.status);
    this.end(response.status, response.flags);
  }

  onUpstreamReset(reason: ResetReason): void {
    if (this.done) return;
    if (reason !== 'overflow')
      this.cluster.outlierDetector?.putResult(this.host, 'local-origin-connect-failed');
    this.counters.chargeResponse(503);
    this.end(503, 0);
  }

  private static onTimeout(s: ShadowRequest): void {
    s.timer = NO_TIMER;
    if (s.done) return;
    s.pending?.cancel();
    s.stream?.reset('local-reset');
    // Filter::onResponseTimeout: the try is still awaiting headers (in the pool or on the wire).
    s.counters.counters.upstream_rq_timeout++;
    s.counters.chargeResponse(504);
    s.end(504, 0);
  }

  private end(status: number, flags: number): void {
    if (this.done) return;
    this.done = true;
    this.ctx.sim.cancel(this.timer);
    const ctx = this.ctx;
    ctx.observer.onUpstreamAttempt({
      timeMs: ctx.sim.now,
      sidecar: ctx.sidecar,
      cluster: this.cluster.name,
      pod: this.host.endpoint.podName,
      status,
      flags,
      latencyMs: ctx.sim.now - this.startMs,
      attempt: 0,
      measured: this.counters !== DISCARDED_CLUSTER_COUNTERS,
    });
  }
}
