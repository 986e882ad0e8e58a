import { GATEWAY_NAME_LABEL, type WaypointConfig } from '../config/resolve/ambient.js';
import type { Rng } from '../engine/index.js';
import {
  ActiveRequest,
  type DownstreamCallbacks,
  type HttpRequest,
  type HttpResponse,
  type RequestInfo,
} from '../envoy/index.js';
import type { AmbientMesh } from './ambient.js';
import type { OutboundStream } from './ambient-entry.js';
import { GatewayDownstream } from './gateway-entry.js';
import { WaypointDirect } from './waypoint-direct.js';
import type { Pod } from './pod.js';
import type { World } from './world.js';
import { ZtunnelStream } from './ztunnel.js';
import { ztunnelPick } from './ztunnel-load-balancing.js';

/** The labels istiod's waypoint template puts on a waypoint's pods (istio-discovery files/waypoint.yaml). */
export function waypointPodLabels(name: string): Record<string, string> {
  return { [GATEWAY_NAME_LABEL]: name, 'gateway.istio.io/managed': 'istio.io-mesh-controller' };
}

/**
 * One waypoint: its Deployment's pods, each running the same Envoy as a sidecar (Sidecar: router,
 * clusters, pools, circuit breakers, outlier detectors, stats) with a waypoint placement. The route
 * configuration is the mesh's (VirtualServices bound to `mesh`, HTTPRoutes translated by istiod), and
 * every client whose traffic ztunnel sends here shares the pod's limits: a DestinationRule's
 * connectionPool and outlierDetection count per waypoint replica, not per client (istio.io,
 * "Configure waypoint proxies"; pilot/pkg/networking/core/cluster_waypoint.go builds the waypoint's
 * clusters from the Service's DestinationRule).
 *
 * NOTE: simplification: the client sees the waypoint's response flags in meshsim's client table, as an
 * ingress gateway's external client does (a real ambient client sees only the status).
 * Its clusters for the Services it serves carry istiod's `inbound-vip|...` names (waypoint-clusters.ts).
 * NOTE: simplification: the route configuration is the one a sidecar in the waypoint's namespace gets,
 * not only the bound Services' routes.
 */
export class WaypointProxy {
  readonly pods: Pod[] = [];
  /** The requests each waypoint pod's Envoy holds: a crash of the pod resets them. */
  private readonly inFlight = new Map<Pod, Set<Tracked>>();
  /** ztunnel's view of the waypoint's pods: the ready ones (a crashed pod stays listed until unready). */
  private readonly podAt = (i: number): Pod | null => {
    const p = this.pods[i]!;
    return p.ready ? p : null;
  };

  constructor(
    private readonly world: World,
    private readonly ambient: AmbientMesh,
    readonly config: WaypointConfig,
  ) {}

  /**
   * A client ztunnel sends `request` here: ztunnel picks a ready waypoint pod at random, as for any
   * Service [ztunnel src/state.rs load_balance, ServiceResolutionMode::Waypoint], tunnels it over HBONE
   * (client node's ztunnel, the network), and the waypoint's Envoy routes it after its proxy hop. No
   * ready waypoint pod: the connection is reset.
   */
  enter(client: Pod, request: HttpRequest, downstream: DownstreamCallbacks, lb: Rng): OutboundStream {
    const w = this.world;
    const i = ztunnelPick(client, this.pods.length, this.podAt, 'any', lb);
    if (i < 0) {
      const s = new ZtunnelStream(w, client, downstream);
      s.start(null, request, this.ambient);
      return s;
    }
    const pod = this.pods[i]!;
    if (!pod.listening) {
      // A crashed replica ztunnel still lists: its connection is refused, the client's reset.
      const s = new ZtunnelStream(w, client, downstream);
      s.start(null, request, this.ambient);
      return s;
    }
    const sidecar = w.sidecarOf(pod);
    this.ambient.noteSource(request, client);
    let held = this.inFlight.get(pod);
    if (held === undefined) this.inFlight.set(pod, (held = new Set()));
    const back = new Tracked(held, pod, new GatewayDownstream(w, pod, client, downstream));
    const r = new ActiveRequest(sidecar, request, back, sidecar.acceptWorker());
    back.request = r;
    held.add(back);
    w.sim.schedule(
      this.ambient.ztunnelLatencyMs() + w.network.oneWayMs(client, pod) + w.sidecarLatencyMs(),
      WaypointProxy.onArrive,
      back,
    );
    return r;
  }

  /**
   * A client ztunnel sends a request addressed to `to`'s IP here (its workload waypoint): any ready
   * waypoint pod, then the direct pod access chain (waypoint-direct.ts). No ready waypoint pod: a reset.
   */
  enterWorkload(
    client: Pod,
    to: Pod,
    request: HttpRequest,
    downstream: DownstreamCallbacks,
    lb: Rng,
  ): OutboundStream {
    const i = ztunnelPick(client, this.pods.length, this.podAt, 'any', lb);
    if (i < 0 || !this.pods[i]!.listening) {
      const s = new ZtunnelStream(this.world, client, downstream);
      s.start(null, request, this.ambient);
      return s;
    }
    const d = new WaypointDirect(this.world, this.ambient, client, this.pods[i]!, to, request, downstream);
    d.start();
    return d;
  }

  /**
   * A waypoint pod crashed (chaos): its Envoy's requests are lost, each client sees its connection reset
   * (status 0; the client table shows the waypoint's DC flag, as for any waypoint response flag).
   */
  onPodDown(pod: Pod): void {
    const held = this.inFlight.get(pod);
    if (held === undefined) return;
    for (const t of [...held]) t.request?.cancelFromDownstream();
    held.clear();
  }

  private static onArrive(t: Tracked): void {
    // The replica crashed while the request was on its way: nothing accepts it.
    if (!t.pod.listening) return t.request!.cancelFromDownstream();
    t.request!.start();
  }
}

/** A client's request held by a waypoint pod's Envoy, forgotten when its answer leaves. */
class Tracked implements DownstreamCallbacks {
  request: ActiveRequest | null = null;
  constructor(
    private readonly held: Set<Tracked>,
    readonly pod: Pod,
    private readonly inner: DownstreamCallbacks,
  ) {}
  onResponse(response: HttpResponse, info: RequestInfo): void {
    this.held.delete(this);
    this.inner.onResponse(response, info);
  }
}
