import type { HttpRequest, HttpResponse } from '../../http.js';
import type { ResetReason, StreamCallbacks, WireStream } from '../transport.js';
import type { ActiveClient } from './active-client.js';
import type { Cancellable, PoolCallbacks, PoolStream } from './conn-pool.js';
import type { HttpConnPool } from './http-conn-pool.js';

/** Lifecycle of a request queued in a pool (Envoy's PendingStream). */
export enum PendingState {
  Waiting,
  /** Attached to a connection, failed, or cancelled: the queue skips it. */
  Gone,
}

/**
 * A request waiting for a connection (Envoy's PendingStream). Holds one `pendingRequests` resource and
 * one `upstream_rq_pending_active` while Waiting.
 */
export class PendingStream implements Cancellable {
  state = PendingState.Waiting;
  /** The next request queued after it (the pool's FIFO is intrusive: no array per pool; issue #14). */
  next: PendingStream | null = null;
  constructor(
    readonly pool: HttpConnPool,
    readonly cb: PoolCallbacks,
  ) {}

  cancel(): void {
    if (this.state === PendingState.Waiting) this.pool.onPendingStreamCancel(this);
  }
}

/** Lifecycle of a stream on a connection. */
export enum StreamState {
  /** Handed to the caller by onPoolReady; not sent yet. */
  Attached,
  /** Request on the wire, awaiting the response. */
  Sent,
  Closed,
}

/**
 * A request/response exchange bound to one connection (Envoy's codec stream seen through the pool). It
 * sits between the caller and the transport so the pool learns when the connection's capacity frees up.
 */
export class ActiveStream implements PoolStream, StreamCallbacks {
  state = StreamState.Attached;
  cb: StreamCallbacks | null = null;
  wire: WireStream | null = null;
  /** Neighbours in its connection's stream list, newest first (ActiveClient.streamHead; next: older). */
  prev: ActiveStream | null = null;
  next: ActiveStream | null = null;

  constructor(readonly client: ActiveClient) {}

  send(request: HttpRequest, cb: StreamCallbacks): void {
    if (this.state !== StreamState.Attached) return;
    this.cb = cb;
    this.state = StreamState.Sent;
    const pool = this.client.pool;
    this.wire = pool.cluster.ctx.transport.send(pool.host.endpoint, request, this);
  }

  onUpstreamResponse(response: HttpResponse): void {
    if (this.state !== StreamState.Sent) return;
    this.wire = null;
    this.client.onFrameReceived();
    this.cb!.onUpstreamResponse(response);
    // The caller normally calls done() itself; this covers callers that do not.
    this.done();
  }

  onUpstreamReset(reason: ResetReason): void {
    if (this.state !== StreamState.Sent) return;
    this.wire = null;
    this.client.pool.onStreamRemoteReset(this, reason);
  }

  done(): void {
    if (this.state === StreamState.Closed) return;
    this.state = StreamState.Closed;
    this.wire = null;
    // Let go of the request: the server side's exchange still points here until it is collected, and
    // through it a finished request's whole graph would survive young-generation GCs (issue #14).
    this.cb = null;
    this.client.pool.onStreamClosed(this);
  }

  reset(_reason: ResetReason): void {
    if (this.state === StreamState.Closed) return;
    this.state = StreamState.Closed;
    this.wire?.cancel();
    this.wire = null;
    this.client.pool.onStreamLocalReset(this);
  }
}

export type { HttpConnPool };
