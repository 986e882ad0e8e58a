/**
 * Resolved, immutable config: what behaviour code reads (ARCHITECTURE rule 5). Produced once from YAML by
 * the loaders in this folder; every Istio default is already applied (defaults.ts) so behaviour code never
 * re-derives one. Field names follow Istio's API; durations are milliseconds (`...Ms`), percentages are
 * 0-100 numbers, hosts are FQDNs (`reviews.production.svc.cluster.local`).
 *
 * Sources: Istio's API reference (istio.io, VirtualService and DestinationRule) and docs/config.md.
 */

import type { GatewayApiResources } from './resolve/gateway-api-types.js';
import type { IstioProfile } from './istio-version.js';
import type { IstioMeshConfig } from './resolve/mesh-config.js';
import type { ProgressiveDeliveryConfig } from './resolve/rollout-types.js';

export type { IstioMeshConfig };
export type * from './resolve/gateway-api-types.js';

/** Where a resource (or field) came from, for diagnostics and reports. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  source: SourceRef;
  /** `apiVersion` as written (e.g. networking.istio.io/v1beta1). */
  apiVersion?: string;
  /** `metadata.creationTimestamp` when the manifest was exported from a cluster: Istio's precedence key. */
  creationTimestamp?: string;
  /**
   * [line, column] of every node of the resource keyed by its path inside the resource
   * (`spec.http[0].route[1].weight`), so cross-resource analysis can point at exact lines.
   */
  positions?: Readonly<Record<string, readonly [number, number]>>;
}

// ------------------------------------------------------------------------------------------------
// Kubernetes

export interface ServicePort {
  name?: string;
  port: number;
  /** Container port the traffic goes to (resolved from a number or a named container port when known). */
  targetPort: number | string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
  /** Istio protocol selection from the port name prefix / appProtocol: http, http2, grpc, tcp, ... */
  istioProtocol:
    | 'http'
    | 'http2'
    | 'grpc'
    | 'grpc-web'
    | 'https'
    | 'tcp'
    | 'tls'
    | 'mongo'
    | 'redis'
    | 'mysql'
    | 'unknown';
}

export interface ServiceConfig {
  meta: ObjectMeta;
  /** `<name>.<namespace>.svc.cluster.local` */
  fqdn: string;
  selector: Readonly<Record<string, string>>;
  ports: readonly ServicePort[];
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** Kubernetes `spec.trafficDistribution` (PreferClose ...), which forces locality failover in Istio. */
  trafficDistribution?: string;
  /**
   * Set when this registry entry is a ServiceEntry host rather than a Kubernetes Service (Istio
   * serviceentry/conversion.go makes one model.Service per host): `fqdn` is the host as written.
   */
  serviceEntry?: ServiceEntryConfig;
}

export interface WorkloadConfig {
  meta: ObjectMeta;
  kind: 'Deployment' | 'StatefulSet';
  replicas: number;
  /** The istio-proxy's CPU limit (`sidecar.istio.io/proxyCPULimit`), millicores; undefined = none. */
  proxyCpuLimitMilli?: number;
  /** Labels of the pod template: what Services and subsets select. */
  podLabels: Readonly<Record<string, string>>;
  containers: readonly {
    name: string;
    ports: readonly { name?: string; containerPort: number }[];
    /** `resources.requests.cpu` in millicores (the limit when only a limit is set); undefined = not set. */
    cpuRequestMilli?: number;
    /** `resources.limits.cpu` in millicores: a CFS quota (config/resolve/cpu-limits.ts); undefined = none. */
    cpuLimitMilli?: number;
  }[];
  /** Annotations of the pod template (`sidecar.istio.io/proxyCPU` ...). */
  podAnnotations?: Readonly<Record<string, string>>;
  /**
   * The injected istio-proxy's `resources.requests.cpu` in millicores: the pod template's
   * `sidecar.istio.io/proxyCPU`, or undefined for Istio's default (100m).
   */
  proxyCpuRequestMilli?: number;
}

export interface NamespaceConfig {
  meta: ObjectMeta;
}

// ------------------------------------------------------------------------------------------------
// VirtualService

export type StringMatch =
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  /** RE2 syntax, full match (validated with re2js). */
  | { kind: 'regex'; value: string }
  /** `{}` or `regex: "*"`: only presence is checked. */
  | { kind: 'present' };

export interface NamedMatch {
  name: string;
  match: StringMatch;
}

