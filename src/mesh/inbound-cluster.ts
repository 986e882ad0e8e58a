import type { ClusterPolicy, ConnectionPoolSettings, RetryPolicy } from '../config/types.js';
import { istioOf } from '../config/istio-version.js';
import type { Rng } from '../engine/index.js';
import {
  Cluster,
  type ConnectCallbacks,
  type Endpoint,
  type HttpRequest,
  type Host,
  type StreamCallbacks,
  type UpstreamTransport,
  type WireStream,
} from '../envoy/index.js';
import type { ConnPool } from '../envoy/upstream/conn-pool/index.js';
import { PodState, type Pod } from './pod.js';
import type { InboundRequest } from './inbound-router.js';
import type { InboundExchange } from './wire.js';
import type { World } from './world.js';

/** What the inbound cluster needs from the world around its sidecar. */
export interface InboundClusterOptions {
  readonly world: World;
  readonly pod: Pod;
  /** The inbound cluster's port: the container port the Service's targetPort names. */
  readonly port: number;
  readonly connectionPool: ConnectionPoolSettings;
  readonly retryBudget?: ClusterPolicy['retryBudget'];
  /** HTTP/2 for http2/grpc service ports, else HTTP/1.1 (Istio cluster_builder.go setUpstreamProtocol). */
  readonly protocol: 'http1' | 'http2';
  /** The inbound route's retry policy; null = none (gRPC ports). */
  readonly retry: RetryPolicy | null;
}

/**
 * One server pod sidecar's inbound cluster `inbound|PORT||` [I:pilot/pkg/networking/core/cluster_builder.go
 * `buildInboundCluster`]: a STATIC cluster with a single endpoint, the app on localhost, and the connection
 * pool and circuit breakers istiod sets on it. It is an ordinary envoy/ `Cluster` (same pools, resource
 * manager and stats as the outbound clusters: the same proxy, its inbound placement), adopted by the
 * sidecar's ClusterManager so its stats are reported and reset with the others. Its limits are this one
 * pod's: shared by every client that reaches the pod, whatever the number of clients.
 */
export class InboundCluster {
  readonly cluster: Cluster;
  readonly host: Host;
  readonly transport: LocalAppTransport;
  readonly retry: RetryPolicy | null;
  /** Its own streams: inbound draws never shift the outbound router's (common random numbers). */
  readonly retryRng: Rng;
  private readonly workerRng: Rng;
  private readonly workers: number;
  /** Requests the sidecar is working on (pending in the pool, at the app, or in a retry back-off). */
  readonly live = new Set<InboundRequest>();

  constructor(readonly opts: InboundClusterOptions) {
    const { world, pod, port } = opts;
    const name = `inbound|${port}||`;
    this.transport = new LocalAppTransport(world, pod);
    const endpoint: Endpoint = {
      // Never handed to the mesh's endpoint directory: the id only has to be unique in this cluster.
      id: -1,
      address: `127.0.0.1:${port}`,
      podName: pod.name,
      labels: pod.labels,
      locality: pod.locality,
      weight: 1,
      addedAtMs: 0,
    };
    const policy: ClusterPolicy = {
      connectionPool: opts.connectionPool,
      // applyTrafficPolicy skips the load balancer and outlier detection for inbound clusters.
      loadBalancer: {
        policy: 'ROUND_ROBIN',
        minimumRingSize: 1024,
        maglevTableSize: 65537,
        choiceCount: 2,
        locality: { enabled: false, distribute: [], failover: [], failoverPriority: [] },
      },
      panicThresholdPercent: 50,
    };
    if (opts.retryBudget !== undefined) policy.retryBudget = opts.retryBudget;
    this.cluster = new Cluster(
      {
        name,
        serviceHost: '',
        port,
        subset: '',
        subsetLabels: {},
        policy,
        endpoints: { version: 0, endpoints: [endpoint] },
        protocol: opts.protocol,
      },
      {
        sim: world.sim,
        streams: world.streams,
        sidecar: pod.name,
        locality: pod.locality,
        labels: pod.labels,
        transport: this.transport,
        observer: world.observer,
        envoy: istioOf(world.opts.config).envoy,
      },
    );
    this.host = this.cluster.ownHost(this.cluster.prioritySet.allHosts[0]!);
    this.retry = opts.retry;
    this.retryRng = world.streams.stream(`inbound-retry/${pod.name}/${port}`);
    this.workerRng = world.streams.stream(`inbound-worker/${pod.name}/${port}`);
    this.workers = world.opts.scenario.sidecar.concurrency;
  }

