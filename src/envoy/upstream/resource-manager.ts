import type { ClusterPolicy, RetryBudgetSettings } from '../../config/types.js';
import type { ClusterGauge } from '../stats/cluster-stats.js';
import { RetryBudgetWindow } from './retry-budget-window.js';

type Gauges = Record<ClusterGauge, number>;

/**
 * One circuit-breaker resource (Envoy ResourceManagerImpl's ManagedResourceImpl): a counter, its maximum
 * and the `circuit_breakers.default.<x>_open` gauge, set to 1 while the resource is at its limit and kept
 * up to date on every inc/dec as Envoy does. Scope: per client Envoy, per cluster, per priority — never
 * mesh-wide (Envoy docs, Circuit breaking).
 */
export class Resource {
  count = 0;
  /**
   * The value last written to the open gauge (-1 before the first inc/dec): the gauge is written only
   * when it changes, since a store with a variable key is a slow keyed store on every request (issue #14),
   * and nothing else writes these gauges.
   */
  private written = -1;
  /** ManagedResourceImpl's `on_inc_cb_`: set on `requests` when the retry budget has a budget_interval. */
  window: RetryBudgetWindow | null = null;
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
    if (this.window !== null) this.window.write();
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
    const open = this.open;
    if (open !== this.written && this.gauges !== null) {
      this.written = open;
      this.gauges[this.openGauge!] = open;
    }
  }
}

/**
 * The four circuit breakers istiod configures on every outbound cluster (Istio cluster_traffic_policy.go applyConnectionPool): limits come from
 * the DestinationRule's connectionPool, 2^32-1 when unset (Istio's default, not Envoy's 1024/1024/1024/3).
 * `connections` (max_connections) is checked by the pools before opening a connection, `pendingRequests`
 * (max_pending_requests) before queueing, `requests` (max_requests) when attaching a stream, `retries`
 * (max_retries) by the router's retry state (Envoy conn_pool_base.cc).
 * With a retry budget, the retry limit is dynamic: max(budget% x (active + pending), minRetryConcurrency)
 * [E:resource_manager_impl.h RetryBudgetImpl]; with a budget_interval (Envoy 1.39, Istio 1.31) the
 * requests started over the interval replace active + pending (retry-budget-window.ts).
 */
export class ResourceManager {
  readonly connections: Resource;
  readonly pendingRequests: Resource;
  readonly requests: Resource;
  readonly retries: Resource;
  private readonly budget: RetryBudgetSettings | undefined;
  private readonly window: RetryBudgetWindow | null = null;

  /**
   * `gauges`: the cluster's stats gauges, so the `circuit_breakers.default.*_open` gauges follow.
   * `clock`: the simulation, read by a retry budget with a budget_interval (required for one).
   */
  constructor(
    policy: ClusterPolicy,
    gauges: Gauges | null = null,
    clock: { readonly now: number } | null = null,
  ) {
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
    const intervalMs = this.budget?.budgetIntervalMs;
    if (intervalMs !== undefined && intervalMs > 0) {
      if (clock === null) throw new Error('a retry budget with budgetInterval needs the simulation clock');
      this.window = new RetryBudgetWindow(intervalMs, clock);
      this.requests.window = this.window;
    }
  }

  /** Whether one more concurrent retry may start (max_retries or the retry budget). */
  canRetry(): boolean {
    if (this.budget === undefined) return this.retries.canCreate();
    return this.retries.count < this.retryLimit();
  }

  /** max_retries, or the retry budget's current limit. */
  retryLimit(): number {
    if (this.budget === undefined) return this.retries.max;
    // The requests of the budget_interval window, else those in flight (active + pending).
    const requests =
      this.window !== null ? this.window.requests() : this.requests.count + this.pendingRequests.count;
    // Envoy converts to uint64: the budget share is truncated before min_retry_concurrency applies.
    return Math.max(Math.floor((this.budget.percent / 100) * requests), this.budget.minRetryConcurrency);
  }

  /** A retry budget replaces max_retries (Envoy RetryBudgetImpl::useRetryBudget; istiod always sets budget_percent). */
  get hasRetryBudget(): boolean {
    return this.budget !== undefined;
  }
}

/**
 * `circuit_breakers.default.remaining_*`: what is left of each limit, kept by Envoy only when istiod sets
 * `track_remaining` (before Istio 1.29: DISABLE_TRACK_REMAINING_CB_METRICS, compatibility-version-1.28.yaml).
 * A gauge is a level, so reading max - count when the stats are read equals Envoy's running value.
 */
export function remainingGauges(rm: ResourceManager): [string, number][] {
  const left = (r: Resource) => Math.max(0, r.max - r.count);
  return [
    ['circuit_breakers.default.remaining_cx', left(rm.connections)],
    ['circuit_breakers.default.remaining_pending', left(rm.pendingRequests)],
    ['circuit_breakers.default.remaining_rq', left(rm.requests)],
    // With a retry budget Envoy holds remaining_retries at 0 (RetryBudgetImpl::clearRemainingGauge: the
    // budget depends on other resources, so a remaining count would be meaningless).
    [
      'circuit_breakers.default.remaining_retries',
      rm.hasRetryBudget ? 0 : Math.max(0, rm.retries.max - rm.retries.count),
    ],
  ];
}