export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers: readonly NamedMatch[];
  withoutHeaders: readonly NamedMatch[];
  queryParams: readonly NamedMatch[];
  ignoreUriCase: boolean;
  /** Not runtime matches: they decide which sidecars/listeners get the route at all. */
  port?: number;
  sourceLabels?: Readonly<Record<string, string>>;
  sourceNamespace?: string;
  gateways: readonly string[];
}

export interface HeaderOperations {
  set: Readonly<Record<string, string>>;
  add: Readonly<Record<string, string>>;
  remove: readonly string[];
}

export interface Headers {
  request: HeaderOperations;
  response: HeaderOperations;
}

export interface Destination {
  /** FQDN when the host names a Kubernetes Service (short names are resolved in the VS namespace). */
  host: string;
  subset?: string;
  port?: number;
}

export interface HttpRouteDestination {
  destination: Destination;
  /** As written; Istio drops weight-0 destinations when there are several and ignores it for one. */
  weight: number;
  headers?: Headers;
}

export interface HttpRewrite {
  uri?: string;
  uriRegexRewrite?: { match: string; rewrite: string };
  authority?: string;
}

export interface HttpRedirect {
  uri?: string;
  authority?: string;
  port?: number;
  derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
  scheme?: string;
  redirectCode: number;
}

export interface HttpDirectResponse {
  status: number;
  body?: string;
}

/**
 * Envoy's RetryPolicy as istiod emits it (Istio retry.go; Envoy retry_state_impl.cc). `null` on the route means no retry policy
 * (`attempts: 0`). When the VS has no `retries`, istiod's default is filled in (defaults.ts).
 */
export interface RetryPolicy {
  /** num_retries: retries after the first try. */
  numRetries: number;
  /** retry_on tokens other than status codes, in order (e.g. connect-failure, 5xx). */
  retryOn: readonly string[];
  retriableStatusCodes: readonly number[];
  perTryTimeoutMs: number; // 0 = none
  /** retry_back_off.base_interval; max_interval is 10x. */
  backoffBaseMs: number;
  /**
   * previous_hosts predicate: istiod's default is true except for consistent-hash destinations.
   * `undefined` = not written in the VS: resolve per destination with `retryHostPredicate()` (defaults.ts).
   */
  retryIgnorePreviousHosts: boolean | undefined;
  hostSelectionRetryMaxAttempts: number;
  retryRemoteLocalities: boolean;
}

export interface FaultInjection {
  delay?: { percentage: number; fixedDelayMs: number };
  abort?: { percentage: number; httpStatus?: number; grpcStatus?: string };
}

export interface MirrorPolicy {
  destination: Destination;
  /** 0-100; Istio's default is 100 when a mirror is set. */
  percentage: number;
}

export interface HttpRoute {
  name?: string;
  /** OR of match blocks; empty = catch-all. */
  match: readonly HttpMatchRequest[];
  route: readonly HttpRouteDestination[];
  redirect?: HttpRedirect;
  directResponse?: HttpDirectResponse;
  rewrite?: HttpRewrite;
  /** Route timeout; 0 = disabled (Istio's default, not Envoy's 15 s). */
  timeoutMs: number;
  retries: RetryPolicy | null;
  fault?: FaultInjection;
  mirrors: readonly MirrorPolicy[];
  headers: Headers;
  /** Parsed, not simulated (browser CORS has no meaning for mesh traffic). */
  corsPolicy?: unknown;
  /**
   * cluster_not_found_response_code when not Envoy's 503: 500 for routes generated from the Gateway API
   * (Istio route.go: gateway semantics answer 500 for invalid backends).
   */
  clusterNotFoundStatus?: number;
  /** A root rule's `delegate` as written (namespace defaulted to the VirtualService's); see `delegates`. */
  delegate?: { name: string; namespace: string };
  source: SourceRef;
}

/**
 * What became of one `delegate` rule of a root VirtualService (resolve/virtual-service-delegate.ts):
 * merged (with the delegate rules dropped for conflicting matches), or dropped as istiod drops it.
 */
export interface DelegateLink {
  /** Index of the root's rule in `writtenHttp`. */
  rule: number;
  target: { name: string; namespace: string };
  status: 'merged' | 'not-found' | 'has-hosts' | 'not-exported';
  /** Indices of the delegate's rules whose matches conflict with the root rule's (istiod drops them). */
  dropped: readonly number[];
  /** How many rules the delegate has (0 unless merged). */
  delegateRules: number;
}

