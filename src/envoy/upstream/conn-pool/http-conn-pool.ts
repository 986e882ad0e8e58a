import { NO_SLOT, NO_TIMER } from '../../../engine/index.js';
import type { Cluster } from '../cluster.js';
import type { Host } from '../host.js';
import type { ResetReason } from '../transport.js';
import { ActiveClient, ClientState, KeepaliveClient } from './active-client.js';
import type { Cancellable, ConnPool, PoolCallbacks, PoolFailureReason } from './conn-pool.js';
import { ConnectionKeepalive } from './keepalive.js';
import type { PoolConfig } from './pool-config.js';
import type { PoolShared } from './pool-shared.js';
import { ActiveStream, PendingState, PendingStream, StreamState } from './pool-stream.js';

/**
 * ActiveClient.timer of an idle connection whose idle timeout would fall after the run's last instant
 * (Simulation.firesByMaxTime): no timer is kept, and none is armed again (every later idle period ends
 * later still). Below NO_SLOT, so cancelling it is a no-op (cancelOwned).
 */
const IDLE_PAST_END = -2;

/** HttpConnPool.upstreamReadyTimer's value while its callback is queued (reserved places are below NO_TIMER). */
const UPSTREAM_READY_QUEUED = 0;

/** What a pool uses of its cluster (a narrow view, so pools can be driven without a whole cluster). */
export type PoolCluster = Pick<Cluster, 'stats' | 'resourceManager' | 'outlierDetector'> & {
  readonly ctx: Pick<Cluster['ctx'], 'sim' | 'transport'>;
};

/** How a connection ended: closed by the peer/network, or by this Envoy. */
type CloseEvent = 'remote' | 'local';

/**
 * The HTTP/1.1 and HTTP/2 connection pool of one host of one cluster of one sidecar (Envoy's
 * ConnPoolImplBase with its HTTP codec clients; Envoy conn_pool_base.cc, Envoy conn_pool_base.cc). The protocols differ only in the
 * connection's concurrent stream limit: 1 for HTTP/1.1, max_concurrent_streams for HTTP/2 (so HTTP/2
 * normally runs one multiplexed connection per host).
 *
 * - newStream: a ready connection takes the stream at once (the most recently freed one first: ready
 *   clients are pushed to the front of Envoy's list); otherwise max_pending_requests is checked
 *   (overflow: pool failure, `upstream_rq_pending_overflow`), the request is queued FIFO and connections
 *   are opened while pending > connecting capacity (at most 3 per call, preconnect ratio 1).
 * - A connection is only opened under max_connections (else `upstream_cx_overflow` and the request stays
 *   pending), except that a host with no connection at all always gets one.
 * - Attaching a stream checks max_requests (overflow counts `upstream_rq_pending_overflow` too),
 *   spends one of max_requests_per_connection (at 0 the connection drains, `upstream_cx_max_requests`),
 *   and only then counts the request in `upstream_rq_total`, `upstream_rq_active` and the host's
 *   `rq_active`; closing the stream releases them.
 * - Per-request counters go to the `counters` of the request's callbacks (its measurement window);
 *   connection counters, gauges and circuit breakers to the cluster's own stats.
 * - A connect failure or timeout fails every pending request of the pool (`upstream_rq_pending_failure_eject`).
 *
 * One pool per host per Envoy worker (Cluster.connPool(host, worker)), as in Envoy: the "a host with no
 * connection always gets one" exception and HTTP/2's one connection per host hold per worker, while the
 * circuit-breaker counters are the cluster's, shared by all workers (Envoy docs, Circuit breaking).
 * NOTE: simplification: tcp.maxConnectionDuration, HTTP/2 keep-alive pings and GOAWAY are not modelled.
 */
