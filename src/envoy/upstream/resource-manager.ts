import type { ClusterPolicy } from '../../config/types.js';
import type { ClusterGauge } from '../stats/cluster-stats.js';

type Gauges = Record<ClusterGauge, number>;

/**
 * One circuit-breaker resource (Envoy ResourceManagerImpl's ManagedResourceImpl): a counter, its maximum
 * and the `circuit_breakers.default.<x>_open` gauge, set to 1 while the resource is at its limit and kept
 * up to date on every inc/dec as Envoy does. Scope: per client Envoy, per cluster, per priority — never
 * mesh-wide (Envoy docs, Circuit breaking).
 */
export class Resource {
  count = 0;
  constructor(
    public max: number,
    private readonly gauges: Gauges | null = null,
    private readonly openGauge: ClusterGauge | null = null,
  ) {}
  canCreate(): boolean {
    return this.count < this.max;
  }
  inc(): void {
    this.count++;
    this.updateOpen();
  }
  dec(): void {
    this.count--;
    this.updateOpen();
  }
  /** circuit_breakers.default.<x>_open: 1 while the resource is at its limit. */
  get open(): 0 | 1 {
    return this.count >= this.max ? 1 : 0;
  }
  private updateOpen(): void {
    if (this.gauges !== null) this.gauges[this.openGauge!] = this.open;
  }
}

/**
 * The four circuit breakers istiod configures on every outbound cluster (Istio cluster_traffic_policy.go applyConnectionPool): limits come from
 * the DestinationRule's connectionPool, 2^32-1 when unset (Istio's default, not Envoy's 1024/1024/1024/3).
 * `connections` (max_connections) is checked by the pools before opening a connection, `pendingRequests`
 * (max_pending_requests) before queueing, `requests` (max_requests) when attaching a stream, `retries`
 * (max_retries) by the router's retry state (Envoy conn_pool_base.cc).
 * With a retry budget, the retry limit is dynamic: max(budget% x (active + pending), minRetryConcurrency)
 * [E:resource_manager_impl.h RetryBudgetImpl].
 */
export class ResourceManager {
  readonly connections: Resource;
  readonly pendingRequests: Resource;
  readonly requests: Resource;
  readonly retries: Resource;
  private readonly budget: { percent: number; minRetryConcurrency: number } | undefined;

  /** `gauges`: the cluster's stats gauges, so the `circuit_breakers.default.*_open` gauges follow. */
  constructor(policy: ClusterPolicy, gauges: Gauges | null = null) {
    const p = policy.connectionPool;
    this.connections = new Resource(p.tcp.maxConnections, gauges, 'circuit_breakers.default.cx_open');
    this.pendingRequests = new Resource(
      p.http.http1MaxPendingRequests,
      gauges,
      'circuit_breakers.default.rq_pending_open',
    );
    this.requests = new Resource(p.http.http2MaxRequests, gauges, 'circuit_breakers.default.rq_open');
    this.retries = new Resource(p.http.maxRetries, gauges, 'circuit_breakers.default.rq_retry_open');
    this.budget = policy.retryBudget;
  }

  /** Whether one more concurrent retry may start (max_retries or the retry budget). */
  canRetry(): boolean {
    if (this.budget === undefined) return this.retries.canCreate();
    const outstanding = this.requests.count + this.pendingRequests.count;
    const max = Math.max((this.budget.percent / 100) * outstanding, this.budget.minRetryConcurrency);
    return this.retries.count < max;
  }
}