export interface VirtualServiceConfig {
  meta: ObjectMeta;
  /** As resolved: short names become FQDNs in the VS namespace; wildcards and external names kept. */
  hosts: readonly string[];
  gateways: readonly string[];
  exportTo: readonly string[];
  /** The rules proxies get: for a root VirtualService, with its delegates merged in as istiod merges them. */
  http: readonly HttpRoute[];
  /** A root's rules as written (its `delegate` rules included), for analysis positions; absent otherwise. */
  writtenHttp?: readonly HttpRoute[];
  /** A root's delegate rules and what the merge did with each. */
  delegates?: readonly DelegateLink[];
  /** tcp/tls routes are parsed and reported as not simulated. */
  hasTcpOrTls: boolean;
}

// ------------------------------------------------------------------------------------------------
// DestinationRule

export interface ConnectionPoolSettings {
  tcp: {
    maxConnections: number;
    connectTimeoutMs: number;
    maxConnectionDurationMs: number; // 0 = none
    idleTimeoutMs: number; // 0 = Envoy default (1 h)
  };
  http: {
    http1MaxPendingRequests: number;
    http2MaxRequests: number;
    maxRequestsPerConnection: number; // 0 = unlimited
    maxRetries: number;
    idleTimeoutMs: number; // 0 = Envoy default (1 h)
    h2UpgradePolicy: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
    useClientProtocol: boolean;
    maxConcurrentStreams: number; // 0 = Envoy default (2^31-1)
    /** `http2KeepAlive` (Istio 1.31): HTTP/2 PING interval and ACK timeout; absent = no keepalive. */
    http2KeepAlive?: { intervalMs: number; timeoutMs: number };
  };
}

export interface OutlierDetectionSettings {
  consecutive5xxErrors: number; // 0 = disabled
  /** Threshold and whether enforced: absent in Istio → Envoy's 5 but not enforced. */
  consecutiveGatewayErrors: { threshold: number; enforcing: boolean };
  splitExternalLocalOriginErrors: boolean;
  consecutiveLocalOriginFailures: { threshold: number; enforcing: boolean };
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
  /** Also the panic threshold Istio sets when outlier detection is present (default 0). */
  minHealthPercent: number;
  /** `outlierDetectionHttpErrorCodes` (Istio 1.31): only these statuses are errors; absent = 5xx. */
  httpErrorCodes?: readonly number[];
}

export type ConsistentHashKey =
  | { kind: 'header'; name: string }
  | {
      kind: 'cookie';
      name: string;
      path?: string;
      ttlMs?: number;
      attributes?: readonly { name: string; value: string }[];
    }
  | { kind: 'sourceIp' }
  | { kind: 'queryParameter'; name: string };

export interface LocalityLbSetting {
  enabled: boolean;
  distribute: readonly { from: string; to: Readonly<Record<string, number>> }[];
  failover: readonly { from: string; to: string }[];
  failoverPriority: readonly string[];
  /** Failover applies without outlier detection (Service trafficDistribution, istio-version-locality.ts). */
  forced?: boolean;
}

export interface LoadBalancerSettings {
  /** Envoy's lb_policy as istiod chooses it (LEAST_REQUEST when unset, since Istio 1.14). */
  policy: 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM' | 'PASSTHROUGH' | 'RING_HASH' | 'MAGLEV';
  hashKey?: ConsistentHashKey;
  minimumRingSize: number; // RING_HASH, default 1024
  maglevTableSize: number; // MAGLEV, default 65537
  /** LEAST_REQUEST choice count (Envoy default 2; Istio never changes it). */
  choiceCount: number;
  locality: LocalityLbSetting;
  warmup?: { durationMs: number; minimumPercent: number; aggression: number };
  /** `zoneAwareLbSetting` (Istio 1.31), read and validated; see docs/fidelity/versions.md. */
  zoneAware?: {
    enabled: boolean;
    failover: readonly { from: string; to: string }[];
    failoverPriority: readonly string[];
    minClusterSize?: number;
  };
}

/** DR `retryBudget` [I:cluster_traffic_policy.go applyRetryBudget]; budgetIntervalMs only when set (Istio 1.31). */
export interface RetryBudgetSettings {
  percent: number;
  minRetryConcurrency: number;
  budgetIntervalMs?: number;
}

/** One block of a traffic policy as written; absent blocks inherit per Istio's per-block rules. */
export interface TrafficPolicyBlocks {
  connectionPool?: ConnectionPoolSettings;
  outlierDetection?: OutlierDetectionSettings;
  loadBalancer?: LoadBalancerSettings;
  tls?: { mode: string };
  retryBudget?: RetryBudgetSettings;
}