export class HttpConnPool implements ConnPool {
  /*
   * Per used (sidecar, endpoint) pair, a pool lives for the whole run, usually with one idle connection
   * (Istio's idle timeout is 1 h), so its lists, the pending queue included, are intrusive (links on
   * the connections, streams and pending requests): an array reserves 17 slots on its first push, and
   * even emptied it stays 32 bytes (issue #14).
   */
  /**
   * Every connection not yet closed, newest first (ActiveClient.next: the one created before it): the
   * head alone is kept (a field less per used pair), as nothing walks the connections oldest first.
   */
  private newestClient: ActiveClient | null = null;
  /**
   * Ready connections as a stack (ActiveClient.readyBelow); the top is the front of Envoy's ready list
   * (most recently ready). Singly linked, a field less per used pair: streams always take the top, and
   * only a ready connection that closes or drains is looked for below it (issue #14).
   */
  private readyTop: ActiveClient | null = null;
  /**
   * The pending requests and the connecting capacity, only while there are any: most pools wait only
   * for their first connection, then keep an idle one for the rest of the run (issue #14).
   */
  private waiting: PoolWaiting | null = null;
  /**
   * The HTTP/1.1 upstream-ready callback of this instant: UPSTREAM_READY_QUEUED once queued (nothing
   * cancels it, so its handle is not kept: a handle above 2^30 would give every pool a boxed number),
   * or a place reserved for it (Simulation.reserve, a negative small integer) while no request is
   * pending, or NO_TIMER.
   */
  private upstreamReadyTimer: number = NO_TIMER;

  constructor(
    readonly shared: PoolShared,
    readonly host: Host,
  ) {}

  get cluster(): PoolCluster {
    return this.shared.cluster;
  }

  get config(): PoolConfig {
    return this.shared.config;
  }

  /** The Envoy worker thread this pool belongs to (Cluster.connPool). */
  get worker(): number {
    return this.shared.worker;
  }

  private get pendingLive(): number {
    const w = this.waiting;
    return w === null ? 0 : w.live;
  }

  /** Streams the connecting connections will be able to carry (Envoy's connecting_stream_capacity_). */
  private get connectingStreamCapacity(): number {
    const w = this.waiting;
    return w === null ? 0 : w.connecting;
  }

  /** Drops the waiting record once nothing waits or connects. */
  private releaseWaiting(): void {
    const w = this.waiting;
    if (w !== null && w.live === 0 && w.first === null && w.connecting === 0) this.waiting = null;
  }

  /**
   * Counted when asked (stats, views, tests), not kept: each field is 8 bytes of every used pair's pool
   * (issue #14), and a pool has one connection or a few.
   */
  get activeConnections(): number {
    let n = 0;
    for (let c = this.newestClient; c !== null; c = c.next) n++;
    return n;
  }

  get pendingStreams(): number {
    return this.pendingLive;
  }

  /** Streams attached to connections (Envoy's num_active_streams_), counted when asked. */
  get activeStreams(): number {
    let n = 0;
    for (let c = this.newestClient; c !== null; c = c.next) n += c.streamCount;
    return n;
  }

  newStream(cb: PoolCallbacks): Cancellable | null {
    if (this.readyTop !== null) {
      this.attachStreamToClient(this.readyTop, cb);
      // Envoy may preconnect here; with preconnect ratio 1 this only acts on requests still queued.
      this.tryCreateNewConnections();
      return null;
    }
    const rm = this.cluster.resourceManager;
    if (!rm.pendingRequests.canCreate()) {
      cb.onPoolFailure('overflow');
      cb.counters.counters.upstream_rq_pending_overflow++;
      return null;
    }
    const p = new PendingStream(this, cb);
    const w = (this.waiting ??= new PoolWaiting());
    if (w.last === null) w.first = p;
    else w.last.next = p;
    w.last = p;
    w.live++;
    // A reserved upstream-ready callback now has work to do: it runs at the place it was reserved at.
    const rt = this.upstreamReadyTimer;
    if (rt < NO_TIMER) {
      const sim = this.cluster.ctx.sim;
      if (!sim.isReservedAhead(rt)) this.upstreamReadyTimer = NO_TIMER;
      else {
        sim.scheduleReserved(rt, HttpConnPool.onUpstreamReadyEvent, this);
        this.upstreamReadyTimer = UPSTREAM_READY_QUEUED;
      }
    }
    cb.counters.counters.upstream_rq_pending_total++;
    this.cluster.stats.gauges.upstream_rq_pending_active++;
    rm.pendingRequests.inc();
    // After queueing: the number of pending requests decides whether to connect.
    this.tryCreateNewConnections();
    return p;
  }

