import { selectorMatches, serviceSelects } from '../config/labels.js';
import { dnsCandidates, type Scenario, type WorkloadBehaviour } from '../config/scenario/index.js';
import type { MeshConfig, ServiceConfig, VirtualServiceConfig, WorkloadConfig } from '../config/types.js';
import { type Rng, RandomStreams, Simulation } from '../engine/index.js';
import type { ClusterDirectory, Endpoint, EnvoyObserver, LocalCluster } from '../envoy/index.js';
import { resolveAmbient, waypointGateways } from '../config/resolve/ambient.js';
import { AmbientMesh } from './ambient.js';
import type { OutboundEntry } from './ambient-entry.js';
import { AppContainer } from './app-container.js';
import { attachCpuLimits } from './container-cpu.js';
import { ClusterSpecs } from './control-plane/cluster-directory.js';
import { type buildRouteTable, RouteConfigs } from './control-plane/route-config.js';
import { SidecarScopes } from './control-plane/sidecar-scope.js';
import { ServiceEndpoints } from './endpoints.js';
import { GatewayProxies } from './gateway.js';
import { configInboundLayers } from './inbound-layers.js';
import type { InboundLayerSource } from './inbound-listener.js';
import { ExternalEndpoints } from './external-endpoints.js';
import { serviceEntryServices } from './external-registry.js';
import { ExternalAwareTransport } from './external-transport.js';
import { LoadGenerator } from './load-generator.js';
import { Network } from './network.js';
import { Dataplane, Pod, PodState } from './pod.js';
import { PodNames, podSuffix } from './pod-names.js';
import type { ProgressiveDelivery } from './progressive-delivery/progressive-delivery.js';
import type { PodDirectory, Recorder } from './recorder.js';
import { resetSidecarCounters, Sidecar } from './sidecar.js';
import { type Connection, ConnectionList, MeshTransport } from './wire.js';

export interface WorldOptions {
  scenario: Scenario;
  config: MeshConfig;
  seed: number;
  durationMs: number;
  recorder: Recorder;
  /** Extra subscriber for domain events (web app, tests); the recorder always gets them. */
  observer?: EnvoyObserver;
  /**
   * The inbound connection pool's MeshConfig and Sidecar layers for a server pod (inbound-listener.ts);
   * absent: only the DestinationRule layer applies.
   */
  inboundLayers?: InboundLayerSource;
}

/** A Deployment/StatefulSet at run time: its pods and current behaviour. */
export interface WorkloadRuntime {
  readonly key: string;
  readonly config: WorkloadConfig;
  behaviour: WorkloadBehaviour;
  readonly pods: Pod[];
}

/**
 * The simulated mesh: pods (from workloads and load generators) placed in zones, each with an app and a
 * sidecar; services' endpoints; the network; the control plane's cluster and route generation.
 */
