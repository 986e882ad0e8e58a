import type { HttpRequest } from '../../http.js';
import type { Host } from '../host.js';
import type { ResetReason, StreamCallbacks, UpstreamTransport, WireStream } from '../transport.js';
import type { Cancellable, ConnPool, PoolCallbacks, PoolStream } from './conn-pool.js';

/**
 * A pool that never queues and never limits: every request gets a stream at once and the transport
 * reports a connect failure as a reset on the stream.
 *
 * NOTE: simplification: no connection setup cost, reuse, pending queue or connection limits. The HTTP/1.1
 * and HTTP/2 pools of envoy/upstream/conn-pool replace it where circuit breakers matter.
 */
export class PassThroughPool implements ConnPool {
  activeConnections = 0;

  constructor(
    private readonly host: Host,
    private readonly transport: UpstreamTransport,
  ) {}

  newStream(cb: PoolCallbacks): Cancellable | null {
    cb.onPoolReady(new PassThroughStream(this.host, this.transport));
    return null;
  }
}

class PassThroughStream implements PoolStream {
  private wire: WireStream | null = null;
  constructor(
    private readonly host: Host,
    private readonly transport: UpstreamTransport,
  ) {}
  send(request: HttpRequest, cb: StreamCallbacks): void {
    this.wire = this.transport.send(this.host.endpoint, request, cb);
  }
  done(): void {
    this.wire = null;
  }
  reset(_reason: ResetReason): void {
    this.wire?.cancel();
    this.wire = null;
  }
}