  get name(): string {
    return this.cluster.name;
  }

  /**
   * The pool a request uses: the worker its downstream connection landed on has its own pool to the app
   * (pools are per worker, circuit breakers per cluster).
   * NOTE: simplification: the worker is drawn per request, not kept per downstream connection.
   */
  pool(): ConnPool {
    const n = this.workers;
    const w = n <= 1 ? 0 : this.workerRng.uint32() % n;
    return this.cluster.connPool(this.host, w);
  }

  /**
   * The app container died (alone or with the pod): the connections to it close under the pool, so
   * requests on them are reset (503 UC from the sidecar when it survives) and new connects are refused.
   */
  onAppDown(): void {
    this.transport.closeAll();
  }

  /** The whole pod went away: the sidecar dies too, and every request it held is lost with it. */
  onPodDown(): void {
    for (const r of [...this.live]) r.abortWithProxy();
    this.live.clear();
    this.transport.closeAll();
  }
}

/** A TCP connection from the sidecar to the app on localhost. */
class AppConnection implements WireStream {
  closed = false;
  constructor(
    readonly transport: LocalAppTransport,
    readonly cb: ConnectCallbacks,
  ) {}
  cancel(): void {
    this.closed = true;
    this.transport.open.delete(this);
  }
  static onConnectResult(c: AppConnection): void {
    if (c.closed) return;
    // The app container's socket: refused (RST, "delayed connect error: 111") unless it listens.
    if (c.transport.pod.state !== PodState.Running) {
      c.closed = true;
      return c.cb.onConnectFailed('connection-failure');
    }
    c.transport.open.add(c);
    c.cb.onConnected();
  }
}

const NOOP_WIRE: WireStream = { cancel() {} };

/**
 * The sidecar's view of its own app (Envoy's upstream to 127.0.0.1:PORT). Loopback costs no simulated
 * time: a connect is answered on the next event at the same instant.
 * NOTE: simplification: loopback connect and transfer take 0 ms; the app cannot close idle connections
 * by itself (so the race `reset-before-request` protects against only happens when the container dies).
 */
export class LocalAppTransport implements UpstreamTransport {
  readonly open = new Set<AppConnection>();
  /**
   * The exchange being sent: set by the inbound router right before `stream.send`, read synchronously by
   * `send` (the pool passes only the request, and one request object may be in flight twice).
   */
  sending: InboundExchange | null = null;

  constructor(
    private readonly world: World,
    readonly pod: Pod,
  ) {}

  connect(_endpoint: Endpoint, cb: ConnectCallbacks): WireStream {
    const c = new AppConnection(this, cb);
    this.world.sim.schedule(0, AppConnection.onConnectResult, c);
    return c;
  }

  send(_endpoint: Endpoint, _request: HttpRequest, cb: StreamCallbacks): WireStream {
    const x = this.sending!;
    this.sending = null;
    x.appSide = cb;
    // Handed to the app on the next event at this instant: no re-entry into the pool from inside send().
    this.world.sim.schedule(0, LocalAppTransport.onDeliver, x);
    // The app does not notice a reset from its sidecar (it finishes the work; the answer is dropped).
    return NOOP_WIRE;
  }

  /**
   * NOTE: simplification: `arrivedMs` stays the arrival at the sidecar, so the app's queue-wait figure
   * includes the time the request was pending in the inbound pool.
   */
  private static onDeliver(x: InboundExchange): void {
    if (x.appSide === null) return;
    const app = x.to.listening ? x.world.appOf(x.to) : undefined;
    if (app === undefined) {
      const cb = x.appSide;
      x.appSide = null;
      return cb.onUpstreamReset('connection-termination');
    }
    x.app = app;
    app.handle(x);
  }

  /** Every connection to the app closes (its container died). */
  closeAll(): void {
    const all = [...this.open];
    this.open.clear();
    for (const c of all) {
      c.closed = true;
      c.cb.onRemoteClose();
    }
  }
}
