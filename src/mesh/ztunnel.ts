import type { ServiceConfig } from '../config/types.js';
import type { Rng } from '../engine/index.js';
import type {
  DownstreamCallbacks,
  Endpoint,
  HttpRequest,
  HttpResponse,
  RequestInfo,
  StreamCallbacks,
} from '../envoy/index.js';
import type { AmbientMesh } from './ambient.js';
import type { OutboundEntry, OutboundStream } from './ambient-entry.js';
import type { Pod } from './pod.js';
import { InboundExchange } from './wire.js';
import type { World } from './world.js';
import { ztunnelPick } from './ztunnel-load-balancing.js';

const NO_INFO: RequestInfo = { cluster: null, attempts: 0, upstreamPod: null };

/**
 * What an app sees when ztunnel has nowhere to send its connection (no Service behind the name, no
 * healthy endpoint) or the connection breaks: a reset, not an HTTP answer (ztunnel parses no HTTP).
 * NOTE: simplification: status 0 stands for "no HTTP response" (apps treat it as a failed call).
 */
export const ZTUNNEL_RESET: HttpResponse = { status: 0, flags: 0, details: 'connection reset (ztunnel)' };

/**
 * The outbound side of the ztunnel on an ambient pod's node, as that pod's apps see it (istio.io,
 * "Ambient data plane": captured traffic goes to the node's ztunnel, which tunnels it over HBONE, mTLS
 * in HTTP CONNECT, to the destination's node). Service-addressed traffic goes to the Service's waypoint
 * when it has one [ztunnel src/proxy/outbound.rs: "if we have a waypoint for this svc, use it"], else
 * ztunnel picks an endpoint itself, at L4 (ztunnel-load-balancing.ts): no HTTP routing, no retries, no
 * DestinationRule, no outlier detection.
 *
 * NOTE: simplification: ztunnel balances connections; meshsim picks per request, as if every request
 * opened its own connection (a client's keep-alive connection would stay on one endpoint). HBONE
 * connection setup is not modelled (ztunnel pools its tunnels): each request pays one ztunnel hop on
 * each node.
 */
export class ZtunnelOutbound implements OutboundEntry {
  private readonly lb: Rng;
  /** The Service each Host header names from this pod's namespace (null: none), looked up once. */
  private readonly services = new Map<string, ServiceConfig | null>();
  /** The pod each IP authority addresses (null: none), looked up once. */
  private readonly addressed = new Map<string, Pod | null>();
  private eps: readonly Endpoint[] = [];
  private readonly podAt = (k: number): Pod | null => this.world.podOfEndpoint(this.eps[k]!);

  constructor(
    private readonly world: World,
    private readonly ambient: AmbientMesh,
    readonly pod: Pod,
  ) {
    this.lb = world.streams.stream(`ztunnel-lb/${pod.name}`);
  }

  /** ztunnel has no Envoy workers: the token is unused. */
  acceptWorker(): number {
    return 0;
  }

  outbound(request: HttpRequest, downstream: DownstreamCallbacks): OutboundStream | null {
    let svc = this.services.get(request.authority);
    if (svc === undefined)
      this.services.set(request.authority, (svc = this.ambient.serviceFor(this.pod, request)));
    if (svc !== null) {
      const wp = this.ambient.waypointOf(svc);
      if (wp !== undefined) return wp.enter(this.pod, request, downstream, this.lb);
    } else {
      let to = this.addressed.get(request.authority);
      if (to === undefined)
        this.addressed.set(request.authority, (to = this.ambient.podAddressed(request.authority)));
      if (to !== null) return this.toPod(to, request, downstream);
    }
    const s = new ZtunnelStream(this.world, this.pod, downstream);
    s.start(svc === null ? null : this.pick(svc, request.port), request, this.ambient);
    return s;
  }

  /**
   * Traffic addressed to a pod's IP: through the pod's workload waypoint when it has one, else straight
   * to the pod (at L4, ready or not: an IP is dialled, no endpoint list is consulted). A Service's
   * waypoint never applies here, and a workload waypoint never applies to Service-addressed traffic
   * [ztunnel src/proxy/outbound.rs: "Don't traverse waypoint if traffic was addressed to a service"].
   */
  private toPod(to: Pod, request: HttpRequest, downstream: DownstreamCallbacks): OutboundStream {
    const wp = this.ambient.workloadWaypointOf(to);
    if (wp !== undefined) return wp.enterWorkload(this.pod, to, request, downstream, this.lb);
    const s = new ZtunnelStream(this.world, this.pod, downstream);
    s.start(this.world.endpoint(to, request.port), request, this.ambient);
    return s;
  }

  /** ztunnel's endpoint for a connection to `svc:port` (ready endpoints, trafficDistribution). */
  private pick(svc: ServiceConfig, port: number): Endpoint | null {
    const eps = this.world.endpointSource(svc.fqdn, port).endpoints;
    this.eps = eps;
    const i = ztunnelPick(this.pod, eps.length, this.podAt, this.ambient.distributionOf(svc), this.lb);
    return i < 0 ? null : eps[i]!;
  }
}

/** One request carried at L4 from a client ztunnel to a server pod (through the server's ztunnel). */
export class ZtunnelStream implements StreamCallbacks, OutboundStream {
  private x: InboundExchange | null = null;
  private done = false;
  private ambient: AmbientMesh | null = null;

  constructor(
    private readonly world: World,
    private readonly from: Pod,
    private readonly downstream: DownstreamCallbacks,
  ) {}

  start(endpoint: Endpoint | null, request: HttpRequest, ambient: AmbientMesh): void {
    const w = this.world;
    this.ambient = ambient;
    if (endpoint === null) {
      // Nothing to connect to: the app's connection is reset by its local ztunnel.
      w.sim.schedule(ambient.ztunnelLatencyMs(), ZtunnelStream.onReset, this);
      return;
    }
    const to = w.podOfEndpoint(endpoint);
    const x = new InboundExchange(w, this.from, to, request, this, endpoint);
    this.x = x;
    ambient.metrics.onOpen(this.from, to, request, w.sim.now);
    // Client node's ztunnel, the network, the server node's ztunnel (one hop each).
    w.sim.schedule(
      ambient.ztunnelLatencyMs() + w.network.oneWayMs(this.from, to) + ambient.ztunnelLatencyMs(),
      InboundExchange.onArrive,
      x,
    );
  }

  onUpstreamResponse(r: HttpResponse): void {
    if (this.done) return;
    this.done = true;
    this.closed();
    // ztunnel forwards bytes: the app sees the server's answer as it is, with no proxy flags.
    this.downstream.onResponse(r, NO_INFO);
  }

  onUpstreamReset(): void {
    if (this.done) return;
    this.done = true;
    this.closed();
    this.downstream.onResponse(ZTUNNEL_RESET, NO_INFO);
  }

  cancelFromDownstream(): void {
    if (this.done) return;
    this.done = true;
    this.closed();
    this.x?.cancel();
  }

  private closed(): void {
    const x = this.x;
    if (x !== null) this.ambient!.metrics.onClose(x.from, x.to, x.request);
  }

  private static onReset(s: ZtunnelStream): void {
    s.onUpstreamReset();
  }
}