  drain(): void {
    // closeIdleConnectionsForDrainingPool (newest first), then every remaining connection drains.
    for (let c = this.newestClient; c !== null; ) {
      const older = c.next;
      if (
        (c.state === ClientState.Ready && c.streamCount === 0) ||
        (c.state === ClientState.Connecting && this.pendingLive === 0)
      ) {
        this.closeClient(c, 'local', 'local-reset');
      }
      c = older;
    }
    // In any order: each transition only leaves the ready list.
    for (let c = this.newestClient; c !== null; c = c.next)
      if (c.state === ClientState.Ready || c.state === ClientState.Busy)
        this.transition(c, ClientState.Draining);
  }

  // --- connections

  private tryCreateNewConnections(): void {
    // Envoy caps connections opened by one call at 3.
    for (let i = 0; i < 3; i++) if (!this.tryCreateNewConnection()) return;
  }

  /** Returns whether a connection was created within the circuit breaker (the caller may try again). */
  private tryCreateNewConnection(): boolean {
    // shouldCreateNewConnection with preconnect ratio 1: (pending + active) > (connecting + active).
    if (!(this.pendingLive > this.connectingStreamCapacity)) return false;
    const rm = this.cluster.resourceManager;
    const canCreate = rm.connections.canCreate();
    if (!canCreate) this.cluster.stats.counters.upstream_cx_overflow++;
    // At the limit because of other hosts' connections, a host with none still gets one, so its pending
    // requests are not stuck with no way to be served.
    if (canCreate || this.newestClient === null) this.createClient();
    return canCreate;
  }

  private createClient(): void {
    const cfg = this.config;
    const c = cfg.keepalive !== null ? new KeepaliveClient(this) : new ActiveClient(this);
    this.linkClient(c);
    (this.waiting ??= new PoolWaiting()).connecting += c.effectiveLimit;
    const { stats, resourceManager, ctx } = this.cluster;
    stats.counters.upstream_cx_total++;
    stats.gauges.upstream_cx_active++;
    resourceManager.connections.inc();
    c.timer = ctx.sim.slotOf(ctx.sim.scheduleFixed(cfg.connectTimeoutMs, HttpConnPool.onConnectTimeout, c));
    // Connection setup costs the transport's round trips (TCP, then mTLS).
    c.wire = ctx.transport.connect(this.host.endpoint, c);
  }

  private static onConnectTimeout(c: ActiveClient): void {
    c.timer = NO_SLOT;
    if (c.state !== ClientState.Connecting) return;
    c.pool.cluster.stats.counters.upstream_cx_connect_timeout++;
    c.pool.closeClient(c, 'local', 'local-reset', true);
  }

  onClientConnected(c: ActiveClient): void {
    if (c.state !== ClientState.Connecting) return;
    this.waiting!.connecting -= c.effectiveLimit;
    this.releaseWaiting();
    this.cluster.ctx.sim.cancelOwned(c.timer, c);
    c.timer = NO_SLOT;
    this.transition(c, ClientState.Ready);
    const ka = this.config.keepalive;
    if (ka !== null) {
      const k = new ConnectionKeepalive(c, ka);
      (c as KeepaliveClient).keepalive = k;
      k.start();
    }
    this.onUpstreamReady();
    this.checkForIdle(c);
  }

  /** The peer did not ACK a keepalive PING in time: the codec closes the connection (NoFlush). */
  onKeepaliveTimeout(c: ActiveClient): void {
    this.closeClient(c, 'local', 'connection-termination');
  }

  /** The transport reports the connection refused, timed out (`timedOut`) or closed by the peer. */
  onClientRemoteClose(c: ActiveClient, timedOut = false): void {
    c.wire = null; // already closed on the transport's side
    this.closeClient(c, 'remote', 'connection-termination', timedOut);
  }

