import type { Distribution } from '../../engine/index.js';
import type { IstioMeshConfig } from '../resolve/mesh-config.js';

/**
 * A resolved scenario: what the manifests cannot say (how apps behave, where pods run, who sends traffic,
 * what breaks when). Durations in ms, rates per second. Built by parseScenario(); docs/scenario.md.
 */
export interface Scenario {
  name: string;
  file: string;
  /** Manifest paths as written, relative to the scenario file. */
  manifests: readonly string[];
  durationMs: number;
  warmupMs: number;
  /**
   * After `durationMs` the load stops and requests in flight run to completion, for at most this long;
   * requests still unfinished then are reported as cut off (docs/scenario.md).
   */
  drainTimeoutMs: number;
  seed: number;
  seriesIntervalMs: number;
  zones: readonly ZoneSpec[];
  network: NetworkSpec;
  /** Per-hop latency and the proxy's worker threads (connection pools are per worker). */
  sidecar: {
    latency: Distribution;
    concurrency: number;
    /** CPU time the istio-proxy spends per request through it, inbound or outbound (ms). */
    cpuPerRequestMs: number;
  };
  kubernetes: { readinessDelayMs: number; startupDelayMs: number; hpa: HpaControllerSettings };
  workloads: ReadonlyMap<string, WorkloadBehaviour>;
  /** Behaviour of workloads the scenario does not list. */
  defaultBehaviour: WorkloadBehaviour;
  traffic: readonly LoadGeneratorSpec[];
  events: readonly ChaosEvent[];
  /**
   * Servers outside the mesh (`spec.external`), keyed by host name or IP: what a ServiceEntry endpoint or a
   * passthrough destination answers (docs/scenario.md "External hosts"). Absent = none listed.
   */
  external?: ReadonlyMap<string, ExternalBehaviour>;
  /** `spec.meshConfig`: Istio's MeshConfig, above the istio ConfigMap when both are given. */
  meshConfig?: IstioMeshConfig;
  /** CI gates (`spec.slo`), checked after the run by the run layer (docs/studies.md). */
  slo?: readonly SloSpec[];
  /** Ambient mode's data plane (`spec.ambient`, docs/ambient.md): nodes, ztunnel hop cost, waypoint replicas. */
  ambient: AmbientSpec;
}

/** `spec.ambient`: what the manifests cannot say about ambient mode (docs/ambient.md). */
export interface AmbientSpec {
  /** Nodes per zone, each running one ztunnel; pods are spread over a zone's nodes round-robin. */
  nodesPerZone: number;
  /** Per ztunnel hop (mTLS and HBONE on the client node, then on the server node). */
  ztunnelLatency: Distribution;
  /** Replicas of a waypoint whose Deployment the manifests do not include. */
  waypointReplicas: number;
}

/** One `spec.slo` entry: an assertion such as `p99(frontend) < 250ms`, with where it was written. */
export interface SloSpec {
  name: string;
  assert: string;
  file: string;
  line: number;
  /** Column of the assertion's first character (parse errors add their offset). */
  column: number;
}

export interface ZoneSpec {
  name: string;
  region: string;
  subZone: string;
}

export interface NetworkSpec {
  /** One-way latency between pods in the same zone, in different zones of a region, across regions. */
  sameZone: Distribution;
  crossZone: Distribution;
  crossRegion: Distribution;
}

export interface DownstreamCall {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  /** Chance the call is made for a given request. */
  probability: number;
  /** The app's own client timeout on this call; 0 = none. */
  timeoutMs: number;
  /** What the app answers when the call fails (>= 500, reset or timeout). */
  onFailure: 'propagate' | 'ignore' | number;
}

/** kube-controller-manager's HPA flags and metrics-server's resolution, in ms. */
export interface HpaControllerSettings {
  syncPeriodMs: number;
  tolerance: number;
  downscaleStabilizationMs: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
  metricResolutionMs: number;
}