export class World implements PodDirectory {
  readonly sim: Simulation;
  readonly streams: RandomStreams;
  readonly network: Network;
  readonly recorder: Recorder;
  readonly observer: EnvoyObserver;
  readonly controlPlane: {
    lookup: ClusterSpecs['lookup'];
    routeTable: (pod: Pod, port: number) => ReturnType<typeof buildRouteTable>;
  };
  /** When the load stops: generators start no request at or after it (the scenario's duration). */
  readonly endMs: number;
  /** The latest the drain may run to: endMs + the scenario's drainTimeout. */
  readonly drainLimitMs: number;
  /** Set once the load has stopped: the run ends as soon as no client request is in flight. */
  private draining = false;
  readonly pods: Pod[] = [];
  readonly workloads = new Map<string, WorkloadRuntime>();
  readonly generators: LoadGenerator[] = [];
  readonly services: ReadonlyMap<string, ServiceConfig>;
  /** Ingress gateway proxies: which pods are gateways, their route configurations, client entries. */
  readonly gateways: GatewayProxies;
  /** Ambient mode: enrolment, nodes, ztunnels and waypoints (ambient.ts). */
  readonly ambient: AmbientMesh;
  private readonly podsByName = new Map<string, Pod>();
  private readonly serviceOfCache = new Map<string, string>();
  private readonly apps = new Map<Pod, AppContainer>();
  private readonly sidecars = new Map<Pod, Sidecar>();
  private readonly endpointSources = new Map<
    string,
    { fqdn: string; port: number; source: ServiceEndpoints }
  >();
  /** Per Service (FQDN): the pods its selector picks, in pod order, and how many pods were scanned. */
  private readonly selectedPods = new Map<string, { pods: Pod[]; scanned: number }>();
  private readonly endpointPods = new Map<number, Pod>();
  private readonly endpointIds = new Map<string, number>();
  private readonly endpointObjects = new Map<number, Endpoint>();
  private readonly connections = new Map<Pod, ConnectionList>();
  private readonly sidecarRng: Rng;
  /** ServiceEntry and passthrough destinations: servers outside the mesh. */
  readonly external: ExternalEndpoints;
  /** What each proxy identity sees (Sidecar resources, exportTo). */
  private readonly scopes: SidecarScopes;
  /** The inbound pool's MeshConfig and Sidecar layers per pod (inbound-layers.ts, or a test's). */
  readonly inboundLayers: InboundLayerSource;
  private readonly externalNetworkRng: Rng;
  private nextIp = 0;
  /** Mesh-wide pod names: namespace-qualified where several namespaces use one name (pod-names.ts). */
  private readonly podNames: PodNames;
  /** What istiod builds route configurations from; a controller's VirtualService edit replaces it (pushRoutes). */
  private routeSource: { config: MeshConfig; routes: RouteConfigs; gateways: GatewayProxies };
  private readonly registry: readonly ServiceConfig[];
  /** Flagger / Argo Rollouts controllers of this run (mesh/progressive-delivery), when the config has any. */
  progressiveDelivery: ProgressiveDelivery | undefined;
  /** MeshConfig ISTIO_META_ENABLE_SELF_DISCOVERY: sidecars get a local cluster (zone-aware routing). */
  private readonly selfDiscovery: boolean;
  private pingRng: Rng | undefined;

  constructor(readonly opts: WorldOptions) {
    const { scenario, config } = opts;
    this.endMs = opts.durationMs;
    this.drainLimitMs = opts.durationMs + scenario.drainTimeoutMs;
    // The run never goes past the drain limit (runToEnd, drainWorld): timers due later are not kept.
    this.sim = new Simulation({ maxTimeMs: this.drainLimitMs });
    this.streams = new RandomStreams(opts.seed);
    this.recorder = opts.recorder;
    this.observer = opts.observer ? fanOut(opts.recorder, opts.observer) : opts.recorder;
    this.network = new Network(scenario.network, this.streams.stream('network'));
    this.sidecarRng = this.streams.stream('sidecar-latency');
    this.services = new Map(config.services.map((s) => [s.fqdn, s]));
    // The registry istiod builds: Kubernetes Services, then ServiceEntry hosts (external-registry.ts).
    const registry = [
      ...config.services,
      ...serviceEntryServices(config.serviceEntries ?? [], config.services),
    ];
    // spec.meshConfig overrides the istio ConfigMap (docs/scenario.md).
    const meshConfig = scenario.meshConfig ?? config.istioMeshConfig;
    const scoped: MeshConfig = meshConfig ? { ...config, istioMeshConfig: meshConfig } : config;
    this.selfDiscovery = meshConfig?.selfDiscovery === true;
    this.external = new ExternalEndpoints(scenario, this.sim, this.streams);
    this.externalNetworkRng = this.streams.stream('external-network');
    const specs = new ClusterSpecs(
      scoped,
      new Map(registry.map((s) => [s.fqdn, s])),
      (fqdn, port) => this.endpointSource(fqdn, port),
      this.external,
    );
    this.scopes = new SidecarScopes(scoped, registry);
    this.registry = registry;
    const routes = new RouteConfigs(scoped, this.scopes);
    const gateways = new GatewayProxies(scoped, this.services);
    this.gateways = gateways;
    this.routeSource = { config: scoped, routes, gateways };
    this.inboundLayers = opts.inboundLayers ?? configInboundLayers(scoped);
    this.controlPlane = {
      lookup: (name) => specs.lookup(name),
      routeTable: (pod, port) => {
        const s = this.routeSource;
        return gateways.isGateway(pod) ? s.gateways.routeTable(pod, port) : s.routes.table(pod, port);
      },
    };
    const gw = waypointGateways(scoped);
    this.ambient = new AmbientMesh(this, resolveAmbient(scoped, gw.gateways, gw.classes), scenario.ambient);
    this.recorder.attach(this);
    this.podNames = new PodNames([
      ...config.workloads.map((w) => w.meta),
      ...scenario.traffic.map((g) => ({ name: g.name, namespace: g.namespace })),
    ]);
    for (const w of config.workloads) if (!this.ambient.isWaypointDeployment(w)) this.addWorkload(w);
    for (const g of scenario.traffic) this.addLoadGenerator(g);
    this.ambient.addWaypointPods((name, ns, labels, i) => {
      const pod = this.addPod(`${name}-${podSuffix(name, i)}`, ns, labels, [], i, `${ns}/${name}`);
      pod.transition(PodState.Running);
      pod.ready = true;
      return pod;
    });
    this.refreshEndpoints();
  }

