/** Region/zone/subzone of a pod, from the scenario's zones (Kubernetes topology labels). */
export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

/**
 * A service endpoint (pod IP:port) as the control plane publishes it. Shared by every sidecar; what a
 * sidecar learns about it (active requests, outlier state) lives on its own `Host`.
 */
export interface Endpoint {
  /** Stable identity, unique across the mesh. */
  readonly id: number;
  readonly address: string;
  readonly podName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  /** Load-balancing weight (Kubernetes endpoints: 1). */
  readonly weight: number;
  /** Simulated time the endpoint joined its service (for slow start). */
  readonly addedAtMs: number;
}

/**
 * The endpoints of one service port as EDS delivers them (ready pods only), versioned so each sidecar's
 * cluster can cheaply notice a change the next time it is used.
 */
export interface EndpointSource {
  readonly version: number;
  readonly endpoints: readonly Endpoint[];
}

/** Host health flags (Envoy's Host::HealthFlag subset a sidecar can set by itself). */
export const HealthFlag = {
  FAILED_OUTLIER_CHECK: 1 << 0,
} as const;

/**
 * Envoy's Host: one endpoint as seen by one cluster of one sidecar. Per-Envoy state (active requests for
 * LEAST_REQUEST, outlier-detection state, health flags) lives here, never on the shared endpoint
 * (Envoy docs, Circuit breaking, Envoy outlier_detection_impl.cc).
 */
export class Host {
  /**
   * rq_active: requests attached to a connection to this host from this sidecar's cluster (moved by the
   * pool in attachStreamToClient / onStreamClosed, as Envoy's ConnPoolImplBase does; requests still
   * pending in the pool are not counted).
   */
  rqActive = 0;
  /** Priority level the host is at in its cluster (set by HostSet.update; 0 without failover). */
  priority = 0;
  healthFlags = 0;
  /** Opaque per-host state owned by the outlier detector. */
  outlier: unknown = undefined;
  /** Opaque per-host state owned by the connection pools. */
  pool: unknown = undefined;
  /**
   * Which membership update of its cluster the host joined in (-1: never a member); PrioritySet.joinedAtMs
   * turns it into the time (Envoy's last_hc_pass_time as the LB sees it, the start of its slow-start
   * window, Envoy load_balancer_impl.cc applySlowStartFactor). An update number rather than a time: a
   * small integer needs no heap number per host, and idle (sidecar, endpoint) pairs are the bulk of a
   * large mesh's memory (issue #14).
   */
  joinUpdate = -1;

  constructor(readonly endpoint: Endpoint) {}

  get healthy(): boolean {
    return this.healthFlags === 0;
  }
}
