import type {
  ConnectCallbacks,
  Endpoint,
  HttpRequest,
  HttpResponse,
  StreamCallbacks,
  UpstreamTransport,
  WireStream,
} from '../envoy/index.js';
import { ResponseFlag } from '../envoy/index.js';
import type { AppContainer } from './app-container.js';
import { InboundListener } from './inbound-listener.js';
import { KeepalivePing } from './keepalive-ping.js';
import { InboundRequest } from './inbound-router.js';
import { acceptAmbient } from './ztunnel-inbound.js';
import { Dataplane, type Pod, PodState } from './pod.js';
import type { World } from './world.js';

export interface ParsedUrl {
  host: string;
  port: number;
  /** Host header as a client sends it: host, plus `:port` when the URL has one. */
  authority: string;
  path: string;
}

const parsedUrls = new Map<string, ParsedUrl>();

/**
 * Splits `http://reviews.production:9080/reviews?x=1` (no network lookups). Cached: a model sends
 * millions of requests to a handful of URLs. Callers must not mutate the result.
 */
export function parseUrl(url: string): ParsedUrl {
  let u = parsedUrls.get(url);
  if (u === undefined) {
    u = parseUrlUncached(url);
    if (parsedUrls.size < 10_000) parsedUrls.set(url, u);
  }
  return u;
}

