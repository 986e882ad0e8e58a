import type { DownstreamCallbacks, HttpRequest, HttpResponse, RequestInfo } from '../envoy/index.js';
import type { AmbientMesh } from './ambient.js';
import type { OutboundStream } from './ambient-entry.js';
import type { Pod } from './pod.js';
import type { World } from './world.js';
import { ZtunnelStream } from './ztunnel.js';

const NO_INFO: RequestInfo = { cluster: null, attempts: 0, upstreamPod: null };

/**
 * A request addressed to a pod's IP whose pod uses a workload waypoint: the client's ztunnel sends it to
 * the waypoint [ztunnel src/proxy/outbound.rs: "Check if we need to go through a workload addressed
 * waypoint"], whose Envoy takes it on its direct pod access chain (istiod listener_waypoint.go
 * `direct-http`): no VirtualService, no DestinationRule, only the waypoint's L7 policy and telemetry
 * (buildWaypointInboundHTTPRouteConfig with no Service: the sidecar inbound route to `encap`, the
 * original destination), so it reports reporter="waypoint" and forwards the request to the pod it was
 * addressed to, over HBONE to that pod's ztunnel.
 *
 * NOTE: simplification: the waypoint's `encap` cluster (ORIGINAL_DST, istiod's default circuit-breaker
 * thresholds) is not built as an Envoy cluster: the leg has no Envoy stats, pools or response flags, only
 * the waypoint's proxy hop and its reporter="waypoint" series; the waypoint-to-pod leg pays the ztunnel
 * hop cost twice (as a ztunnel-to-ztunnel leg) where the waypoint's own HBONE client pays one.
 */
export class WaypointDirect implements DownstreamCallbacks, OutboundStream {
  private leg: ZtunnelStream | null = null;
  private done = false;
  private arrivedMs = 0;
  private response: HttpResponse | null = null;

  constructor(
    private readonly world: World,
    private readonly ambient: AmbientMesh,
    private readonly client: Pod,
    private readonly waypoint: Pod,
    private readonly to: Pod,
    private readonly request: HttpRequest,
    private readonly downstream: DownstreamCallbacks,
  ) {}

  /** The client's ztunnel hop, the network to the waypoint pod, then the waypoint's proxy hop. */
  start(): void {
    const w = this.world;
    w.sim.schedule(
      this.ambient.ztunnelLatencyMs() + w.network.oneWayMs(this.client, this.waypoint) + w.sidecarLatencyMs(),
      WaypointDirect.onArrive,
      this,
    );
  }

  private static onArrive(d: WaypointDirect): void {
    if (d.done) return;
    const w = d.world;
    d.arrivedMs = w.sim.now;
    const leg = new ZtunnelStream(w, d.waypoint, d);
    d.leg = leg;
    leg.start(w.endpoint(d.to, d.request.port), d.request, d.ambient);
  }

  /** The pod's answer (or a reset) reached the waypoint: count it, then send it back to the client. */
  onResponse(response: HttpResponse, _info: RequestInfo): void {
    if (this.done) return;
    const w = this.world;
    w.recorder.onWaypointDirect(this.client.name, this.to.name, response.status, this.arrivedMs, w.sim.now);
    this.response = response;
    w.sim.schedule(w.network.oneWayMs(this.waypoint, this.client), WaypointDirect.deliver, this);
  }

  private static deliver(d: WaypointDirect): void {
    if (d.done) return;
    d.done = true;
    d.downstream.onResponse(d.response!, NO_INFO);
  }

  cancelFromDownstream(): void {
    if (this.done) return;
    this.done = true;
    this.leg?.cancelFromDownstream();
  }
}
