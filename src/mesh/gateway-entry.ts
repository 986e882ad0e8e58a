import { selectorMatches } from '../config/labels.js';
import type { Rng } from '../engine/index.js';
import {
  ActiveRequest,
  cloneRequest,
  type DownstreamCallbacks,
  type HttpRequest,
  type HttpResponse,
  ResponseFlag,
  type RequestInfo,
} from '../envoy/index.js';
import type { GatewayTarget } from '../config/resolve/gateway-target.js';
import type { Pod } from './pod.js';
import type { InboundExchange } from './wire.js';
import type { World } from './world.js';

/** Workers per gateway pod encoded in a connection token (token = pod index * this + worker). */
const WORKER_SLOTS = 1024;

const NO_INFO: RequestInfo = { cluster: null, attempts: 0, upstreamPod: null };

/**
 * How a client outside the mesh (no sidecar) reaches an ingress gateway: through the gateway Service's
 * load balancer to one ready gateway pod per connection, then that pod's Envoy (the same proxy as a
 * sidecar) routes the request with the gateway's route configuration. The load generator sees the
 * same interface as its own sidecar (`acceptWorker`, `outbound`).
 *
 * NOTE: simplification: the cloud load balancer / kube-proxy picks a ready gateway pod uniformly per
 * connection (its own random stream); a fortio connection whose pod stopped being ready picks again for
 * its next request instead of failing once. The gateway's request duration starts when the client sends,
 * so it includes the client-to-gateway network leg.
 */
export class GatewayEntry {
  private readonly lb: Rng;
  private pods: Pod[] = [];
  private scanned = 0;

  constructor(
    private readonly world: World,
    private readonly client: Pod,
    private readonly target: GatewayTarget,
  ) {
    this.lb = world.streams.stream(`gateway-lb/${client.name}`);
  }

  /** A new downstream connection: a gateway pod and the worker of that pod's Envoy, as one token. */
  acceptWorker(): number {
    const i = this.pick();
    if (i < 0) return -1;
    return i * WORKER_SLOTS + this.world.sidecarOf(this.pods[i]!).acceptWorker();
  }

  /**
   * Sends `request` to the gateway on the connection `token`: the network leg and the proxy hop, then the
   * gateway's router. Null when no gateway pod accepts the connection (answered 503 UF after the round trip).
   */
  outbound(request: HttpRequest, downstream: DownstreamCallbacks, token: number): ActiveRequest | null {
    const w = this.world;
    let i = token < 0 ? -1 : Math.floor(token / WORKER_SLOTS);
    let worker = token < 0 ? 0 : token % WORKER_SLOTS;
    if (i < 0 || !usable(this.pods[i]!)) {
      i = this.pick();
      if (i >= 0) worker = w.sidecarOf(this.pods[i]!).acceptWorker();
    }
    const listener = this.target.listenerPort(request.port);
    if (i < 0 || listener === undefined) {
      const refused = new Refused(downstream);
      w.sim.schedule(2 * w.network.oneWayMs(this.client, this.client), Refused.deliver, refused);
      return null;
    }
    const pod = this.pods[i]!;
    request.port = listener;
    const back = new GatewayDownstream(w, pod, this.client, downstream);
    const r = new ActiveRequest(w.sidecarOf(pod), request, back, worker);
    w.sim.schedule(w.network.oneWayMs(this.client, pod) + w.sidecarLatencyMs(), GatewayEntry.onArrive, r);
    return r;
  }

  private static onArrive(r: ActiveRequest): void {
    r.start();
  }

  /** A uniformly chosen ready, listening gateway pod (index into `pods`), or -1. */
  private pick(): number {
    this.refresh();
    let n = 0;
    for (const p of this.pods) if (usable(p)) n++;
    if (n === 0) return -1;
    let k = this.lb.uint32() % n;
    for (let i = 0; i < this.pods.length; i++) {
      if (!usable(this.pods[i]!)) continue;
      if (k-- === 0) return i;
    }
    return -1;
  }

  /** Gateway pods are only ever appended to the world (scale-ups): scan the new ones once. */
  private refresh(): void {
    const all = this.world.pods;
    const t = this.target;
    for (; this.scanned < all.length; this.scanned++) {
      const p = all[this.scanned]!;
      if (p.namespace !== t.namespace || !this.world.gateways.isGateway(p)) continue;
      if (selectorMatches(t.selector, p.labels)) this.pods.push(p);
    }
  }
}

function usable(p: Pod): boolean {
  return p.ready && p.listening && !p.endpointsRemoved;
}

/** The gateway's (or a waypoint's, waypoint.ts) response travels back to the client over the network. */
export class GatewayDownstream implements DownstreamCallbacks {
  private response: HttpResponse | null = null;
  private info: RequestInfo = NO_INFO;

  constructor(
    private readonly world: World,
    private readonly from: Pod,
    private readonly to: Pod,
    private readonly client: DownstreamCallbacks,
  ) {}

  onResponse(response: HttpResponse, info: RequestInfo): void {
    this.response = response;
    this.info = info;
    this.world.sim.schedule(this.world.network.oneWayMs(this.from, this.to), GatewayDownstream.deliver, this);
  }

  private static deliver(d: GatewayDownstream): void {
    d.client.onResponse(d.response!, d.info);
  }
}

/** No gateway pod accepted the connection: the client sees it fail (no Envoy answered). */
class Refused {
  constructor(readonly downstream: DownstreamCallbacks) {}
  static deliver(x: Refused): void {
    x.downstream.onResponse(
      { status: 503, flags: ResponseFlag.UF, details: 'no gateway pod accepted the connection' },
      NO_INFO,
    );
  }
}

/**
 * A request a sidecar sent to a gateway pod (through the gateway Service): the gateway's Envoy routes it
 * with its own route configuration, after its proxy hop, and answers on the exchange.
 * NOTE: simplification: the server-side hop latency was already applied on arrival (wire.ts), so the
 * gateway adds none of its own; gateways report no reporter=destination series in Istio, meshsim
 * records the exchange's answer like any server pod's.
 */
export class InMeshGatewayRequest implements DownstreamCallbacks {
  private readonly active: ActiveRequest;

  constructor(
    private readonly x: InboundExchange,
    listenerPort: number,
  ) {
    // A copy: the caller's sidecar still holds its request (retries, mirrors) with the Service port.
    const request = cloneRequest(x.request);
    request.port = listenerPort;
    const sidecar = x.world.sidecarOf(x.to);
    this.active = new ActiveRequest(sidecar, request, this, sidecar.acceptWorker());
  }

  start(): void {
    this.active.start();
  }

  /** Response flags are the gateway Envoy's own (its access log): the caller's sidecar sees none. */
  onResponse(response: HttpResponse, _info: RequestInfo): void {
    this.x.respond({ ...response, flags: 0 });
  }
}