  /**
   * Closes a connection (Envoy's onConnectionEvent for RemoteClose/LocalClose). A connection that never
   * connected is a connect failure: every pending request of the pool fails with it. Streams still on
   * it are reset with `streamReason`. `timedOut`: the connect timed out (pool failure reason Timeout);
   * an argument, not a field of the connection, as it is only read here, in the same call.
   */
  private closeClient(c: ActiveClient, event: CloseEvent, streamReason: ResetReason, timedOut = false): void {
    if (c.state === ClientState.Closed) return;
    const { sim } = this.cluster.ctx;
    const { stats, resourceManager } = this.cluster;
    const wasConnecting = c.state === ClientState.Connecting;
    if (wasConnecting) {
      this.waiting!.connecting -= c.effectiveLimit;
      this.releaseWaiting();
    }
    c.wire?.cancel();
    c.wire = null;
    c.stopKeepalive();
    // The connect timer while connecting, else any idle timer.
    sim.cancelOwned(c.timer, c);
    c.timer = NO_SLOT;
    if (c.state === ClientState.Ready) this.unlinkReady(c);
    this.unlinkClient(c);
    c.state = ClientState.Closed;
    stats.counters.upstream_cx_destroy++;
    if (wasConnecting) {
      stats.counters.upstream_cx_connect_fail++;
      const reason: PoolFailureReason = timedOut
        ? 'connection-timeout'
        : event === 'remote'
          ? 'connection-failure'
          : 'local-connection-failure';
      this.purgePendingStreams(reason);
      this.tryCreateNewConnections();
    }
    // releaseResources
    stats.gauges.upstream_cx_active--;
    resourceManager.connections.dec();
    if (c.streamCount > 0) this.resetStreamsOf(c, streamReason);
    // A connection was lost while requests wait: open another.
    if (this.pendingLive > 0) this.tryCreateNewConnections();
  }

  /** The codec client resets every stream of a closed connection; bookkeeping first, then callbacks. */
  private resetStreamsOf(c: ActiveClient, reason: ResetReason): void {
    // Detached as a whole first (the connection is closed: nothing joins or leaves it meanwhile), then
    // walked oldest first (from the end of the newest-first list, through prev), as Envoy's list is.
    let oldest = c.streamHead;
    c.streamHead = null;
    c.streamCount = 0;
    if (oldest === null) return;
    while (oldest.next !== null) oldest = oldest.next;
    for (let s: ActiveStream | null = oldest; s !== null; s = s.prev) {
      s.wire?.cancel();
      s.wire = null;
      this.releaseCounts();
    }
    for (let s: ActiveStream | null = oldest; s !== null; ) {
      const next: ActiveStream | null = s.prev;
      s.prev = null;
      s.next = null;
      const wasSent = s.state === StreamState.Sent;
      s.state = StreamState.Closed;
      if (wasSent) s.cb!.onUpstreamReset(reason);
      s = next;
    }
  }

  private transition(c: ActiveClient, to: ClientState): void {
    if (c.state === to) return;
    if (c.state === ClientState.Ready) this.unlinkReady(c);
    c.state = to;
    if (to === ClientState.Ready) this.pushReady(c);
  }

  // --- intrusive lists (each element is in a list at most once)

  private linkClient(c: ActiveClient): void {
    c.prev = null;
    c.next = this.newestClient;
    if (this.newestClient !== null) this.newestClient.prev = c;
    this.newestClient = c;
  }

  private unlinkClient(c: ActiveClient): void {
    if (c.prev === null) this.newestClient = c.next;
    else c.prev.next = c.next;
    if (c.next !== null) c.next.prev = c.prev;
    c.prev = null;
    c.next = null;
  }

  private pushReady(c: ActiveClient): void {
    c.readyBelow = this.readyTop;
    this.readyTop = c;
  }

  /** `c` is Ready, so in the stack: at the top when a stream takes it, else found from the top down. */
  private unlinkReady(c: ActiveClient): void {
    if (this.readyTop === c) this.readyTop = c.readyBelow;
    else {
      let above = this.readyTop!;
      while (above.readyBelow !== c) above = above.readyBelow!;
      above.readyBelow = c.readyBelow;
    }
    c.readyBelow = null;
  }

  // --- streams