  /**
   * istiod pushes new route configurations after a controller rewrote VirtualServices (Flagger, Argo
   * Rollouts): every proxy gets its routes rebuilt from the new set on its next request; requests
   * already routed keep their route, as with Envoy's RDS updates.
   * NOTE: simplification: the push reaches every proxy at once (no istiod debounce or push latency).
   */
  pushRoutes(virtualServices: readonly VirtualServiceConfig[]): void {
    const config: MeshConfig = { ...this.routeSource.config, virtualServices };
    const routes = new RouteConfigs(config, new SidecarScopes(config, this.registry));
    this.routeSource = { config, routes, gateways: new GatewayProxies(config, this.services) };
    for (const s of this.sidecars.values()) s.onRoutesPushed();
  }

  /** The VirtualServices proxies are routed by now (after any controller push). */
  get virtualServices(): readonly VirtualServiceConfig[] {
    return this.routeSource.config.virtualServices;
  }

  // --- lookups used by the wire, apps and sidecars
  sidecarLatencyMs(): number {
    return this.opts.scenario.sidecar.latency.sample(this.sidecarRng);
  }
  /**
   * A sidecar's clusters: only those of the services its scope imports (a Sidecar resource's egress hosts,
   * exportTo); a route to another host's cluster answers 503 NC as in Envoy. Checked once per cluster a
   * sidecar creates, never per request.
   */
  clusterDirectoryFor(pod: Pod): ClusterDirectory {
    const scope = this.scopes.of(pod.namespace, pod.labels);
    const lookup = this.controlPlane.lookup;
    const directory: ClusterDirectory = {
      lookup(name) {
        // Only outbound service clusters are scoped (inbound and catch-all clusters are always there).
        if (name.startsWith('outbound|') && !scope.imported.has(name.slice(name.lastIndexOf('|') + 1)))
          return undefined;
        return lookup(name);
      },
    };
    // A waypoint names its clusters of the Services it serves `inbound-vip|...` (waypoint-clusters.ts).
    return pod.dataplane === Dataplane.Waypoint
      ? this.ambient.clusterDirectoryFor(pod, directory)
      : directory;
  }
  /** A sidecar's upstream transport: pods through the mesh, external hosts directly (external-transport.ts). */
  transportFor(pod: Pod): ExternalAwareTransport {
    return new ExternalAwareTransport(
      new MeshTransport(this, pod),
      this.external,
      pod,
      this.sim,
      this.opts.scenario.network,
      this.externalNetworkRng,
    );
  }
  appOf(pod: Pod): AppContainer | undefined {
    return this.apps.get(pod);
  }
  /** What a pod's apps send through: its sidecar, or its node's ztunnel when enrolled in ambient mode. */
  outboundOf(pod: Pod): OutboundEntry {
    return pod.dataplane === Dataplane.Ambient ? this.ambient.ztunnelOf(pod) : this.sidecarOf(pod);
  }
  /** The proxy hop a request pays on reaching `to`: its sidecar's, or its node's ztunnel's (ambient). */
  inboundHopMs(to: Pod): number {
    return to.dataplane === Dataplane.Ambient ? this.ambient.ztunnelLatencyMs() : this.sidecarLatencyMs();
  }
  sidecarOf(pod: Pod): Sidecar {
    let s = this.sidecars.get(pod);
    if (s === undefined) {
      s = new Sidecar(this, pod);
      this.sidecars.set(pod, s);
    }
    return s;
  }
  allSidecars(): IterableIterator<Sidecar> {
    return this.sidecars.values();
  }
  podOfEndpoint(e: Endpoint): Pod {
    return this.endpointPods.get(e.id)!;
  }
  trackConnection(c: Connection): void {
    let list = this.connections.get(c.to);
    if (list === undefined) this.connections.set(c.to, (list = new ConnectionList()));
    list.append(c);
  }
  /** `c` is tracked: it is in the list of its peer (closeConnectionsTo untracks a list as a whole). */
  untrackConnection(c: Connection): void {
    this.connections.get(c.to)!.remove(c);
  }
  /** The pod crashed or vanished: every connection to it is closed under its clients. */
  closeConnectionsTo(pod: Pod): void {
    const list = this.connections.get(pod);
    if (list === undefined) return;
    this.connections.delete(pod);
    list.drain(World.closeUnderClient);
  }
  private static closeUnderClient(c: Connection): void {
    c.markClosed();
    c.cb.onRemoteClose();
  }

