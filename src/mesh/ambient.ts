import { type AmbientConfig, ambientEnrolled, GATEWAY_NAME_LABEL } from '../config/resolve/ambient.js';
import { dnsCandidates } from '../config/hosts.js';
import type { AmbientSpec } from '../config/scenario/index.js';
import type { ServiceConfig, WorkloadConfig } from '../config/types.js';
import type { Rng } from '../engine/index.js';
import type { ClusterDirectory, ClusterSpec, HttpRequest } from '../envoy/index.js';
import { Dataplane, type Pod } from './pod.js';
import { WaypointProxy, waypointPodLabels } from './waypoint.js';
import { waypointClusterDirectory } from './waypoint-clusters.js';
import type { World } from './world.js';
import { type TrafficDistribution, trafficDistributionOf } from './ztunnel-load-balancing.js';
import { ZtunnelMetrics } from './ztunnel-metrics.js';
import { ZtunnelOutbound } from './ztunnel.js';

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Ambient mode in the world: which pods are enrolled and on which node, the waypoints and their pods,
 * the ztunnel each ambient pod sends through, and the Service -> waypoint bindings, each resolved once.
 * A mesh without ambient labels pays one enum check per request (World.outboundOf) and nothing else.
 */
export class AmbientMesh {
  readonly metrics = new ZtunnelMetrics();
  private readonly waypoints = new Map<string, WaypointProxy>();
  private readonly byService = new Map<string, WaypointProxy | null>();
  private readonly byWorkload = new WeakMap<Pod, WaypointProxy | null>();
  private readonly distributions = new Map<string, TrafficDistribution>();
  private readonly ztunnels = new Map<Pod, ZtunnelOutbound>();
  /** The ambient client of each request a waypoint carries (reporter="waypoint"'s source). */
  private readonly sources = new WeakMap<HttpRequest, Pod>();
  private readonly perZone = new Map<string, number>();
  private readonly latencyRng: Rng;

  /** Whether the mesh has a waypoint (the recorder looks up finished requests' proxies only then). */
  get hasWaypoints(): boolean {
    return this.waypoints.size > 0;
  }

  constructor(
    private readonly world: World,
    readonly config: AmbientConfig,
    private readonly spec: AmbientSpec,
  ) {
    this.latencyRng = world.streams.stream('ztunnel-latency');
    for (const w of config.waypoints)
      this.waypoints.set(`${w.namespace}/${w.name}`, new WaypointProxy(world, this, w));
  }

  /**
   * Places a new pod on a node of its zone (round-robin over `nodesPerZone`, in creation order:
   * deterministic) and decides its data plane (config/resolve/ambient.ts ambientEnrolled).
   */
  place(pod: Pod): void {
    const z = pod.locality.zone;
    const k = this.perZone.get(z) ?? 0;
    this.perZone.set(z, k + 1);
    pod.node = `${z}-node-${k % this.spec.nodesPerZone}`;
    if (pod.dataplane !== Dataplane.Sidecar) return;
    if (ambientEnrolled(this.config.namespaceLabels(pod.namespace), pod.labels))
      pod.dataplane = Dataplane.Ambient;
  }

  /** A Deployment that is a waypoint's (named as its Gateway): its pods are the waypoint's, not apps. */
  isWaypointDeployment(w: WorkloadConfig): boolean {
    return this.waypoints.has(`${w.meta.namespace}/${w.meta.name}`);
  }

  /** Creates every waypoint's pods: the Deployment's replicas when given, else the scenario's count. */
  addWaypointPods(add: (name: string, ns: string, labels: Record<string, string>, i: number) => Pod): void {
    for (const wp of this.waypoints.values()) {
      const n = wp.config.replicas ?? this.spec.waypointReplicas;
      for (let i = 0; i < n; i++) {
        const pod = add(wp.config.name, wp.config.namespace, waypointPodLabels(wp.config.name), i);
        pod.dataplane = Dataplane.Waypoint;
        wp.pods.push(pod);
      }
    }
  }

  /** The Service a request's Host header names from the client's namespace (cluster DNS), or null. */
  serviceFor(pod: Pod, request: HttpRequest): ServiceConfig | null {
    const host = request.authority.split(':')[0]!;
    for (const name of dnsCandidates(host, pod.namespace)) {
      const s = this.world.services.get(name);
      if (s !== undefined) return s;
    }
    return null;
  }