  private attachStreamToClient(c: ActiveClient, cb: PoolCallbacks): void {
    const { resourceManager: rm, stats } = this.cluster;
    if (!rm.requests.canCreate()) {
      cb.onPoolFailure('overflow');
      // max_requests overflow: upstream_rq_active_overflow since Envoy 1.38 (PR #44164, runtime guard
      // skip_pending_overflow_count_on_active_rq, default true), upstream_rq_pending_overflow before.
      cb.counters.counters[this.config.maxRequestsOverflowCounter]++;
      return;
    }
    if (c.remainingStreams > 0) c.remainingStreams--;
    if (c.remainingStreams === 0) {
      stats.counters.upstream_cx_max_requests++;
      this.transition(c, ClientState.Draining);
    } else if (c.streamCount + 1 >= c.concurrentStreamLimit) {
      this.transition(c, ClientState.Busy);
    }
    // ConnPoolImplBase::attachStreamToClient: a request counts as active (host rq_active, which
    // LEAST_REQUEST reads, and the cluster's upstream_rq_active) and in upstream_rq_total only once it is
    // attached to a connection, not while it waits in the pool; released in onStreamClosed.
    this.host.rqActive++;
    stats.gauges.upstream_rq_active++;
    cb.counters.counters.upstream_rq_total++;
    rm.requests.inc();
    const s = new ActiveStream(c);
    s.next = c.streamHead;
    if (c.streamHead !== null) c.streamHead.prev = s;
    c.streamHead = s;
    c.streamCount++;
    // Envoy's UpstreamRequest::onPoolReady reports the connection success (split mode resets the
    // local-origin counter; otherwise ignored), Envoy outlier_detection_impl.cc.
    this.cluster.outlierDetector?.putResult(this.host, 'local-origin-connect-success');
    cb.onPoolReady(s);
  }

  /** A connection has room: attach the oldest pending requests (Envoy's onUpstreamReady). */
  private onUpstreamReady(): void {
    while (this.pendingLive > 0 && this.readyTop !== null) {
      const p = this.popPending();
      this.attachStreamToClient(this.readyTop, p.cb);
    }
  }

  private static onUpstreamReadyEvent(pool: HttpConnPool): void {
    pool.upstreamReadyTimer = NO_TIMER;
    pool.onUpstreamReady();
  }

  /**
   * Envoy's scheduleOnUpstreamReady: the callback runs on a later turn of the dispatcher, once per
   * instant however many connections became ready. While nothing is pending it would find nothing to
   * do, so only its place in the event order is reserved (newStream queues it there if a request comes
   * to wait before its turn): the same run, one engine event fewer per HTTP/1.1 request (issue #14).
   */
  private scheduleOnUpstreamReady(): void {
    const rt = this.upstreamReadyTimer;
    const sim = this.cluster.ctx.sim;
    if (rt === UPSTREAM_READY_QUEUED) return; // queued, not run yet
    if (rt < NO_TIMER && sim.isReservedAhead(rt)) return; // reserved, its turn still ahead
    if (this.pendingLive === 0) this.upstreamReadyTimer = sim.reserve();
    else {
      sim.schedule(0, HttpConnPool.onUpstreamReadyEvent, this);
      this.upstreamReadyTimer = UPSTREAM_READY_QUEUED;
    }
  }

  /** The response completed (or the caller is done with the stream). */
  onStreamClosed(s: ActiveStream): void {
    const c = s.client;
    if (c.state === ClientState.Closed) return;
    this.releaseStream(s);
    if (c.state === ClientState.Draining && c.streamCount === 0) {
      this.closeClient(c, 'local', 'local-reset');
      return;
    }
    if (c.state === ClientState.Busy) {
      this.transition(c, ClientState.Ready);
      // HTTP/1.1 attaches the next pending request on a later dispatcher turn (same instant); HTTP/2 at once.
      if (this.config.protocol === 'http1') this.scheduleOnUpstreamReady();
      else {
        this.onUpstreamReady();
      }
    }
    this.checkForIdle(c);
  }

  /** This side reset the stream: HTTP/1.1 cannot reuse the connection and closes it; HTTP/2 sends RST_STREAM. */
  onStreamLocalReset(s: ActiveStream): void {
    const c = s.client;
    if (c.state === ClientState.Closed) return;
    if (this.config.protocol === 'http1') {
      this.releaseStream(s);
      this.closeClient(c, 'local', 'local-reset');
      return;
    }
    this.onStreamClosed(s);
  }

  /** The peer reset the stream or the connection under it died. */
  onStreamRemoteReset(s: ActiveStream, reason: ResetReason): void {
    const c = s.client;
    if (c.state === ClientState.Closed) return;
    if (this.config.protocol === 'http1' || reason === 'connection-termination') {
      // The connection is gone: every stream on it (this one included) is reset.
      this.closeClient(c, 'remote', reason);
      return;
    }
    s.state = StreamState.Closed;
    const cb = s.cb!;
    this.onStreamClosed(s);
    cb.onUpstreamReset(reason);
  }

