import type { Rng } from '../engine/index.js';
import { istioOf } from '../config/istio-version.js';
import {
  ActiveRequest,
  ClusterManager,
  type DownstreamCallbacks,
  type EnvoyObserver,
  HttpStats,
  type HttpRequest,
  type RouteTable,
  type RouterContext,
} from '../envoy/index.js';
import type { Pod } from './pod.js';
import type { World } from './world.js';

/**
 * A pod's istio-proxy as one Envoy instance: the outbound side (route config, router, clusters) and the
 * inbound side (the hop latency applied when requests reach the pod, wire.ts, then its inbound clusters
 * `inbound|PORT||` with their pools, circuit breakers and the inbound retry: the pod's InboundListener,
 * inbound-listener.ts). Both sides' clusters are in `clusters`, so their stats are reported and reset
 * together.
 *
 * NOTE: simplification: proxy CPU is not a queue: the hop latency does not grow with load.
 */
export class Sidecar implements RouterContext {
  readonly clusters: ClusterManager;
  readonly stats = new HttpStats();
  readonly rng: Rng;
  /** Its own stream, so connection placement never shifts the router's draws (common random numbers). */
  private readonly acceptRng: Rng;
  readonly observer: EnvoyObserver;
  private readonly tables = new Map<number, RouteTable | undefined>();

  constructor(
    private readonly world: World,
    readonly pod: Pod,
  ) {
    this.rng = world.streams.stream(`router/${pod.name}`);
    this.acceptRng = world.streams.stream(`accept/${pod.name}`);
    this.observer = world.observer;
    this.clusters = new ClusterManager(world.clusterDirectoryFor(pod), {
      sim: world.sim,
      streams: world.streams,
      sidecar: pod.name,
      locality: pod.locality,
      labels: pod.labels,
      transport: world.transportFor(pod),
      observer: world.observer,
      envoy: istioOf(world.opts.config).envoy,
      localCluster: world.localClusterFor(pod),
    });
  }

  get sim() {
    return this.world.sim;
  }

  get measureFromMs(): number {
    return this.world.opts.scenario.warmupMs;
  }

  get sidecar(): string {
    return this.pod.name;
  }

  get sourceIp(): string {
    return this.pod.ip;
  }

  routeTable(port: number): RouteTable | undefined {
    // One lookup per request once the port's table is fetched (has() only for a port with none).
    const t = this.tables.get(port);
    if (t !== undefined || this.tables.has(port)) return t;
    const fetched = this.world.controlPlane.routeTable(this.pod, port);
    this.tables.set(port, fetched);
    return fetched;
  }

  /** istiod pushed new routes (World.pushRoutes): the next request on each port fetches them. */
  onRoutesPushed(): void {
    this.tables.clear();
  }

  /** Envoy worker threads (proxy `concurrency`). */
  get workers(): number {
    return this.world.opts.scenario.sidecar.concurrency;
  }

  /**
   * The worker a new downstream connection lands on. The kernel spreads accepted connections over the
   * workers' listening sockets without balancing them exactly, so a uniform draw per connection.
   */
  acceptWorker(): number {
    const n = this.workers;
    return n <= 1 ? 0 : this.acceptRng.uint32() % n;
  }

  /**
   * An app in this pod sends a request on a downstream connection owned by `worker`: the outbound hop,
   * then the router.
   */
  outbound(
    request: HttpRequest,
    downstream: DownstreamCallbacks,
    worker = this.acceptWorker(),
  ): ActiveRequest {
    const r = new ActiveRequest(this, request, downstream, worker);
    this.world.sim.schedule(this.world.sidecarLatencyMs(), Sidecar.onOutboundHopDone, r);
    return r;
  }

  private static onOutboundHopDone(r: ActiveRequest): void {
    r.start();
  }
}

/**
 * Zeroes a sidecar's counters and keeps its gauges, as Envoy's admin `POST /reset_counters`
 * ("Administration interface", envoyproxy.io: resets all counters to zero).
 */
export function resetSidecarCounters(s: Sidecar): void {
  for (const c of s.clusters.all()) c.stats.resetCounters();
  s.stats.resetCounters();
}
