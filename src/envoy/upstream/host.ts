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

const HEALTH_MASK = 0xf;
const PRIORITY_SHIFT = 4;
const PRIORITY_MAX = 0x7ff;
const PRIORITY_MASK = PRIORITY_MAX << PRIORITY_SHIFT;
/** Bit 15: an idle placeholder shared by every cluster that lists the endpoint (see `Host.idle`). */
const IDLE_BIT = 0x8000;
/** joinUpdate + 1 counts in units of 2^16 above the health and priority bits. */
const JOIN_UNIT = 0x10000;

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
  /**
   * Health flags (bits 0-3), priority (bits 4-14), the idle-placeholder bit (15) and joinUpdate + 1 (from bit 16, by arithmetic so any
   * count stays exact) in one small integer: three fields in one, since idle (sidecar, endpoint) pairs are
   * the bulk of a large mesh's memory and each field costs 8 bytes per pair (issue #14).
   */
  private packed = 0;
  /** Opaque per-host state owned by the outlier detector. */
  outlier: unknown = undefined;
  /** Opaque per-host state owned by the connection pools. */
  pool: unknown = undefined;

  constructor(readonly endpoint: Endpoint) {}

  /**
   * An idle placeholder: the member-list entry of an endpoint a cluster has never picked, shared by every
   * cluster that lists the endpoint at this priority (issue #14: a sidecar knows thousands of hosts and
   * uses a few). It reads as a fresh Host (no active request, healthy, no pool, no outlier state) and is
   * never written: Cluster.ownHost replaces it with the cluster's own Host before anything records state.
   */
  static idle(endpoint: Endpoint, priority: number): Host {
    const h = new Host(endpoint);
    h.priority = priority;
    h.packed += IDLE_BIT;
    return h;
  }

  /** Whether this is a shared idle placeholder (Host.idle), not a cluster's own Host. */
  get isIdle(): boolean {
    return (this.packed & IDLE_BIT) !== 0;
  }

  get healthy(): boolean {
    return (this.packed & HEALTH_MASK) === 0;
  }

  /** Host::HealthFlag bits (HealthFlag). */
  get healthFlags(): number {
    return this.packed & HEALTH_MASK;
  }
  set healthFlags(f: number) {
    this.assertOwn();
    if (f < 0 || f > HEALTH_MASK) throw new RangeError(`health flags out of range: ${f}`);
    this.packed = this.packed - (this.packed & HEALTH_MASK) + f;
  }

  /** Priority level the host is at in its cluster (set by HostSet.update; 0 without failover). */
  get priority(): number {
    return (this.packed & PRIORITY_MASK) >> PRIORITY_SHIFT;
  }
  set priority(p: number) {
    if (this.isIdle) this.assertOwn();
    if (p < 0 || p > PRIORITY_MAX) throw new RangeError(`priority out of range: ${p}`);
    this.packed = this.packed - (this.packed & PRIORITY_MASK) + (p << PRIORITY_SHIFT);
  }

  /**
   * Which membership update of its cluster the host joined in (-1: never a member); PrioritySet.joinedAtMs
   * turns it into the time (Envoy's last_hc_pass_time as the LB sees it, the start of its slow-start
   * window, Envoy load_balancer_impl.cc applySlowStartFactor). An update number rather than a time: a
   * small integer needs no heap number per host.
   */
  get joinUpdate(): number {
    return Math.floor(this.packed / JOIN_UNIT) - 1;
  }
  set joinUpdate(u: number) {
    this.assertOwn();
    this.packed = (this.packed % JOIN_UNIT) + (u + 1) * JOIN_UNIT;
  }

  private assertOwn(): void {
    if (this.isIdle) throw new Error(`idle placeholder of ${this.endpoint.address} written to`);
  }
}
