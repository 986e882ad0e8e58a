/** The data plane: one module per Envoy concept, named in Envoy's words. */
export type { HttpRequest, HttpResponse } from './http.js';
export { cloneRequest } from './http.js';
export { type HeaderMap, SharedHeaders } from './header-map.js';
export { formatResponseFlags, RESET_REASON_FLAG, ResponseFlag } from './response-flags.js';
export type { ResponseFlagName } from './response-flags.js';
export type {
  EnvoyObserver,
  EjectionEvent,
  UnejectionEvent,
  UpstreamAttemptEvent,
  RequestCompleteEvent,
} from './observer.js';
export { NULL_OBSERVER } from './observer.js';
export {
  ClusterCounters,
  ClusterStats,
  CLUSTER_COUNTERS,
  CLUSTER_GAUGES,
  DISCARDED_CLUSTER_COUNTERS,
  reportedCounter,
} from './stats/cluster-stats.js';
export { remainingGauges } from './upstream/resource-manager.js';
export type { ClusterCounter, ClusterGauge } from './stats/cluster-stats.js';
export { DISCARDED_HTTP_STATS, HttpStats } from './stats/http-stats.js';
export type { Endpoint, EndpointSource, Locality } from './upstream/host.js';
export { Host, HealthFlag } from './upstream/host.js';
export type { ClusterSpec, ClusterDirectory } from './upstream/cluster-spec.js';
export { clusterName } from './upstream/cluster-spec.js';
export { Cluster } from './upstream/cluster.js';
export type { ClusterContext } from './upstream/cluster.js';
export type { LocalCluster } from './upstream/locality/index.js';
export { ClusterManager } from './upstream/cluster-manager.js';
export type {
  UpstreamTransport,
  ConnectCallbacks,
  StreamCallbacks,
  WireStream,
  ResetReason,
} from './upstream/transport.js';
export * from './router/index.js';
