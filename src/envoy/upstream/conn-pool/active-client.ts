import { NO_SLOT, type TimerSlot } from '../../../engine/index.js';
import type { ConnectCallbacks, WireStream } from '../transport.js';
import type { HttpConnPool } from './http-conn-pool.js';
import type { ConnectionKeepalive } from './keepalive.js';
import type { ActiveStream } from './pool-stream.js';

/**
 * Lifecycle of one upstream connection (Envoy's ActiveClient::State). Connecting → Ready ⇄ Busy, → Draining
 * when it may take no more streams (max_requests_per_connection reached, host removed), → Closed.
 */
export enum ClientState {
  Connecting,
  /** Connected, with capacity for another stream. */
  Ready,
  /** Connected, every concurrent stream slot in use (HTTP/1.1: one request in flight). */
  Busy,
  /** Takes no new streams; closes when its last stream ends. */
  Draining,
  Closed,
}

/**
 * One connection of a host's pool (Envoy's ConnPool ActiveClient + its codec client): the transport
 * connection, the streams riding on it and its timers. The pool owns every transition.
 */
export class ActiveClient implements ConnectCallbacks {
  state = ClientState.Connecting;
  /** The transport connection. */
  wire: WireStream | null = null;
  /**
   * Streams this connection may still start (max_requests_per_connection), or -1 when unlimited (a small
   * integer, not Infinity: a double field costs every connection a heap number; issue #14).
   */
  remainingStreams: number;
  /**
   * The streams on this connection, newest first, as an intrusive list (ActiveStream.next: the one
   * started before it; prev: the one after): an array would reserve 17 slots on its first push, and an
   * idle connection of a used (sidecar, endpoint) pair lives for the whole run (Istio's idle timeout is
   * 1 h; issue #14). Only the head is kept: the one walk oldest first (a reset of every stream when the
   * connection closes) finds the end first.
   */
  streamHead: ActiveStream | null = null;
  streamCount = 0;
  /**
   * The connect timer while Connecting, then the idle timer (armed lazily: when it fires early, because
   * the connection was used since, it re-arms for the remainder). Never both: the connect timer is
   * cancelled when the connection is up, and only a Ready connection arms the idle timer. Their slot,
   * with this connection as their argument (Simulation.cancelOwned): a small integer, not a handle that
   * would be a boxed double in every used pair's connection (issue #14). No idle timer is kept when it
   * could not fire before the run ends (http-conn-pool.ts IDLE_PAST_END).
   */
  timer: TimerSlot = NO_SLOT;
  /** When the connection last became idle (no streams), while its idle timer is armed. */
  idleSinceMs = 0;
  /** Neighbours in the pool's list of every connection, newest first (next: the one created before). */
  prev: ActiveClient | null = null;
  next: ActiveClient | null = null;
  /** While Ready: the connection below it in the pool's ready stack (ready before it). */
  readyBelow: ActiveClient | null = null;

  constructor(readonly pool: HttpConnPool) {
    const limit = pool.config.maxRequestsPerConnection;
    this.remainingStreams = Number.isFinite(limit) ? limit : -1;
  }

  /** Streams it may carry at once (1 for HTTP/1.1, max_concurrent_streams for HTTP/2). */
  get concurrentStreamLimit(): number {
    return this.pool.config.concurrentStreamLimit;
  }

  /** min(concurrent stream limit, lifetime stream limit): what it adds to the pool's connecting capacity. */
  get effectiveLimit(): number {
    const cfg = this.pool.config;
    return Math.min(cfg.maxRequestsPerConnection, cfg.concurrentStreamLimit);
  }

  /** A frame arrived on it (KeepaliveClient resets its PING timer; nothing to do without a keepalive). */
  onFrameReceived(): void {}

  /** It closes: a keepalive stops (KeepaliveClient). */
  stopKeepalive(): void {}

  onConnected(): void {
    this.pool.onClientConnected(this);
  }

  onConnectFailed(reason: 'connection-failure' | 'connection-timeout'): void {
    this.pool.onClientRemoteClose(this, reason === 'connection-timeout');
  }

  onRemoteClose(): void {
    this.pool.onClientRemoteClose(this);
  }
}

/**
 * A connection of a cluster with an HTTP/2 keepalive (keepalive.ts): only these carry the PING state, so
 * the connections of every other cluster, one per used (sidecar, endpoint) pair for the whole run, are a
 * field smaller (issue #14).
 */
export class KeepaliveClient extends ActiveClient {
  /** Set once connected (HttpConnPool.onClientConnected). */
  keepalive: ConnectionKeepalive | null = null;

  override onFrameReceived(): void {
    this.keepalive?.onFrameReceived();
  }

  override stopKeepalive(): void {
    this.keepalive?.stop();
  }
}