  /**
   * The pod a request's authority addresses by IP (`10.0.0.5:9080`: no Service has that name), or null.
   * Called once per authority and client (ZtunnelOutbound caches it).
   */
  podAddressed(authority: string): Pod | null {
    const host = authority.split(':')[0]!;
    if (!IPV4.test(host)) return null;
    for (const p of this.world.pods) if (p.ip === host) return p;
    return null;
  }

  /**
   * The workload waypoint of an ambient pod (config/resolve/ambient.ts workloadBindingOf): traffic
   * addressed to its IP goes through it [ztunnel src/proxy/outbound.rs fetch_workload_waypoint].
   */
  workloadWaypointOf(pod: Pod): WaypointProxy | undefined {
    if (pod.dataplane !== Dataplane.Ambient) return undefined;
    let w = this.byWorkload.get(pod);
    if (w === undefined) {
      const b = this.config.workloadBindingOf(pod.namespace, pod.labels);
      w =
        b.kind === 'bound'
          ? (this.waypoints.get(`${b.waypoint.namespace}/${b.waypoint.name}`) ?? null)
          : null;
      this.byWorkload.set(pod, w);
    }
    return w ?? undefined;
  }

  /** The waypoint that takes the Service's traffic (config/resolve/ambient.ts bindingOf), or undefined. */
  waypointOf(svc: ServiceConfig): WaypointProxy | undefined {
    let w = this.byService.get(svc.fqdn);
    if (w === undefined) {
      const b = this.config.bindingOf(svc);
      w =
        b.kind === 'bound'
          ? (this.waypoints.get(`${b.waypoint.namespace}/${b.waypoint.name}`) ?? null)
          : null;
      this.byService.set(svc.fqdn, w);
    }
    return w ?? undefined;
  }

  /**
   * A waypoint pod's clusters: `inbound-vip|...` for the Services bound to its waypoint, the sidecar's
   * outbound clusters for any other (waypoint-clusters.ts).
   */
  clusterDirectoryFor(pod: Pod, base: ClusterDirectory): ClusterDirectory {
    const wp = this.waypoints.get(`${pod.namespace}/${pod.labels[GATEWAY_NAME_LABEL]}`);
    if (wp === undefined) return base;
    return waypointClusterDirectory(base, (fqdn) => {
      const svc = this.world.services.get(fqdn);
      return svc !== undefined && this.waypointOf(svc) === wp;
    });
  }

  /** `specs` as `pod`'s Envoy names them (istioctl proxy-config cluster): renamed at a waypoint pod only. */
  clusterSpecsAt(pod: Pod, specs: readonly ClusterSpec[]): ClusterSpec[] {
    if (pod.dataplane !== Dataplane.Waypoint) return [...specs];
    const dir = this.world.clusterDirectoryFor(pod);
    return specs.map((s) => dir.lookup(s.name) ?? s);
  }

  distributionOf(svc: ServiceConfig): TrafficDistribution {
    let d = this.distributions.get(svc.fqdn);
    if (d === undefined) {
      const ns = this.world.opts.config.namespaces.find((n) => n.meta.name === svc.meta.namespace);
      d = trafficDistributionOf(svc, ns?.meta.annotations ?? {});
      this.distributions.set(svc.fqdn, d);
    }
    return d;
  }

  ztunnelOf(pod: Pod): ZtunnelOutbound {
    let z = this.ztunnels.get(pod);
    if (z === undefined) this.ztunnels.set(pod, (z = new ZtunnelOutbound(this.world, this, pod)));
    return z;
  }

  ztunnelLatencyMs(): number {
    return this.spec.ztunnelLatency.sample(this.latencyRng);
  }

  noteSource(request: HttpRequest, client: Pod): void {
    this.sources.set(request, client);
  }

  /** For a request a waypoint pod's Envoy finished: the ambient client that sent it (else undefined). */
  waypointSource(proxyPod: string, request: HttpRequest): string | undefined {
    const p = this.world.podByName(proxyPod);
    if (p === undefined || p.dataplane !== Dataplane.Waypoint) return undefined;
    return this.sources.get(request)?.name ?? '';
  }

  /** The waypoint (namespace/name) a pod belongs to, for reports. */
  static waypointName(pod: Pod): string | undefined {
    return pod.dataplane === Dataplane.Waypoint
      ? `${pod.namespace}/${pod.labels[GATEWAY_NAME_LABEL]}`
      : undefined;
  }
}