  private releaseStream(s: ActiveStream): void {
    const c = s.client;
    if (s.prev === null) c.streamHead = s.next;
    else s.prev.next = s.next;
    if (s.next !== null) s.next.prev = s.prev;
    s.prev = null;
    s.next = null;
    c.streamCount--;
    this.releaseCounts();
  }

  /** ConnPoolImplBase::onStreamClosed: the levels attachStreamToClient raised come down. */
  private releaseCounts(): void {
    this.host.rqActive--;
    this.cluster.stats.gauges.upstream_rq_active--;
    this.cluster.resourceManager.requests.dec();
  }

  private checkForIdle(c: ActiveClient): void {
    if (c.state !== ClientState.Ready || c.streamCount > 0 || c.timer === IDLE_PAST_END) return;
    const sim = this.cluster.ctx.sim;
    if (c.timer === NO_SLOT) {
      // Istio's idle timeout is 1 h: in a run of seconds, a timer per used (sidecar, endpoint) pair
      // that can never fire, with its queue entry and the idle instant as a boxed double (issue #14).
      if (!sim.firesByMaxTime(this.config.idleTimeoutMs)) {
        c.timer = IDLE_PAST_END;
        return;
      }
      c.timer = sim.slotOf(sim.scheduleFixed(this.config.idleTimeoutMs, HttpConnPool.onIdleTimer, c));
    }
    c.idleSinceMs = sim.now;
  }

  /** common_http_protocol_options.idle_timeout: a connection with no stream for that long is closed. */
  private static onIdleTimer(c: ActiveClient): void {
    c.timer = NO_SLOT;
    const pool = c.pool;
    if (c.state !== ClientState.Ready || c.streamCount > 0) return;
    const idleForMs = pool.cluster.ctx.sim.now - c.idleSinceMs;
    const timeoutMs = pool.config.idleTimeoutMs;
    if (idleForMs < timeoutMs) {
      const sim = pool.cluster.ctx.sim;
      c.timer = sim.slotOf(sim.schedule(timeoutMs - idleForMs, HttpConnPool.onIdleTimer, c));
      return;
    }
    pool.cluster.stats.counters.upstream_cx_idle_timeout++;
    pool.closeClient(c, 'local', 'local-reset');
  }

  // --- pending queue

  private popPending(): PendingStream {
    const w = this.waiting!;
    let p = w.first!;
    while (p.state !== PendingState.Waiting) {
      const n = p.next!;
      p.next = null;
      p = n;
    }
    w.first = p.next;
    if (p.next === null) w.last = null;
    p.next = null;
    this.leavePending(p);
    this.compactPending();
    return p;
  }

  private leavePending(p: PendingStream): void {
    p.state = PendingState.Gone;
    this.waiting!.live--;
    this.cluster.stats.gauges.upstream_rq_pending_active--;
    this.cluster.resourceManager.pendingRequests.dec();
  }

  onPendingStreamCancel(p: PendingStream): void {
    this.leavePending(p);
    this.compactPending();
  }

  /** Fails every pending request after a connect failure (Envoy's purgePendingStreams). */
  private purgePendingStreams(reason: PoolFailureReason): void {
    // Requests queued by the failure callbacks (none in practice: retries wait a back-off) stay queued.
    const w = this.waiting;
    if (w === null) return;
    let p = w.first;
    w.first = null;
    w.last = null;
    while (p !== null) {
      const next = p.next;
      p.next = null;
      if (p.state === PendingState.Waiting) {
        this.leavePending(p);
        p.cb.counters.counters.upstream_rq_pending_failure_eject++;
        p.cb.onPoolFailure(reason);
      }
      p = next;
    }
    this.releaseWaiting();
  }

  /** Forgets the entries that left early once no request waits (nothing to skip past any more). */
  private compactPending(): void {
    const w = this.waiting;
    if (w !== null && w.live === 0) {
      w.first = null;
      w.last = null;
      this.releaseWaiting();
    }
  }
}

/**
 * A pool's FIFO of pending requests (PendingStream.next), oldest first, and its connecting capacity.
 * Entries that left early stay linked until the head passes them (state Gone). A list, not an array:
 * the first request of every new pool waits for its connection (issue #14).
 */
class PoolWaiting {
  first: PendingStream | null = null;
  last: PendingStream | null = null;
  live = 0;
  connecting = 0;
}