function parseUrlUncached(url: string): ParsedUrl {
  const m = /^(https?):\/\/([^/:?#]+)(?::(\d+))?([^#]*)/.exec(url);
  if (m === null) return { host: '', port: 80, authority: '', path: '/' };
  const port = m[3] !== undefined ? Number(m[3]) : m[1] === 'https' ? 443 : 80;
  return { host: m[2]!, port, authority: m[3] !== undefined ? `${m[2]}:${m[3]}` : m[2]!, path: m[4] || '/' };
}

/**
 * One request's trip from a client sidecar to a server pod and back: network, the server's inbound
 * sidecar, the app, and the response (or a reset) on the way back.
 *
 * The server sidecar interposes its inbound cluster (inbound-router.ts) only when one is in force: a
 * connection pool istiod sets on it (DestinationRule, mesh default or Sidecar), or the app container
 * crashed while the proxy runs. Otherwise the request goes straight to the app: with no limits the inbound
 * pool changes nothing, and the hot path stays as cheap as before.
 */
/** InboundExchange's yes/no facts, bits of one field (a field is 8 bytes of every request). */
const CANCELLED = 1;
const FINISHED = 2;
const IN_SERVICE = 4;

export class InboundExchange implements WireStream {
  arrivedMs = 0;
  /** Status of a failed downstream call the app propagates (0 = none). */
  callFailure = 0;
  app: AppContainer | null = null;
  /** CANCELLED | FINISHED | IN_SERVICE. */
  private facts = 0;
  /**
   * Links of the app container's in-service list (intrusive: no Set entry per request). `inService`
   * tells a request still in service from one a crash reset meanwhile.
   */
  prevInService: InboundExchange | null = null;
  nextInService: InboundExchange | null = null;
  /** Set while the server sidecar's inbound cluster carries this request: its stream to the app. */
  appSide: StreamCallbacks | null = null;
  /** The server sidecar's router for this request, when it goes through the inbound cluster. */
  inbound: InboundRequest | null = null;
  private response: HttpResponse | null = null;

  constructor(
    readonly world: World,
    readonly from: Pod,
    readonly to: Pod,
    readonly request: HttpRequest,
    private cb: StreamCallbacks,
    /** The endpoint the client connected to (its port names the inbound cluster). */
    readonly endpoint: Endpoint,
  ) {}

  get inService(): boolean {
    return (this.facts & IN_SERVICE) !== 0;
  }

  set inService(v: boolean) {
    this.facts = v ? this.facts | IN_SERVICE : this.facts & ~IN_SERVICE;
  }

  /**
   * The client gave up on this stream: a late response is dropped. The app does not notice; the server
   * sidecar, when it carries the request, resets its side (frees its pool slot).
   */
  cancel(): void {
    this.facts |= CANCELLED;
    this.inbound?.onDownstreamReset();
  }

  /**
   * The request reached the server pod and went through its inbound sidecar hop (one event for both: the
   * network and the hop are consecutive delays). The pod's state is checked at this instant.
   */
  static onArrive(x: InboundExchange): void {
    const to = x.to;
    if (!to.reachable) return; // black hole: the sender's timeouts decide
    if (!to.proxyListening) {
      // The connection this request rode on is dead (the pod crashed since): the peer resets it.
      x.world.sim.schedule(x.world.network.oneWayMs(to, x.from), InboundExchange.onReset, x);
      return;
    }
    if (x.world.gateways.isGateway(to)) return x.world.gateways.accept(x); // its Envoy answers
    x.arrivedMs = x.world.sim.now;
    if (to.dataplane === Dataplane.Ambient) return acceptAmbient(x); // no sidecar: its node's ztunnel
    let l = to.inbound;
    if (l === null) l = to.inbound = new InboundListener(x.world, to);
    // Two field reads on the hot path when no pool limits this pod and its app runs.
    if (l.pooled || to.state !== PodState.Running) {
      const ic = l.clusterFor(x.endpoint);
      if (ic !== null) {
        x.inbound = new InboundRequest(ic, x);
        x.inbound.start();
        return;
      }
    }
    const app = x.world.appOf(to);
    if (app === undefined) return x.resetDownstream();
    x.app = app;
    app.handle(x);
  }

  /** The app answers: to the sidecar's stream when it carries the request, else straight back. */
  respond(r: HttpResponse): void {
    const up = this.appSide;
    if (up !== null) {
      this.appSide = null;
      up.onUpstreamResponse(r);
      return;
    }
    if (this.inbound !== null) return; // the sidecar already answered (or reset) this request
    this.sendDownstream(r, 0);
  }

  /**
   * The server side's answer leaves the pod. `serverFlags`: the response flags the server sidecar reports
   * (Istio's reporter=destination); the client sees none of them (to it this is an upstream response).
   */
  sendDownstream(r: HttpResponse, serverFlags: number): void {
    if ((this.facts & FINISHED) !== 0) return;
    this.facts |= FINISHED;
    this.world.recorder.onServerResponse(this, r.status, serverFlags);
    this.response = r;
    this.world.sim.schedule(
      this.world.network.oneWayMs(this.to, this.from),
      InboundExchange.onResponse,
      this,
    );
  }

  /**
   * The app container died with this request in it. With the sidecar still up (only the container
   * crashed) the sidecar answers 503 UC (Envoy's local reply for an upstream connection termination);
   * with the pod gone the client's connection is reset.
   * NOTE: simplification: when no inbound cluster carried the request, that 503 UC is not counted in an
   * `inbound|PORT||` cluster's stats (only in Istio's reporter=destination metrics).
   */
  reset(): void {
    const up = this.appSide;
    if (up !== null) {
      this.appSide = null;
      up.onUpstreamReset('connection-termination');
      return;
    }
    if (this.inbound !== null) return;
    if (this.to.proxyListening)
      return this.sendDownstream(
        {
          status: 503,
          flags: 0,
          details:
            'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
        },
        ResponseFlag.UC,
      );
    this.resetDownstream();
  }

  /** The client's connection to this pod is reset under the request. */
  resetDownstream(): void {
    if ((this.facts & FINISHED) !== 0) return;
    this.facts |= FINISHED;
    this.world.sim.schedule(this.world.network.oneWayMs(this.to, this.from), InboundExchange.onReset, this);
  }

  private static onResponse(x: InboundExchange): void {
    const cb = x.cb;
    // Delivered: drop the link to the client's request so a finished exchange retains nothing (issue #14).
    x.cb = DELIVERED;
    x.inbound = null;
    if ((x.facts & CANCELLED) === 0) cb.onUpstreamResponse(x.response!);
  }

  private static onReset(x: InboundExchange): void {
    x.inbound = null;
    if ((x.facts & CANCELLED) === 0) x.cb.onUpstreamReset('connection-termination');
  }
}

/** The callbacks of an exchange whose response was delivered (nothing can follow it). */
const DELIVERED: StreamCallbacks = { onUpstreamResponse() {}, onUpstreamReset() {} };

/**
 * The established connections to one pod, oldest first, as an intrusive list through the connections
 * themselves: tracking costs two links and a bit per connection and nothing per entry, where a Set per
 * pod rehashed as it grew to thousands of entries in a 1,000-pod mesh (issue #14).
 */
export class ConnectionList {
  head: Connection | null = null;
  tail: Connection | null = null;

  append(c: Connection): void {
    c.facts |= TRACKED;
    c.prev = this.tail;
    c.next = null;
    if (this.tail === null) this.head = c;
    else this.tail.next = c;
    this.tail = c;
  }

  /** `c` must be in this list (tracked). */
  remove(c: Connection): void {
    if (c.prev === null) this.head = c.next;
    else c.prev.next = c.next;
    if (c.next === null) this.tail = c.prev;
    else c.next.prev = c.prev;
    c.prev = c.next = null;
    c.facts &= ~TRACKED;
  }

  /**
   * Empties the list and hands every connection to `each`, oldest first. Each is detached before any
   * callback runs, so a callback that untracks a later one of them changes nothing (it is still handed
   * over), as when iterating a Set already removed from its map.
   */
  drain(each: (c: Connection) => void): void {
    const first = this.head;
    this.head = this.tail = null;
    for (let c = first; c !== null; c = c.next) c.facts &= ~TRACKED;
    let c = first;
    while (c !== null) {
      const next = c.next;
      c.prev = c.next = null;
      each(c);
      c = next;
    }
  }
}

/** Connection's yes/no facts, bits of one field. */
const CLOSED = 1;
/** In the world's list of established connections to `to` (world.trackConnection). */
const TRACKED = 2;

/**
 * A TCP + mTLS connection attempt from a sidecar to a pod. A used (sidecar, endpoint) pair keeps its
 * connection for the whole run (Istio's idle timeout is 1 h), so it holds what it needs and no more
 * (issue #14): the transport it was opened through (the world and the sending pod), its peer and client,
 * its place among the connections to the peer, and one field of facts.
 */
class Connection implements WireStream {
  /** CLOSED | TRACKED. */
  facts = 0;
  /** Neighbours among the established connections to `to` while tracked (ConnectionList). */
  prev: Connection | null = null;
  next: Connection | null = null;
  constructor(
    readonly transport: MeshTransport,
    readonly to: Pod,
    readonly cb: ConnectCallbacks,
  ) {}

  get closed(): boolean {
    return (this.facts & CLOSED) !== 0;
  }

  /** In the world's list of established connections to `to`. */
  get tracked(): boolean {
    return (this.facts & TRACKED) !== 0;
  }

  /** Closed under its client (its peer went away); the caller has untracked it. */
  markClosed(): void {
    this.facts |= CLOSED;
  }

  cancel(): void {
    this.facts |= CLOSED;
    if ((this.facts & TRACKED) !== 0) this.transport.world.untrackConnection(this);
  }

  static onSynReply(c: Connection): void {
    if ((c.facts & CLOSED) !== 0) return;
    // The sidecar owns the pod's listening sockets: it accepts while the pod runs, app container or not.
    if (!c.to.proxyListening) return c.cb.onConnectFailed('connection-failure'); // RST: refused
    // TLS 1.3 (Istio mTLS) adds one more round trip before the first request can go.
    const { world: w, from } = c.transport;
    w.sim.schedule(
      w.network.oneWayMs(from, c.to) + w.network.oneWayMs(c.to, from),
      Connection.onHandshakeDone,
      c,
    );
  }

  static onHandshakeDone(c: Connection): void {
    if ((c.facts & CLOSED) !== 0) return;
    if (!c.to.proxyListening) return c.cb.onConnectFailed('connection-failure');
    c.transport.world.trackConnection(c);
    c.cb.onConnected();
  }
}

export type { Connection };

/** The data plane's view of the network from one pod's sidecar. */
export class MeshTransport implements UpstreamTransport {
  constructor(
    readonly world: World,
    readonly from: Pod,
  ) {}

  connect(endpoint: Endpoint, cb: ConnectCallbacks): WireStream {
    const w = this.world;
    const to = w.podOfEndpoint(endpoint);
    const c = new Connection(this, to, cb);
    // SYN out and SYN-ACK (or RST) back; an unreachable pod never answers: the connect timeout decides.
    if (to.reachable)
      w.sim.schedule(
        w.network.oneWayMs(this.from, to) + w.network.oneWayMs(to, this.from),
        Connection.onSynReply,
        c,
      );
    return c;
  }

  send(endpoint: Endpoint, request: HttpRequest, cb: StreamCallbacks): WireStream {
    const w = this.world;
    const x = new InboundExchange(w, this.from, w.podOfEndpoint(endpoint), request, cb, endpoint);
    w.sim.schedule(w.network.oneWayMs(this.from, x.to) + w.inboundHopMs(x.to), InboundExchange.onArrive, x);
    return x;
  }

  /** An HTTP/2 keepalive PING to the endpoint's sidecar (keepalive-ping.ts). */
  ping(endpoint: Endpoint, onAck: () => void): WireStream {
    const w = this.world;
    return KeepalivePing.send(w, this.from, w.podOfEndpoint(endpoint), w.keepaliveRng, onAck);
  }
}
