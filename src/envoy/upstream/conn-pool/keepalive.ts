import { NO_TIMER, type Rng, type TimerHandle } from '../../../engine/index.js';
import type { WireStream } from '../transport.js';
import type { ActiveClient } from './active-client.js';

/**
 * `http2_protocol_options.connection_keepalive` as istiod sets it from DestinationRule
 * `connectionPool.http.http2KeepAlive` (Istio 1.31, istio/istio issue #55640): interval and timeout from
 * the DR, `interval_jitter` left at Envoy's default 15 %.
 */
export interface KeepaliveConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly jitterPercent: number;
  /** The codec's random source (one stream per cluster). */
  readonly rng: Rng;
}

/** Envoy's KeepaliveSettings.interval_jitter default (percent of the interval). */
export const DEFAULT_KEEPALIVE_JITTER_PERCENT = 15;

/** Where the keepalive of one connection is (Envoy: which of its two timers is armed). */
export enum KeepaliveState {
  /** The send timer is armed: the next PING goes out when it fires. */
  Waiting,
  /** A PING is out and the timeout timer is armed. */
  AwaitingAck,
  Stopped,
}

/**
 * HTTP/2 PING keepalive of one upstream connection [E:source/common/http/http2/codec_impl.cc
 * ConnectionImpl: sendKeepalive, onKeepaliveResponse, onKeepaliveResponseTimeout, onBeforeFrameReceived]:
 *   - `onKeepaliveResponse` (at start and on every PING ACK) disarms the timeout and arms the send timer
 *     for interval + random() % trunc(jitter% × interval / 100) ms;
 *   - `sendKeepalive` sends a PING and arms the timeout timer (the send timer is re-armed only by the ACK);
 *   - any other frame received while a PING is out re-arms the timeout for a full period;
 *   - the timeout closes the connection (NoFlush), counting `http2.keepalive_timeout`: its streams are
 *     reset (connection termination, 503 UC) instead of waiting for a peer that stopped answering.
 * NOTE: simplification: the timers start when the connection is up (Envoy: when the codec is created,
 * with the connection), and a response is the only frame that extends the timeout.
 */
export class ConnectionKeepalive {
  state = KeepaliveState.Waiting;
  private timer: TimerHandle = NO_TIMER;
  private ping: WireStream | null = null;

  constructor(
    private readonly client: ActiveClient,
    private readonly cfg: KeepaliveConfig,
  ) {}

  private get sim() {
    return this.client.pool.cluster.ctx.sim;
  }

  start(): void {
    this.onKeepaliveResponse();
  }

  /** The PING ACK came back (or the connection just started). */
  private onKeepaliveResponse(): void {
    if (this.state === KeepaliveState.Stopped) return;
    this.sim.cancel(this.timer);
    this.ping = null;
    let intervalMs = this.cfg.intervalMs;
    const jitterMod = Math.floor((this.cfg.jitterPercent * intervalMs) / 100);
    if (jitterMod > 0) intervalMs += this.cfg.rng.uint32() % jitterMod;
    this.state = KeepaliveState.Waiting;
    this.timer = this.sim.schedule(intervalMs, ConnectionKeepalive.onSendTimer, this);
  }

  private static onSendTimer(k: ConnectionKeepalive): void {
    k.timer = NO_TIMER;
    if (k.state !== KeepaliveState.Waiting) return;
    const pool = k.client.pool;
    const transport = pool.cluster.ctx.transport;
    if (transport.ping === undefined) return;
    k.state = KeepaliveState.AwaitingAck;
    k.timer = k.sim.scheduleFixed(k.cfg.timeoutMs, ConnectionKeepalive.onTimeout, k);
    k.ping = transport.ping(pool.host.endpoint, () => k.onKeepaliveResponse());
  }

  /** `onBeforeFrameReceived`: a frame other than the ACK while a PING is out extends the timeout. */
  onFrameReceived(): void {
    if (this.state !== KeepaliveState.AwaitingAck) return;
    this.sim.cancel(this.timer);
    this.timer = this.sim.scheduleFixed(this.cfg.timeoutMs, ConnectionKeepalive.onTimeout, this);
  }

  private static onTimeout(k: ConnectionKeepalive): void {
    k.timer = NO_TIMER;
    if (k.state !== KeepaliveState.AwaitingAck) return;
    const pool = k.client.pool;
    pool.cluster.stats.counters['http2.keepalive_timeout']++;
    pool.onKeepaliveTimeout(k.client);
  }

  /** The connection closed: no more PINGs. */
  stop(): void {
    if (this.state === KeepaliveState.Stopped) return;
    this.state = KeepaliveState.Stopped;
    this.sim.cancel(this.timer);
    this.timer = NO_TIMER;
    this.ping?.cancel();
    this.ping = null;
  }
}
