import {
  type ClusterCounters,
  DISCARDED_CLUSTER_COUNTERS,
  type HttpResponse,
  RESET_REASON_FLAG,
  type ResetReason,
  ResponseFlag,
  RetryState,
  type StreamCallbacks,
} from '../envoy/index.js';
import type {
  Cancellable,
  ConnPool,
  PoolCallbacks,
  PoolFailureReason,
  PoolStream,
} from '../envoy/upstream/conn-pool/index.js';
import { NO_TIMER, type TimerHandle } from '../engine/index.js';
import type { InboundCluster } from './inbound-cluster.js';
import type { InboundExchange } from './wire.js';

/** Lifecycle of one request in the server sidecar (ARCHITECTURE rule 7). */
export enum InboundPhase {
  /** Waiting in the inbound pool for a connection to the app. */
  Pool,
  /** On a connection to the app, awaiting its response. */
  App,
  /** Between tries: the retry back-off timer runs. */
  Backoff,
  Done,
}

/**
 * The server sidecar's router for one request on the inbound path: the inbound route (no timeout, the
 * inbound retry policy) to the inbound cluster's pool, then the app. Local replies are Envoy's: 503 UO with
 * `x-envoy-overloaded: true` when the circuit breakers overflow (never retried), 503 UF after connection
 * failures to the app once the retries are spent (`UF,URX`), 503 UC when the app dies mid-request. The
 * client sidecar sees these as ordinary upstream 503s (its own flags stay empty; it may retry or eject
 * on them); the server reports the flags (Istio's reporter=destination series).
 */
export class InboundRequest implements PoolCallbacks, StreamCallbacks {
  phase = InboundPhase.Pool;
  readonly counters: ClusterCounters;
  private handle: Cancellable | null = null;
  private stream: PoolStream | null = null;
  private retry: RetryState | null = null;
  private backoffTimer: TimerHandle = NO_TIMER;
  /** The pool of the worker this request's downstream stream is on: its retries stay on that worker. */
  private pool: ConnPool | null = null;

  constructor(
    readonly ic: InboundCluster,
    readonly x: InboundExchange,
  ) {
    // Per-request counters follow the request's measurement window, as on the outbound side.
    this.counters =
      x.arrivedMs >= x.world.opts.scenario.warmupMs ? ic.cluster.stats : DISCARDED_CLUSTER_COUNTERS;
  }

  start(): void {
    this.ic.live.add(this);
    this.attempt();
  }

  private attempt(): void {
    this.phase = InboundPhase.Pool;
    if (this.pool === null) this.pool = this.ic.pool();
    this.handle = this.pool.newStream(this);
  }

  onPoolReady(stream: PoolStream): void {
    if (this.phase !== InboundPhase.Pool) return stream.done();
    this.handle = null;
    this.stream = stream;
    this.phase = InboundPhase.App;
    this.ic.transport.sending = this.x;
    stream.send(this.x.request, this);
  }

  onPoolFailure(reason: PoolFailureReason): void {
    if (this.phase !== InboundPhase.Pool) return;
    this.handle = null;
    // A pool failure happens before any byte of the request went upstream.
    this.onReset(
      reason === 'overflow' ? 'overflow' : reason === 'connection-timeout' ? reason : 'connection-failure',
      false,
    );
  }

  onUpstreamResponse(r: HttpResponse): void {
    if (this.phase !== InboundPhase.App) return;
    this.stream = null;
    let extra = 0;
    const retry = this.retryState();
    if (retry !== null) {
      const d = retry.decide(retry.wouldRetryResponse(r));
      if (d.kind === 'retry') {
        this.counters.chargeRetriedResponse(r.status);
        return this.scheduleRetry(d.backoffMs);
      }
      extra =
        d.reason === 'limit-exceeded' ? ResponseFlag.URX : d.reason === 'overflow' ? ResponseFlag.UO : 0;
    }
    this.counters.chargeResponse(r.status);
    this.finish(r, extra);
  }

  onUpstreamReset(reason: ResetReason): void {
    if (this.phase !== InboundPhase.App) return;
    this.stream = null;
    this.onReset(reason, true);
  }

  /**
   * Router::onUpstreamReset with the inbound route's retry policy (`reset-before-request`: retried only when
   * no byte of the request was sent, which covers connection failures to the app [E:source/common/router/
   * retry_state_impl.cc `wouldRetryFromReset`]); overflow is never retried.
   */
  private onReset(reason: ResetReason, requestSent: boolean): void {
    if (!this.x.to.proxyListening) return this.abortWithProxy();
    const flag = RESET_REASON_FLAG[reason];
    let extra = 0;
    const retry = this.retryState();
    if (retry !== null) {
      const d = retry.decide(retry.wouldRetryReset(reason, requestSent));
      if (d.kind === 'retry') return this.scheduleRetry(d.backoffMs);
      extra =
        d.reason === 'limit-exceeded' ? ResponseFlag.URX : d.reason === 'overflow' ? ResponseFlag.UO : 0;
    }
    this.counters.chargeResponse(503);
    const details = `upstream connect error or disconnect/reset before headers. reset reason: ${reason.replace('-', ' ')}`;
    if (reason === 'overflow') {
      // conn_pool_base.cc overflow → router local reply 503 with x-envoy-overloaded (Envoy router.cc onUpstreamReset).
      const headers = new Map([['x-envoy-overloaded', 'true']]);
      return this.finish({ status: 503, flags: 0, headers, details }, flag | extra);
    }
    this.finish({ status: 503, flags: 0, details }, flag | extra);
  }

  /** The retry state is created at the first outcome that needs it: requests that succeed pay nothing. */
  private retryState(): RetryState | null {
    if (this.retry === null && this.ic.retry !== null)
      this.retry = new RetryState(
        this.ic.retry,
        this.ic.cluster.resourceManager,
        this.counters,
        this.ic.retryRng,
      );
    return this.retry;
  }

  private scheduleRetry(backoffMs: number): void {
    this.phase = InboundPhase.Backoff;
    this.backoffTimer = this.x.world.sim.schedule(backoffMs, InboundRequest.onBackoffDone, this);
  }

  private static onBackoffDone(r: InboundRequest): void {
    r.backoffTimer = NO_TIMER;
    if (r.phase !== InboundPhase.Backoff) return;
    r.attempt();
  }

  /** The answer goes back to the client; `serverFlags` are what this sidecar logs and reports. */
  private finish(r: HttpResponse, serverFlags: number): void {
    this.end();
    this.x.sendDownstream(r, serverFlags);
  }

  /** The client went away (its timeout or reset): the sidecar resets its side too. */
  onDownstreamReset(): void {
    if (this.phase === InboundPhase.Done) return;
    if (this.handle !== null) this.handle.cancel();
    if (this.stream !== null) this.stream.reset('local-reset');
    this.end();
  }

  /** The sidecar itself died (the pod is gone): the client's connection is reset, nothing is answered. */
  abortWithProxy(): void {
    if (this.phase === InboundPhase.Done) return;
    this.handle?.cancel();
    this.end();
    this.x.resetDownstream();
  }

  private end(): void {
    this.phase = InboundPhase.Done;
    this.handle = null;
    this.stream = null;
    this.x.world.sim.cancel(this.backoffTimer);
    this.backoffTimer = NO_TIMER;
    this.retry?.releaseRetry();
    this.ic.live.delete(this);
  }
}
