import { GATEWAY_NAME_LABEL, type WaypointConfig } from '../config/resolve/ambient.js';
import type { Rng } from '../engine/index.js';
import { ActiveRequest, type DownstreamCallbacks, type HttpRequest } from '../envoy/index.js';
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
  private readonly podAt = (i: number): Pod | null => {
    const p = this.pods[i]!;
    return p.ready && p.listening ? p : null;
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
    const sidecar = w.sidecarOf(pod);
    this.ambient.noteSource(request, client);
    const back = new GatewayDownstream(w, pod, client, downstream);
    const r = new ActiveRequest(sidecar, request, back, sidecar.acceptWorker());
    w.sim.schedule(
      this.ambient.ztunnelLatencyMs() + w.network.oneWayMs(client, pod) + w.sidecarLatencyMs(),
      WaypointProxy.onArrive,
      r,
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
    if (i < 0) {
      const s = new ZtunnelStream(this.world, client, downstream);
      s.start(null, request, this.ambient);
      return s;
    }
    const d = new WaypointDirect(this.world, this.ambient, client, this.pods[i]!, to, request, downstream);
    d.start();
    return d;
  }

  private static onArrive(r: ActiveRequest): void {
    r.start();
  }
}