export interface WorkloadBehaviour {
  /** Requests served at once per pod; the rest queue. */
  concurrency: number;
  /** The app container's CPU: per request served (ms) and while idle (millicores). */
  cpu: { perRequestMs: number; idleMilli: number };
  /** Queue length at which the app answers 503 at once; 0 = unbounded. */
  queueLimit: number;
  latency: Distribution;
  /** Error mix: each status with its probability (summing to at most 1). */
  errors: readonly { status: number; rate: number }[];
  calls: readonly DownstreamCall[];
  callMode: 'sequential' | 'parallel';
  /** Zones to spread pods over (round-robin); empty = all scenario zones. */
  zones: readonly string[];
}

/** A server outside the mesh: no sidecar, no mTLS (docs/scenario.md "External hosts"). */
export interface ExternalBehaviour {
  /** Requests served at once per address; the rest queue. */
  concurrency: number;
  /** Queue length at which the server answers 503 at once; 0 = unbounded. */
  queueLimit: number;
  latency: Distribution;
  errors: readonly { status: number; rate: number }[];
  /** How many addresses the name resolves to (DNS resolution: one Envoy host each). */
  addresses: number;
  /** One-way network latency from any pod; undefined = by locality (the scenario's network). */
  network?: Distribution;
}

export type RateSchedule =
  | { kind: 'constant'; perSecond: number }
  | { kind: 'steps'; steps: readonly { atMs: number; perSecond: number }[] }
  | { kind: 'ramp'; fromPerSecond: number; toPerSecond: number; overMs: number; startMs: number };

export interface RequestTemplate {
  weight: number;
  method: string;
  url: string;
  /** Fixed headers (names lower-cased). */
  headers: Readonly<Record<string, string>>;
  /** Fixed cookies, rendered into the Cookie header (absent: none). */
  cookies?: Readonly<Record<string, string>>;
  /** Fixed query parameters, appended to the URL (absent: none). */
  queryParams?: Readonly<Record<string, string>>;
  /** Values drawn per request, in declaration order (absent: the template is fixed). */
  generated?: readonly GeneratedValue[];
}

/** A population `prefix1..prefixN` (uniform, or Zipf: value k has weight 1/k^s), or a weighted list. */
export type ValueGenerator =
  | { kind: 'population'; prefix: string; count: number; distribution: 'uniform' | 'zipf'; s: number }
  | { kind: 'list'; values: readonly string[]; weights: readonly number[] };

/** One per-request value of a template: where it goes and how it is drawn. */
export interface GeneratedValue {
  target: 'header' | 'cookie' | 'queryParam';
  /** Header names lower-cased; cookie and parameter names as written. */
  name: string;
  generator: ValueGenerator;
}

export interface LoadGeneratorSpec {
  name: string;
  namespace: string;
  replicas: number;
  labels: Readonly<Record<string, string>>;
  zones: readonly string[];
  /** Open loop (Poisson, total over replicas) or closed loop (connections per generator, like fortio -c). */
  mode: { kind: 'open'; rate: RateSchedule } | { kind: 'closed'; connections: number; qps: number };
  /** Stop after this many requests in total (fortio -n); 0 = until the end. */
  count: number;
  timeoutMs: number;
  startMs: number;
  requests: readonly RequestTemplate[];
  /**
   * Traffic from outside the mesh entering through an ingress gateway: the gateway Service
   * (`namespace/name` or its host) or Deployment (`namespace/name`); absent = through its own sidecar.
   */
  gateway?: string;
}

export type ChaosAction =
  | { kind: 'set'; patch: Partial<WorkloadBehaviour> }
  | { kind: 'crash'; pods: number }
  /** Only the app container crashes; the pod and its sidecar keep running (503 from the sidecar). */
  | { kind: 'crash-container'; pods: number }
  | { kind: 'remove-endpoints'; pods: number }
  | { kind: 'scale'; replicas: number }
  | { kind: 'zone-down'; zone: string }
  | { kind: 'delay'; zones: readonly [string, string]; extraMs: number };

export interface ChaosEvent {
  atMs: number;
  /** `namespace/name` of a Deployment/StatefulSet, for workload actions. */
  target?: string;
  action: ChaosAction;
  /** Revert after this long; 0 = permanent. */
  forMs: number;
}