export interface TrafficPolicy extends TrafficPolicyBlocks {
  portLevelSettings: readonly { port: number; policy: TrafficPolicyBlocks }[];
}

export interface Subset {
  name: string;
  labels: Readonly<Record<string, string>>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleConfig {
  meta: ObjectMeta;
  /** FQDN-resolved host the rule applies to (may be a wildcard). */
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets: readonly Subset[];
  exportTo: readonly string[];
  workloadSelector?: Readonly<Record<string, string>>;
}

/**
 * The effective, fully defaulted policy of one Envoy cluster `outbound|PORT|SUBSET|FQDN`, after Istio's
 * port-level replacement and per-block subset override (Istio cluster_traffic_policy.go, policy merge). Built by
 * `effectiveClusterPolicy()` in defaults.ts; this is all envoy/upstream reads.
 */
export interface ClusterPolicy {
  connectionPool: ConnectionPoolSettings;
  /** undefined: no outlier detection configured (then no ejection and no locality failover). */
  outlierDetection?: OutlierDetectionSettings;
  loadBalancer: LoadBalancerSettings;
  /** healthy_panic_threshold: minHealthPercent with outlier detection, else Envoy's 50. */
  panicThresholdPercent: number;
  retryBudget?: RetryBudgetSettings;
  tlsMode?: string;
}

// ------------------------------------------------------------------------------------------------
// Gateway (networking.istio.io): the servers an ingress gateway proxy listens on

/** One `servers[].hosts` entry: `namespace/dnsName`, with `./` already resolved to the Gateway's namespace. */
export interface GatewayHost {
  /** Namespace whose VirtualServices may bind to this host: a name, or `*` (any; also when not written). */
  namespace: string;
  /** FQDN, `*.suffix` wildcard, `*` or an IP, lower-cased. */
  host: string;
}

export interface GatewayServer {
  port: {
    number: number;
    name: string;
    /** Upper-cased: HTTP, HTTP2, GRPC, GRPC-WEB, HTTPS, TLS, TCP, MONGO, REDIS, MYSQL. */
    protocol: string;
  };
  hosts: readonly GatewayHost[];
  /** Absent: no TLS block. Istio's default mode is PASSTHROUGH (enum value 0). */
  tls?: { mode: string; httpsRedirect: boolean };
  bind?: string;
  name?: string;
  /** Position of this server, for diagnostics. */
  source: SourceRef;
}

export interface GatewayConfig {
  meta: ObjectMeta;
  /**
   * Pod labels selecting the gateway proxies; `undefined` when the Gateway has no selector (istiod then
   * applies it to every gateway proxy, push_context.go mergeGateways).
   */
  selector: Readonly<Record<string, string>> | undefined;
  servers: readonly GatewayServer[];
}

// ------------------------------------------------------------------------------------------------
// The whole set of manifests

export interface MeshConfig {
  services: readonly ServiceConfig[];
  workloads: readonly WorkloadConfig[];
  namespaces: readonly NamespaceConfig[];
  virtualServices: readonly VirtualServiceConfig[];
  destinationRules: readonly DestinationRuleConfig[];
  /**
   * Hosts declared by ServiceEntries (not simulated as endpoints, but they exist for Istio's analyzers:
   * a destination naming one is not IST0101).
   */
  serviceEntryHosts?: readonly { host: string; namespace: string }[];
  /** Istio Gateways (ingress gateway servers); absent = none. */
  gateways?: readonly GatewayConfig[];
  /** ServiceEntries, as clusters and virtual hosts of their own (src/mesh/external-registry.ts). */
  serviceEntries?: readonly ServiceEntryConfig[];
  /** Sidecar resources: what each proxy sees (src/mesh/control-plane/sidecar-scope.ts). */
  sidecars?: readonly SidecarConfig[];
  /** Istio's MeshConfig (the `istio` ConfigMap's `mesh` key); absent = Istio's defaults. */
  istioMeshConfig?: IstioMeshConfig;
  /** Gateway API resources as read (gateway.networking.k8s.io); absent = none. */
  gatewayApi?: GatewayApiResources;
  /** HorizontalPodAutoscalers (src/mesh/autoscaling/); absent = none. */
  horizontalPodAutoscalers?: readonly HorizontalPodAutoscalerConfig[];
  /** Flagger Canaries and Argo Rollouts with what they imply resolved (resolve/rollout-expand.ts); absent = none. */
  progressiveDelivery?: ProgressiveDeliveryConfig;
  /** The Istio version the manifests were resolved for (config/istio-version.ts); absent = the newest line. */
  istio?: IstioProfile;
}

// ------------------------------------------------------------------------------------------------
// ServiceEntry, Sidecar and Istio's MeshConfig (issue #16, egress)

/** One `spec.ports[]` entry of a ServiceEntry [A:networking/v1alpha3/service_entry.proto ServicePort]. */
export interface ServiceEntryPort {
  number: number;
  /** As written, upper-cased: HTTP, HTTP2, HTTPS, GRPC, TLS, TCP, MONGO ... (empty = unset). */
  protocol: string;
  name: string;
  /** 0 = unset: an endpoint's port of this name, else `number` (conversion.go convertWorkloadInstanceToServiceInstance). */
  targetPort: number;
}

/** One `spec.endpoints[]` entry (a WorkloadEntry spec) of a ServiceEntry. */
export interface ServiceEntryEndpoint {
  address: string;
  /** Port name → endpoint port. */
  ports: Readonly<Record<string, number>>;
  labels: Readonly<Record<string, string>>;
  /** `region/zone/subzone` as written ('' = unknown). */
  locality: string;
  /** Load-balancing weight; 0 as written means 1 (Istio model/service.go GetLoadBalancingWeight). */
  weight: number;
  network: string;
}

export interface ServiceEntryConfig {
  meta: ObjectMeta;
  /** As written (lower-cased): FQDNs, `*.example.com`. */
  hosts: readonly string[];
  addresses: readonly string[];
  ports: readonly ServiceEntryPort[];
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  endpoints: readonly ServiceEntryEndpoint[];
  workloadSelector?: Readonly<Record<string, string>>;
  exportTo: readonly string[];
}

/** `outboundTrafficPolicy.mode` (MeshConfig and Sidecar). */
export type OutboundTrafficMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** One `spec.egress[]` listener of a Sidecar. */
export interface SidecarEgressListener {
  port?: { number: number; protocol: string; name: string };
  /** `namespace/dnsName` split as written (`.`, `*`, `~` kept; `.` is the proxy's namespace). */
  hosts: readonly { namespace: string; host: string }[];
}

export interface SidecarConfig {
  meta: ObjectMeta;
  workloadSelector?: Readonly<Record<string, string>>;
  egress: readonly SidecarEgressListener[];
  outboundTrafficPolicy?: OutboundTrafficMode;
  /**
   * `inboundConnectionPool`, fully defaulted (defaults.ts): above the DestinationRule and the mesh default
   * for the pod's inbound clusters (Istio cluster_builder.go buildInboundCluster). Read by the inbound side.
   */
  inboundConnectionPool?: ConnectionPoolSettings;
  /** Ingress listeners are parsed and not simulated. */
  hasIngress: boolean;
}

// ------------------------------------------------------------------------------------------------
// HorizontalPodAutoscaler (autoscaling/v2; v1 is converted to v2 as the API server converts it)

/** A metric's target; quantities as milli-values (`Quantity.MilliValue()`). */
export type HpaMetricTarget =
  | { type: 'Utilization'; averageUtilization: number }
  | { type: 'AverageValue'; averageValueMilli: number }
  | { type: 'Value'; valueMilli: number };

export type HpaMetric =
  | { type: 'Resource'; resource: string; target: HpaMetricTarget }
  | { type: 'ContainerResource'; resource: string; container: string; target: HpaMetricTarget }
  | { type: 'Pods'; metric: string; target: HpaMetricTarget }
  | {
      type: 'Object';
      metric: string;
      describedObject: { apiVersion?: string; kind: string; name: string };
      target: HpaMetricTarget;
    }
  | { type: 'External'; metric: string; target: HpaMetricTarget };

export interface HpaScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** One direction of `spec.behavior`, with the API server's defaults filled in (autoscaling/v2 defaults.go). */
export interface HpaScalingRules {
  /** Undefined for scale-down = the controller's --horizontal-pod-autoscaler-downscale-stabilization. */
  stabilizationWindowSeconds: number | undefined;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: readonly HpaScalingPolicy[];
  /** Per-direction tolerance (HPAConfigurableTolerance); undefined = the controller's --horizontal-pod-autoscaler-tolerance. */
  tolerance: number | undefined;
}

export interface HorizontalPodAutoscalerConfig {
  meta: ObjectMeta;
  scaleTargetRef: { apiVersion?: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: readonly HpaMetric[];
  /** Undefined when the object has no `behavior`: the controller's legacy normalisation applies. */
  behavior: { scaleUp: HpaScalingRules; scaleDown: HpaScalingRules } | undefined;
}
