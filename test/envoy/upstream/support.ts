import {
  resolveConnectionPool,
  resolveOutlierDetection,
  resolveLoadBalancer,
} from '../../../src/config/defaults.js';
import type { ClusterPolicy } from '../../../src/config/types.js';
import type { ConnectionPoolDoc, OutlierDetectionDoc } from '../../../src/config/schema/destination-rule.js';
import { Simulation } from '../../../src/engine/index.js';
import type {
  ConnectCallbacks,
  EjectionEvent,
  Endpoint,
  EnvoyObserver,
  HttpRequest,
  HttpResponse,
  StreamCallbacks,
  UnejectionEvent,
  UpstreamTransport,
  WireStream,
} from '../../../src/envoy/index.js';
import { ClusterCounters, ClusterStats, Host, NULL_OBSERVER } from '../../../src/envoy/index.js';
import type {
  PoolCallbacks,
  PoolFailureReason,
  PoolStream,
} from '../../../src/envoy/upstream/conn-pool/conn-pool.js';
import type { OutlierDetectorSink } from '../../../src/envoy/upstream/outlier.js';
import { ResourceManager } from '../../../src/envoy/upstream/resource-manager.js';

/** A policy literal through Istio's own default resolution (the config layer's functions). */
export function policy(cp: ConnectionPoolDoc = {}, od?: OutlierDetectionDoc): ClusterPolicy {
  const p: ClusterPolicy = {
    connectionPool: resolveConnectionPool(cp),
    loadBalancer: resolveLoadBalancer(undefined),
    panicThresholdPercent: od ? (od.minHealthPercent ?? 0) : 50,
  };
  if (od) p.outlierDetection = resolveOutlierDetection(od);
  return p;
}

let nextId = 0;
export function endpoint(pod: string): Endpoint {
  const id = nextId++;
  return {
    id,
    address: `10.0.0.${id}:8080`,
    podName: pod,
    labels: {},
    locality: { region: 'r', zone: 'z', subZone: '' },
    weight: 1,
    addedAtMs: 0,
  };
}

export interface FakeConnection {
  endpoint: Endpoint;
  cb: ConnectCallbacks;
  cancelled: boolean;
}
export interface FakeExchange {
  endpoint: Endpoint;
  request: HttpRequest;
  cb: StreamCallbacks;
  cancelled: boolean;
}

/**
 * A transport the test drives by hand: connections and requests wait until the test answers them, or
 * answer after fixed delays when `connectMs` / `responseMs` are set.
 */
export class FakeTransport implements UpstreamTransport {
  readonly connects: FakeConnection[] = [];
  readonly sends: FakeExchange[] = [];
  constructor(
    private readonly sim: Simulation,
    public connectMs: number | null = null,
    public responseMs: number | null = null,
    public status = 200,
  ) {}

  connect(endpoint: Endpoint, cb: ConnectCallbacks): WireStream {
    const c: FakeConnection = { endpoint, cb, cancelled: false };
    this.connects.push(c);
    if (this.connectMs !== null)
      this.sim.schedule(this.connectMs, (x: FakeConnection) => !x.cancelled && x.cb.onConnected(), c);
    return { cancel: () => void (c.cancelled = true) };
  }

  send(endpoint: Endpoint, request: HttpRequest, cb: StreamCallbacks): WireStream {
    const x: FakeExchange = { endpoint, request, cb, cancelled: false };
    this.sends.push(x);
    if (this.responseMs !== null)
      this.sim.schedule(this.responseMs, (e: FakeExchange) => this.respond(e, this.status), x);
    return { cancel: () => void (x.cancelled = true) };
  }

  respond(x: FakeExchange, status = 200): void {
    if (!x.cancelled) x.cb.onUpstreamResponse({ status, flags: 0 });
  }
}

/** Records ejection events. */
export class EventLog implements EnvoyObserver {
  readonly ejections: EjectionEvent[] = [];
  readonly unejections: UnejectionEvent[] = [];
  onRequestComplete = NULL_OBSERVER.onRequestComplete;
  onUpstreamAttempt = NULL_OBSERVER.onUpstreamAttempt;
  onEjection(e: EjectionEvent): void {
    this.ejections.push(e);
  }
  onUnejection(e: UnejectionEvent): void {
    this.unejections.push(e);
  }
}

/** The stats of the FakeCluster that owns each clock: a Req charges its cluster's counters by default. */
const statsBySim = new WeakMap<Simulation, ClusterStats>();

/**
 * The slice of a cluster that pools and detectors use: real stats and resource manager, hosts in one
 * priority, and a health-change counter.
 */
export class FakeCluster {
  readonly stats = new ClusterStats();
  readonly resourceManager: ResourceManager;
  outlierDetector: OutlierDetectorSink | null = null;
  readonly name = 'outbound|8080||backend.default.svc.cluster.local';
  readonly prioritySet: { hostSets: { hosts: Host[] }[] };
  healthChanges = 0;
  readonly ctx: {
    sim: Simulation;
    transport: FakeTransport;
    sidecar: string;
    observer: EventLog;
  };

  constructor(
    readonly policy: ClusterPolicy,
    hostCount: number,
    sim = new Simulation(),
  ) {
    this.resourceManager = new ResourceManager(policy, this.stats.gauges, sim);
    this.prioritySet = { hostSets: [{ hosts: [] }] };
    for (let i = 0; i < hostCount; i++)
      this.prioritySet.hostSets[0]!.hosts.push(new Host(endpoint(`backend-${i}`)));
    this.ctx = { sim, transport: new FakeTransport(sim), sidecar: 'client-0', observer: new EventLog() };
    statsBySim.set(sim, this.stats);
  }

  get hosts(): Host[] {
    return this.prioritySet.hostSets[0]!.hosts;
  }

  onHostHealthChanged(): void {
    this.healthChanges++;
  }
}

/** Pool callbacks that record what happened to one request. */
export class Req implements PoolCallbacks, StreamCallbacks {
  stream: PoolStream | null = null;
  failure: PoolFailureReason | null = null;
  response: HttpResponse | null = null;
  reset: string | null = null;
  readyAtMs = -1;
  constructor(
    private readonly sim: Simulation,
    readonly name = '',
    /** Where the pool charges this request's per-request counters (default: its cluster's stats). */
    readonly counters: ClusterCounters = statsBySim.get(sim) ?? new ClusterCounters(),
  ) {}
  onPoolReady(stream: PoolStream): void {
    this.stream = stream;
    this.readyAtMs = this.sim.now;
    stream.send(
      {
        method: 'GET',
        scheme: 'http',
        authority: 'backend',
        path: `/${this.name}`,
        headers: new Map(),
        port: 8080,
      },
      this,
    );
  }
  onPoolFailure(reason: PoolFailureReason): void {
    this.failure = reason;
  }
  onUpstreamResponse(r: HttpResponse): void {
    this.response = r;
    this.stream?.done();
  }
  onUpstreamReset(reason: string): void {
    this.reset = reason;
  }
}
