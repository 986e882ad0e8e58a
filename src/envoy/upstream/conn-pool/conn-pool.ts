import type { HttpRequest } from '../../http.js';
import type { ClusterCounters } from '../../stats/cluster-stats.js';
import type { ResetReason, StreamCallbacks } from '../transport.js';

/** Why the pool could not provide a stream (Envoy's ConnectionPool::PoolFailureReason). */
export type PoolFailureReason =
  | 'overflow'
  | 'connection-failure'
  | 'connection-timeout'
  | 'local-connection-failure';

/** A stream bound to a connection: send once, then `done()` when the response completed. */
export interface PoolStream {
  send(request: HttpRequest, cb: StreamCallbacks): void;
  /** The response completed: the stream's capacity returns to the connection. Idempotent. */
  done(): void;
  /** This side resets the stream (timeouts, downstream gone): the connection is closed (HTTP/1.1). */
  reset(reason: ResetReason): void;
}

/** Receives the pool's answer to `newStream`. */
export interface PoolCallbacks {
  /**
   * Where the pool charges the per-request counters it moves for this request (`upstream_rq_total` on
   * attach, `upstream_rq_pending_*`): the cluster's own stats for a measured request, the discard instance
   * otherwise. Gauges and circuit breakers always use the cluster's real objects.
   */
  readonly counters: ClusterCounters;
  onPoolReady(stream: PoolStream): void;
  onPoolFailure(reason: PoolFailureReason): void;
}

/** A queued request that can be abandoned (Envoy's Cancellable). */
export interface Cancellable {
  cancel(): void;
}

/**
 * A connection pool to one host (Envoy's ConnectionPool::Instance). `newStream` either calls back at once
 * (returning null) or queues the request as pending and returns a handle to cancel it.
 */
export interface ConnPool {
  newStream(cb: PoolCallbacks): Cancellable | null;
  /** Connections currently open or connecting, for stats and invariants. */
  readonly activeConnections: number;
  /** Requests queued for a connection. */
  readonly pendingStreams: number;
  /**
   * The host left the cluster (Envoy's drainConnections): idle connections close now, busy ones close
   * when their streams finish; nothing new is opened for requests that arrive later.
   */
  drain(): void;
}
