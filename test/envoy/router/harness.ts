import { effectiveClusterPolicy } from '../../../src/config/index.js';
import type { ClusterPolicy, RetryPolicy } from '../../../src/config/types.js';
import { RandomStreams, Simulation } from '../../../src/engine/index.js';
import {
  ActiveRequest,
  type ClusterDirectory,
  ClusterManager,
  type ClusterSpec,
  clusterName,
  type ConnectCallbacks,
  type Endpoint,
  type EnvoyObserver,
  type HttpRequest,
  type HttpResponse,
  HttpStats,
  type RequestCompleteEvent,
  type RequestInfo,
  type ResetReason,
  type StreamCallbacks,
  type UpstreamAttemptEvent,
  type UpstreamTransport,
  type WireStream,
} from '../../../src/envoy/index.js';
import {
  type Route,
  type RouteAction,
  type RouteEntry,
  RouteTable,
} from '../../../src/envoy/router/index.js';

/** What a fake upstream pod does with one request: answer after a delay, reset, or never answer. */
export type Reply =
  | { delayMs: number; status: number; grpcStatus?: number }
  | { delayMs: number; reset: ResetReason }
  | 'blackhole';

export interface SentRequest {
  timeMs: number;
  pod: string;
  path: string;
  authority: string;
  headers: Map<string, string>;
}

interface Pending {
  t: FakeTransport;
  cb: StreamCallbacks;
  reply: Reply;
  cancelled: boolean;
}

/** A transport whose pods answer by script; it records every request that reached a pod. */
export class FakeTransport implements UpstreamTransport {
  readonly sent: SentRequest[] = [];
  /** How long a connect to a pod takes; null: it never completes (the pool's connect timeout decides). */
  connectMs: (pod: string) => number | null = () => 0;
  constructor(
    private readonly sim: Simulation,
    private readonly behaviour: (pod: string, request: HttpRequest, n: number) => Reply,
  ) {}

  connect(endpoint: Endpoint, cb: ConnectCallbacks): WireStream {
    const c = { cb, cancelled: false };
    const ms = this.connectMs(endpoint.podName);
    if (ms !== null)
      this.sim.schedule(ms, (x: typeof c) => (x.cancelled ? undefined : x.cb.onConnected()), c);
    return { cancel: () => (c.cancelled = true) };
  }

  send(endpoint: Endpoint, request: HttpRequest, cb: StreamCallbacks): WireStream {
    const n = this.sent.filter((s) => s.pod === endpoint.podName).length;
    this.sent.push({
      timeMs: this.sim.now,
      pod: endpoint.podName,
      path: request.path,
      authority: request.authority,
      headers: new Map(request.headers),
    });
    const reply = this.behaviour(endpoint.podName, request, n);
    const p: Pending = { t: this, cb, reply, cancelled: false };
    if (reply !== 'blackhole') this.sim.schedule(reply.delayMs, FakeTransport.deliver, p);
    return { cancel: () => (p.cancelled = true) };
  }

  private static deliver(p: Pending): void {
    if (p.cancelled || p.reply === 'blackhole') return;
    if ('reset' in p.reply) return p.cb.onUpstreamReset(p.reply.reset);
    const r: HttpResponse = { status: p.reply.status, flags: 0 };
    if (p.reply.grpcStatus !== undefined) r.grpcStatus = p.reply.grpcStatus;
    p.cb.onUpstreamResponse(r);
  }
}

let nextId = 0;
export function endpoint(pod: string, labels: Record<string, string> = {}): Endpoint {
  return {
    id: nextId++,
    address: `10.0.0.${nextId}:8080`,
    podName: pod,
    labels,
    locality: { region: 'r', zone: 'z', subZone: '' },
    weight: 1,
    addedAtMs: 0,
  };
}

export const HOST = 'svc.ns.svc.cluster.local';
export const DEFAULT_POLICY: ClusterPolicy = effectiveClusterPolicy(undefined, undefined, 8080);

