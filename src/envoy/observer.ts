import type { HttpRequest } from './http.js';
import type { Cluster } from './upstream/cluster.js';
import type { Endpoint } from './upstream/host.js';

/**
 * Typed domain events the data plane emits (ARCHITECTURE rule 8). The model calls these; reports, the
 * web app and tests subscribe. The default sink ignores everything.
 */
export interface EjectionEvent {
  timeMs: number;
  /** Client sidecar (pod name) whose outlier detector acted. */
  sidecar: string;
  cluster: string;
  /** Endpoint address and pod of the host. */
  host: string;
  pod: string;
  /** Why: consecutive_5xx, consecutive_gateway_failure, consecutive_local_origin_failure. */
  reason: string;
  /** Ejection time this ejection was given (base x multiplier, capped), ms. */
  ejectionTimeMs: number;
}

export interface UnejectionEvent {
  timeMs: number;
  sidecar: string;
  cluster: string;
  host: string;
  pod: string;
}

export interface UpstreamAttemptEvent {
  timeMs: number;
  sidecar: string;
  cluster: string;
  pod: string;
  status: number;
  flags: number;
  latencyMs: number;
  /** 1 for the first try, 2.. for retries; 0 for mirrored (shadow) requests. */
  attempt: number;
  /** The downstream request this try belongs to started in the measurement window. */
  measured: boolean;
}

/** A downstream request finished in a client sidecar's router (Istio's reporter=source view). */
export interface RequestCompleteEvent {
  timeMs: number;
  sidecar: string;
  /** When the app handed the request to the sidecar. */
  startMs: number;
  authority: string;
  status: number;
  flags: number;
  /** `outbound|PORT|SUBSET|FQDN` the route chose, or null (no route, local reply). */
  cluster: string | null;
  /** Pod of the last upstream host tried, or null. */
  upstreamPod: string | null;
  attempts: number;
  /** The downstream request itself (method, path, headers: for access logs; a reference, not a copy). */
  request: HttpRequest;
  /** `IP:port` of the last upstream host tried (access logs' %UPSTREAM_HOST%), or null. */
  upstreamHost: string | null;
  /**
   * The cluster and the last host's endpoint themselves (Envoy's StreamInfo keeps the ClusterInfo and the
   * HostDescription): listeners find their per-cluster and per-endpoint state by identity, not by name.
   */
  clusterInfo: Cluster | null;
  upstreamEndpoint: Endpoint | null;
  /** Name of the route that matched (%ROUTE_NAME%), or null when none did. */
  route: string | null;
}

export interface EnvoyObserver {
  onRequestComplete(e: RequestCompleteEvent): void;
  onEjection(e: EjectionEvent): void;
  onUnejection(e: UnejectionEvent): void;
  onUpstreamAttempt(e: UpstreamAttemptEvent): void;
}

export const NULL_OBSERVER: EnvoyObserver = {
  onRequestComplete() {},
  onEjection() {},
  onUnejection() {},
  onUpstreamAttempt() {},
};
