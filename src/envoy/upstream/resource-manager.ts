import type { ClusterPolicy } from '../../config/types.js';

/**
 * One circuit-breaker resource (Envoy ResourceManager's ResourceLimit): a counter and its maximum.
 * Scope: per client Envoy, per cluster, per priority — never mesh-wide (semantics §2.4).
 */
export class Resource {
  count = 0;
  constructor(public max: number) {}
  canCreate(): boolean {
    return this.count < this.max;
  }
  inc(): void {
    this.count++;
  }
  dec(): void {
    this.count--;
  }
  /** circuit_breakers.default.<x>_open: 1 while the resource is at its limit. */
  get open(): 0 | 1 {
    return this.count >= this.max ? 1 : 0;
  }
}

/**
 * The four circuit breakers istiod configures on every outbound cluster (semantics §2.3): limits come from
 * the DestinationRule's connectionPool, 2^32-1 when unset (Istio's default, not Envoy's 1024/1024/1024/3).
 * With a retry budget, the retry limit is dynamic: max(budget% x (active + pending), minRetryConcurrency)
 * [E:resource_manager_impl.h RetryBudgetImpl].
 */
export class ResourceManager {
  readonly connections: Resource;
  readonly pendingRequests: Resource;
  readonly requests: Resource;
  readonly retries: Resource;
  private readonly budget: { percent: number; minRetryConcurrency: number } | undefined;

  constructor(policy: ClusterPolicy) {
    const p = policy.connectionPool;
    this.connections = new Resource(p.tcp.maxConnections);
    this.pendingRequests = new Resource(p.http.http1MaxPendingRequests);
    this.requests = new Resource(p.http.http2MaxRequests);
    this.retries = new Resource(p.http.maxRetries);
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