/** Clusters of `svc`: `outbound|8080|<subset>|HOST` for each subset given (and '' for the default). */
export function directory(
  subsets: Record<string, Endpoint[]>,
  policy: ClusterPolicy = DEFAULT_POLICY,
): ClusterDirectory {
  const specs = new Map<string, ClusterSpec>();
  for (const [subset, eps] of Object.entries(subsets)) {
    const name = clusterName(8080, subset, HOST);
    specs.set(name, {
      name,
      serviceHost: HOST,
      port: 8080,
      subset,
      subsetLabels: {},
      policy,
      endpoints: { version: 1, endpoints: eps },
      protocol: 'http1',
    });
  }
  return { lookup: (n) => specs.get(n) };
}

export const RETRY_5XX: RetryPolicy = {
  numRetries: 2,
  retryOn: ['5xx'],
  retriableStatusCodes: [],
  perTryTimeoutMs: 0,
  backoffBaseMs: 25,
  retryIgnorePreviousHosts: true,
  hostSelectionRetryMaxAttempts: 5,
  retryRemoteLocalities: false,
};

export const ISTIO_DEFAULT_RETRY: RetryPolicy = {
  numRetries: 2,
  retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
  retriableStatusCodes: [],
  perTryTimeoutMs: 0,
  backoffBaseMs: 25,
  retryIgnorePreviousHosts: true,
  hostSelectionRetryMaxAttempts: 5,
  retryRemoteLocalities: false,
};

/** A route to `outbound|8080|<subset>|HOST` with Istio's defaults, overridable. */
export function routeTo(subset = '', overrides: Partial<RouteEntry> = {}): RouteEntry {
  return {
    kind: 'route',
    name: 'test',
    clusters: [{ name: clusterName(8080, subset, HOST), weight: 1 }],
    totalWeight: 1,
    timeoutMs: 0,
    retryPolicy: ISTIO_DEFAULT_RETRY,
    retryPreviousHosts: true,
    mirrors: [],
    ...overrides,
  };
}

export function catchAll(action: RouteAction): Route {
  return { match: { path: { kind: 'prefix', value: '/', caseSensitive: true }, conditions: [] }, action };
}

export interface Done {
  response: HttpResponse;
  info: RequestInfo;
  timeMs: number;
}

/** A client sidecar with one route table, a scripted upstream and recorded events. */
export class Harness {
  readonly sim = new Simulation();
  readonly streams = new RandomStreams(1);
  readonly stats = new HttpStats();
  readonly attempts: UpstreamAttemptEvent[] = [];
  readonly completes: RequestCompleteEvent[] = [];
  readonly transport: FakeTransport;
  readonly clusters: ClusterManager;
  readonly done: Done[] = [];
  private table: RouteTable;

  constructor(
    routes: Route[],
    dir: ClusterDirectory,
    behaviour: (pod: string, request: HttpRequest, n: number) => Reply,
    rngName = 'router',
  ) {
    this.transport = new FakeTransport(this.sim, behaviour);
    const observer: EnvoyObserver = {
      onRequestComplete: (e) => this.completes.push(e),
      onEjection() {},
      onUnejection() {},
      onUpstreamAttempt: (e) => this.attempts.push(e),
    };
    this.observer = observer;
    this.clusters = new ClusterManager(dir, {
      sim: this.sim,
      streams: this.streams,
      sidecar: 'client',
      locality: { region: 'r', zone: 'z', subZone: '' },
      transport: this.transport,
      observer,
    });
    this.rng = this.streams.stream(rngName);
    this.table = new RouteTable([{ name: 'vh', domains: ['svc', 'svc:8080'], routes }]);
  }

  readonly observer: EnvoyObserver;
  readonly rng;
  readonly sidecar = 'client';
  readonly sourceIp = '10.1.1.1';
  /** Start of the measurement window (0: every request is measured). */
  measureFromMs = 0;

  routeTable(_port: number): RouteTable | undefined {
    return this.table;
  }

  /** Sends a request at the current time and returns the record its response lands in. */
  send(path = '/', headers: Record<string, string> = {}, authority = 'svc:8080'): ActiveRequest {
    const request: HttpRequest = {
      method: 'GET',
      scheme: 'http',
      authority,
      path,
      headers: new Map(Object.entries(headers)),
      port: 8080,
    };
    const r = new ActiveRequest(this, request, {
      onResponse: (response, info) => this.done.push({ response, info, timeMs: this.sim.now }),
    });
    r.start();
    return r;
  }

  run(untilMs = 1e9): void {
    this.sim.runUntil(untilMs);
  }
}
