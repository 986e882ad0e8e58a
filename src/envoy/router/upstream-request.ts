import { NO_TIMER, type TimerHandle } from '../../engine/index.js';
import type { HttpResponse } from '../http.js';
import type { ClusterCounters } from '../stats/cluster-stats.js';
import type {
  Cancellable,
  PoolCallbacks,
  PoolFailureReason,
  PoolStream,
} from '../upstream/conn-pool/conn-pool.js';
import type { Host } from '../upstream/host.js';
import type { ResetReason, StreamCallbacks } from '../upstream/transport.js';

/** Lifecycle of one try (Envoy's UpstreamRequest). */
export enum AttemptState {
  /** Waiting in the connection pool for a connection/stream. */
  Pending,
  /** Request sent, awaiting the response. */
  Sent,
  Done,
}

/** What an attempt reports to its request (implemented by ActiveRequest). */
export interface AttemptOwner {
  onAttemptReady(a: UpstreamRequest): void;
  onAttemptPoolFailure(a: UpstreamRequest, reason: PoolFailureReason): void;
  onAttemptResponse(a: UpstreamRequest, response: HttpResponse): void;
  onAttemptReset(a: UpstreamRequest, reason: ResetReason): void;
}

/**
 * One try of a request against one host: pool callbacks, then stream callbacks. It forwards everything
 * to its owner and ignores anything that arrives after it is Done (a late response of a timed-out try).
 */
export class UpstreamRequest implements PoolCallbacks, StreamCallbacks {
  state = AttemptState.Pending;
  poolHandle: Cancellable | null = null;
  stream: PoolStream | null = null;
  perTryTimer: TimerHandle = NO_TIMER;

  constructor(
    readonly owner: AttemptOwner,
    readonly host: Host,
    /** 1 for the first try. */
    readonly attempt: number,
    readonly startMs: number,
    /** The request's per-request counters, which the pool charges for this try. */
    readonly counters: ClusterCounters,
  ) {}

  onPoolReady(stream: PoolStream): void {
    if (this.state !== AttemptState.Pending) return;
    this.poolHandle = null;
    this.stream = stream;
    this.state = AttemptState.Sent;
    this.owner.onAttemptReady(this);
  }

  onPoolFailure(reason: PoolFailureReason): void {
    if (this.state !== AttemptState.Pending) return;
    this.poolHandle = null;
    this.state = AttemptState.Done;
    this.owner.onAttemptPoolFailure(this, reason);
  }

  onUpstreamResponse(response: HttpResponse): void {
    if (this.state !== AttemptState.Sent) return;
    this.state = AttemptState.Done;
    this.stream?.done();
    this.owner.onAttemptResponse(this, response);
  }

  onUpstreamReset(reason: ResetReason): void {
    if (this.state !== AttemptState.Sent) return;
    this.state = AttemptState.Done;
    this.owner.onAttemptReset(this, reason);
  }

  /** Abandons the try from this side (timeouts, downstream gone). */
  abandon(reason: ResetReason): void {
    if (this.state === AttemptState.Pending) this.poolHandle?.cancel();
    else if (this.state === AttemptState.Sent) this.stream?.reset(reason);
    this.poolHandle = null;
    this.state = AttemptState.Done;
  }
}