  start(): void {
    const warmupMs = this.opts.scenario.warmupMs;
    if (warmupMs > 0 && warmupMs < this.endMs) this.sim.scheduleAt(warmupMs, World.onWarmupEnd, this);
    for (const g of this.generators) g.start();
  }

  /**
   * The end of the warm-up starts the measurement window for connection-level figures: every sidecar's
   * counters are zeroed, as Envoy's admin `POST /reset_counters` does (envoyproxy.io, "Administration
   * interface": counters only; gauges and histograms keep their values), and the apps' gauges restart.
   * Per-request counters go by the request's start on the Envoy side.
   */
  private static onWarmupEnd(w: World): void {
    const now = w.sim.now;
    for (const s of w.sidecars.values()) resetSidecarCounters(s);
    for (const app of w.apps.values()) app.restartGauges(now);
  }

  /**
   * The load has stopped (the clock is at endMs): from now on the run ends at the moment the last client
   * request finishes. Returns false when nothing is in flight (nothing to drain).
   */
  beginDrain(): boolean {
    this.draining = true;
    return this.recorder.inFlight > 0;
  }

  /** A client request finished; during the drain the last one ends the run at this instant. */
  onClientFinished(): void {
    if (this.draining && this.recorder.inFlight === 0) this.sim.stop();
  }

  /** Every app container with its workload key. */
  allApps(): IterableIterator<AppContainer> {
    return this.apps.values();
  }

  // --- building
  private addWorkload(w: WorkloadConfig): void {
    const key = `${w.meta.namespace}/${w.meta.name}`;
    const behaviour = this.opts.scenario.workloads.get(key) ?? this.opts.scenario.defaultBehaviour;
    const rt: WorkloadRuntime = { key, config: w, behaviour, pods: [] };
    this.workloads.set(key, rt);
    for (let i = 0; i < w.replicas; i++) this.addWorkloadPod(rt, true);
  }

  /** Adds one pod to a workload; `initial` pods start Running and ready, later ones go through startup. */
  addWorkloadPod(rt: WorkloadRuntime, initial: boolean): Pod {
    const i = rt.pods.length;
    const w = rt.config;
    const name =
      w.kind === 'StatefulSet' ? `${w.meta.name}-${i}` : `${w.meta.name}-${podSuffix(w.meta.name, i)}`;
    const pod = this.addPod(name, w.meta.namespace, w.podLabels, rt.behaviour.zones, i, rt.key);
    rt.pods.push(pod);
    const app = new AppContainer(
      pod,
      this,
      rt.behaviour,
      this.streams.stream(`app/${pod.name}`),
      this.recorder.workload(rt.key),
    );
    this.apps.set(pod, app);
    // CPU limits as CFS quotas (container-cpu.ts); an initial pod's idle CPU runs from the start.
    attachCpuLimits(pod, w, this.sim, this.opts.scenario.sidecar.concurrency, AppContainer.afterCpu);
    if (initial) pod.appBandwidth?.setBackground(rt.behaviour.cpu.idleMilli);
    // A later pod serves nothing until it is ready (chaos resumes it then).
    if (!initial) app.capacity.set(this.sim.now, 0);
    if (initial) {
      pod.transition(PodState.Running);
      pod.setReady(true, this.sim.now);
    }
    return pod;
  }

