import { NO_TIMER, type TimerHandle } from '../../../engine/index.js';
import type { ConnectCallbacks, WireStream } from '../transport.js';
import type { HttpConnPool } from './http-conn-pool.js';
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
  /** Streams this connection may still start (max_requests_per_connection; Infinity when unlimited). */
  remainingStreams: number;
  /** min(concurrent stream limit, remaining streams): what it adds to the pool's connecting capacity. */
  readonly effectiveLimit: number;
  readonly streams: ActiveStream[] = [];
  connectTimer: TimerHandle = NO_TIMER;
  /** Armed lazily: when it fires early (the connection was used since), it re-arms for the remainder. */
  idleTimer: TimerHandle = NO_TIMER;
  /** When the connection last became idle (no streams). */
  idleSinceMs = 0;
  /** The connect timer fired (pool failure reason Timeout). */
  timedOut = false;

  constructor(
    readonly pool: HttpConnPool,
    lifetimeStreamLimit: number,
    readonly concurrentStreamLimit: number,
  ) {
    this.remainingStreams = lifetimeStreamLimit;
    this.effectiveLimit = Math.min(lifetimeStreamLimit, concurrentStreamLimit);
  }

  onConnected(): void {
    this.pool.onClientConnected(this);
  }

  onConnectFailed(reason: 'connection-failure' | 'connection-timeout'): void {
    if (reason === 'connection-timeout') this.timedOut = true;
    this.pool.onClientRemoteClose(this);
  }

  onRemoteClose(): void {
    this.pool.onClientRemoteClose(this);
  }
}