  private addLoadGenerator(g: Scenario['traffic'][number]): void {
    const budget = { remaining: g.count };
    for (let i = 0; i < g.replicas; i++) {
      const pod = this.addPod(
        `${g.name}-${i}`,
        g.namespace,
        g.labels,
        g.zones,
        i,
        `${g.namespace}/${g.name}`,
      );
      pod.transition(PodState.Running);
      this.generators.push(new LoadGenerator(this, g, pod, budget, 1 / g.replicas));
    }
  }

  private addPod(
    name: string,
    ns: string,
    labels: Readonly<Record<string, string>>,
    zones: readonly string[],
    index: number,
    owner: string,
  ): Pod {
    const all = this.opts.scenario.zones;
    const allowed = zones.length > 0 ? all.filter((z) => zones.includes(z.name)) : all;
    const z = allowed[index % allowed.length]!;
    const n = this.nextIp++;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const locality = { region: z.region, zone: z.name, subZone: z.subZone };
    const unique = this.podNames.claim(name, ns, owner.slice(owner.indexOf('/') + 1));
    const pod = new Pod(unique, ns, labels, locality, ip, owner, this.sim.now);
    this.ambient.place(pod);
    this.pods.push(pod);
    this.podsByName.set(unique, pod);
    return pod;
  }

  podInfo(
    name: string,
  ): { owner: string; namespace: string; labels: Readonly<Record<string, string>> } | undefined {
    return this.podsByName.get(name);
  }

  /**
   * reporter=destination's `destination_service`: the Service selecting the pod that the Host header
   * names (by cluster DNS from the pod's namespace), else the first Service selecting the pod (a request
   * for `api.example.com` routed to api-service reports api-service), else the Host itself.
   */
  serviceOf(podName: string, authority: string): string {
    const key = `${podName}|${authority}`;
    let fqdn = this.serviceOfCache.get(key);
    if (fqdn === undefined) {
      const pod = this.podsByName.get(podName);
      const host = authority.split(':')[0]!.toLowerCase();
      const selecting =
        pod === undefined
          ? []
          : [...this.services.values()].filter((s) => serviceSelects(s, pod.namespace, pod.labels));
      const named = pod === undefined ? [] : dnsCandidates(host, pod.namespace);
      fqdn = selecting.find((s) => named.includes(s.fqdn))?.fqdn ?? selecting[0]?.fqdn ?? host;
      this.serviceOfCache.set(key, fqdn);
    }
    return fqdn;
  }

  /** A pod by its mesh-wide name, or as istioctl addresses pods, `<pod>.<namespace>` (pod-names.ts). */
  podByName(name: string): Pod | undefined {
    const exact = this.podsByName.get(name);
    if (exact !== undefined) return exact;
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const pod = this.podsByName.get(name.slice(0, dot));
    return pod?.namespace === name.slice(dot + 1) ? pod : undefined;
  }

  /**
   * The sidecar's `local_cluster` with self discovery on: the endpoints of the first Service that
   * selects the pod, restricted to its region and workload (istio/istio PR #60765: "the endpoints in the
   * first Service that selects the given proxy, further filtered by region, WorkloadName and
   * pod-template-hash"); undefined without self discovery or without such a Service.
   * NOTE: simplification: "first" is the config's Service order, the first port's endpoints are used, and
   * pods of one workload are not told apart by pod-template-hash.
   */
  /** The network draws of HTTP/2 keepalive PINGs (created on the first PING). */
  get keepaliveRng(): Rng {
    if (this.pingRng === undefined) this.pingRng = this.streams.stream('keepalive-network');
    return this.pingRng;
  }

  localClusterFor(pod: Pod): LocalCluster | undefined {
    if (!this.selfDiscovery) return undefined;
    const svc = this.opts.config.services.find((s) => serviceSelects(s, pod.namespace, pod.labels));
    const port = svc?.ports[0];
    if (svc === undefined || port === undefined) return undefined;
    const source = this.endpointSource(svc.fqdn, port.port);
    const { owner, locality } = pod;
    return {
      source,
      member: (e) => e.locality.region === locality.region && this.endpointPods.get(e.id)?.owner === owner,
    };
  }

  // --- endpoints (EDS)
  endpointSource(fqdn: string, port: number): ServiceEndpoints {
    const k = `${fqdn}|${port}`;
    let e = this.endpointSources.get(k);
    if (e === undefined) {
      e = { fqdn, port, source: new ServiceEndpoints() };
      this.endpointSources.set(k, e);
      this.fillEndpoints(fqdn, port, e.source);
    }
    return e.source;
  }

  /**
   * Recomputes every service port's ready endpoints after pods changed (readiness, scale, chaos): each
   * source visits only the pods its Service selects, so a change costs O(endpoints), not
   * O(service ports x pods) (issue #14).
   */
  refreshEndpoints(): void {
    for (const e of this.endpointSources.values()) this.fillEndpoints(e.fqdn, e.port, e.source);
  }

  /** The pods `svc` selects, in pod order; pods are only ever appended, so new ones are scanned once. */
  private selectedBy(svc: ServiceConfig): readonly Pod[] {
    let e = this.selectedPods.get(svc.fqdn);
    if (e === undefined) this.selectedPods.set(svc.fqdn, (e = { pods: [], scanned: 0 }));
    for (; e.scanned < this.pods.length; e.scanned++) {
      const pod = this.pods[e.scanned]!;
      if (pod.namespace === svc.meta.namespace && selectorMatches(svc.selector, pod.labels)) e.pods.push(pod);
    }
    return e.pods;
  }

  private fillEndpoints(fqdn: string, port: number, out: ServiceEndpoints): void {
    const svc = this.services.get(fqdn);
    const sp = svc?.ports.find((p) => p.port === port);
    if (svc === undefined || sp === undefined || Object.keys(svc.selector).length === 0) return out.set([]);
    const eps: Endpoint[] = [];
    for (const pod of this.selectedBy(svc)) {
      if (!pod.ready || pod.endpointsRemoved) continue;
      const target =
        typeof sp.targetPort === 'number' ? sp.targetPort : (this.namedPort(pod, sp.targetPort) ?? port);
      eps.push(this.endpoint(pod, target));
    }
    const same = eps.length === out.endpoints.length && eps.every((e, i) => e === out.endpoints[i]);
    if (!same) out.set(eps);
  }

  /** The container port a Service port sends to on `pod` (a named targetPort resolved, else the port). */
  targetPortOf(pod: Pod, sp: ServiceConfig['ports'][number]): number {
    return typeof sp.targetPort === 'number'
      ? sp.targetPort
      : (this.namedPort(pod, sp.targetPort) ?? sp.port);
  }

  private namedPort(pod: Pod, name: string): number | undefined {
    const w = this.workloads.get(pod.owner)?.config;
    for (const c of w?.containers ?? []) for (const p of c.ports) if (p.name === name) return p.containerPort;
    return undefined;
  }

  /** The endpoint `pod:port` (one object per pair): EDS's, and ztunnel's for traffic addressed to a pod IP. */
  endpoint(pod: Pod, port: number): Endpoint {
    const k = `${pod.name}:${port}`;
    let id = this.endpointIds.get(k);
    if (id === undefined) {
      id = this.endpointIds.size;
      this.endpointIds.set(k, id);
      this.endpointPods.set(id, pod);
      this.endpointObjects.set(id, {
        id,
        address: `${pod.ip}:${port}`,
        podName: pod.name,
        labels: pod.labels,
        locality: pod.locality,
        weight: 1,
        addedAtMs: this.sim.now,
      });
    }
    return this.endpointObjects.get(id)!;
  }
}

function fanOut(a: EnvoyObserver, b: EnvoyObserver): EnvoyObserver {
  return {
    onEjection(e) {
      a.onEjection(e);
      b.onEjection(e);
    },
    onUnejection(e) {
      a.onUnejection(e);
      b.onUnejection(e);
    },
    onUpstreamAttempt(e) {
      a.onUpstreamAttempt(e);
      b.onUpstreamAttempt(e);
    },
    onRequestComplete(e) {
      a.onRequestComplete(e);
      b.onRequestComplete(e);
    },
  };
}
