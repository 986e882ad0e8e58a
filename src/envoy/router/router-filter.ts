import { NO_TIMER, type Rng, type Simulation, type TimerHandle } from '../../engine/index.js';
import type { HttpRequest, HttpResponse } from '../http.js';
import type { EnvoyObserver } from '../observer.js';
import { ResponseFlag } from '../response-flags.js';
import type { HttpStats } from '../stats/http-stats.js';
import type { Cluster } from '../upstream/cluster.js';
import type { ClusterManager } from '../upstream/cluster-manager.js';
import type { PoolFailureReason } from '../upstream/conn-pool/conn-pool.js';
import type { Host } from '../upstream/host.js';
import type { LbContext } from '../upstream/load-balancers/load-balancer.js';
import type { ResetReason } from '../upstream/transport.js';
import { decideAbort, decideDelay } from './fault-filter.js';
import { requestHashKey } from './hash-policy.js';
import { applyHeaderOperations } from './header-operations.js';
import { applyRewrite } from './rewrite.js';
import { RetryState, type RetryDecision } from './retry-state.js';
import type { RouteEntry, WeightedCluster } from './route-entry.js';
import type { RouteTable } from './route-table.js';
import { sendShadows } from './shadow.js';
import { AttemptState, type AttemptOwner, UpstreamRequest } from './upstream-request.js';

/** What a sidecar gives its outbound router. */
export interface RouterContext {
  readonly sim: Simulation;
  /** Pod name of this sidecar. */
  readonly sidecar: string;
  readonly sourceIp: string;
  readonly clusters: ClusterManager;
  readonly stats: HttpStats;
  /** Router decisions: weighted-cluster pick, faults, mirroring, back-off. */
  readonly rng: Rng;
  readonly observer: EnvoyObserver;
  /** The route configuration of an outbound port, or undefined when nothing listens there. */
  routeTable(port: number): RouteTable | undefined;
}

/** Receives the one final response of a downstream request. */
export interface DownstreamCallbacks {
  onResponse(response: HttpResponse, info: RequestInfo): void;
}

/** What the router learned about a request, for metrics (Istio's labels) and reports. */
export interface RequestInfo {
  /** Cluster the route chose, if any. */
  cluster: Cluster | null;
  /** Upstream tries made (retries + 1), 0 when answered locally. */
  attempts: number;
  /** Pod of the last host tried. */
  upstreamPod: string | null;
}

/** Phases of a downstream request in the router (ARCHITECTURE rule 7: one explicit state). */
export enum RequestPhase {
  FaultDelay,
  Upstream,
  Backoff,
  Done,
}

const REASON_FLAG: Record<ResetReason, number> = {
  'connection-failure': ResponseFlag.UF,
  'connection-timeout': ResponseFlag.UF,
  'connection-termination': ResponseFlag.UC,
  'remote-reset': ResponseFlag.UR,
  'local-reset': ResponseFlag.LR,
  overflow: ResponseFlag.UO,
};

/**
 * One downstream request through a client sidecar: fault filter, then Envoy's router (semantics §1):
 * route, weighted cluster, global and per-try timeouts, retries with back-off and host re-selection,
 * mirroring, and exactly one final response with its response flags.
 */
export class ActiveRequest implements AttemptOwner, LbContext {
  phase = RequestPhase.FaultDelay;
  private flags = 0;
  private cluster: Cluster | null = null;
  private route: RouteEntry | null = null;
  private retry: RetryState | null = null;
  private attempt: UpstreamRequest | null = null;
  private attempts = 0;
  private lastHost: Host | null = null;
  private triedHosts: Host[] = [];
  private globalTimer: TimerHandle = NO_TIMER;
  private backoffTimer: TimerHandle = NO_TIMER;
  hashKey: number | undefined = undefined;
  hostSelectionRetryMaxAttempts = 0;
  private avoidPreviousHosts = false;
  /** When the app handed the request to the sidecar. */
  readonly startMs: number;

  constructor(
    private readonly ctx: RouterContext,
    readonly request: HttpRequest,
    private readonly downstream: DownstreamCallbacks,
  ) {
    this.startMs = ctx.sim.now;
  }

  /** Decodes the request: route lookup, then the fault filter, then the router. */
  start(): void {
    if (this.phase === RequestPhase.Done) return; // cancelled by the downstream before it got here
    const ctx = this.ctx;
    ctx.stats.rq_total++;
    const action = ctx.routeTable(this.request.port)?.route(this.request) ?? null;
    if (action === null) {
      ctx.stats.no_route++;
      return this.respond({ status: 404, flags: ResponseFlag.NR, details: 'route_not_found' });
    }
    if (action.kind === 'redirect') {
      ctx.stats.rq_redirect++;
      return this.respond({ status: action.redirect.redirectCode, flags: 0, details: 'redirect' });
    }
    if (action.kind === 'direct-response') {
      ctx.stats.rq_direct_response++;
      return this.respond({ status: action.status, flags: 0, details: 'direct_response' });
    }
    this.route = action;
    const delayMs = decideDelay(action.fault, ctx.rng);
    if (delayMs > 0) {
      ctx.stats['fault.delays_injected']++;
      ctx.stats['fault.active_faults']++;
      this.flags |= ResponseFlag.DI;
      ctx.sim.schedule(delayMs, ActiveRequest.onFaultDelayDone, this);
      return;
    }
    this.afterFaults();
  }

  /** The downstream gave up (client timeout / disconnect): reset everything, flag DC. */
  cancelFromDownstream(): void {
    if (this.phase === RequestPhase.Done) return;
    this.flags |= ResponseFlag.DC;
    this.abandonAttempt('local-reset', false);
    this.finish({ status: 0, flags: this.flags, details: 'downstream_remote_disconnect' }, false);
  }

  private static onFaultDelayDone(r: ActiveRequest): void {
    r.ctx.stats['fault.active_faults']--;
    if (r.phase === RequestPhase.Done) return;
    r.afterFaults();
  }

  private afterFaults(): void {
    const ctx = this.ctx;
    const route = this.route!;
    // The abort is drawn after any delay, independently (semantics §1.7). Aborts bypass the router:
    // no retries, no outlier detection, no circuit breakers, no mirroring.
    const abort = decideAbort(route.fault, ctx.rng);
    if (abort !== undefined) {
      ctx.stats['fault.aborts_injected']++;
      const r: HttpResponse = { status: abort.status, flags: this.flags | ResponseFlag.FI, details: 'fault filter abort' };
      if (abort.grpcStatus !== undefined) r.grpcStatus = abort.grpcStatus;
      return this.respond(r);
    }
    const wc = this.pickCluster(route);
    const cluster = ctx.clusters.get(wc.name);
    if (cluster === undefined) {
      ctx.stats.no_cluster++;
      return this.respond({ status: 503, flags: this.flags | ResponseFlag.NC, details: 'cluster_not_found' });
    }
    this.cluster = cluster;
    this.phase = RequestPhase.Upstream;
    const req = this.request;
    applyRewrite(route, req);
    applyHeaderOperations(req.headers, route.requestHeaders);
    applyHeaderOperations(req.headers, wc.requestHeaders);
    const policy = route.retryPolicy;
    if (policy !== null) {
      this.retry = new RetryState(policy, cluster.resourceManager, cluster.stats, ctx.rng);
      // previous_hosts unless consistent hash (semantics §1.6 "Host selection on retry").
      this.avoidPreviousHosts = policy.retryIgnorePreviousHosts ?? route.hashPolicy === undefined;
      this.hostSelectionRetryMaxAttempts = this.avoidPreviousHosts ? policy.hostSelectionRetryMaxAttempts : 0;
    }
    this.hashKey = requestHashKey(route.hashPolicy, req, ctx.sourceIp);
    // The global timer starts when the request is fully received: after the fault delay (§1.5).
    if (route.timeoutMs > 0) this.globalTimer = ctx.sim.schedule(route.timeoutMs, ActiveRequest.onGlobalTimeout, this);
    if (route.mirrors.length > 0) sendShadows(ctx, route, req);
    this.startAttempt();
  }

  private pickCluster(route: RouteEntry): WeightedCluster {
    const cs = route.clusters;
    if (cs.length === 1) return cs[0]!;
    // Envoy: selected = random % total_weight over cumulative [begin, begin + w) intervals (§1.3).
    let selected = this.ctx.rng.uint32() % route.totalWeight;
    for (const c of cs) {
      if (selected < c.weight) return c;
      selected -= c.weight;
    }
    return cs[cs.length - 1]!;
  }

  /** previous_hosts retry predicate (LbContext). */
  shouldSelectAnotherHost(host: Host): boolean {
    return this.avoidPreviousHosts && this.triedHosts.includes(host);
  }

  private startAttempt(): void {
    const ctx = this.ctx;
    const cluster = this.cluster!;
    this.phase = RequestPhase.Upstream;
    this.attempts++;
    // Istio sets include_request_attempt_count on every outbound virtual host (§1.6).
    this.request.headers.set('x-envoy-attempt-count', String(this.attempts));
    const host = cluster.chooseHost(this);
    if (host === null) {
      return this.finish({ status: 503, flags: this.flags | ResponseFlag.UH, details: 'no_healthy_upstream' }, true);
    }
    this.lastHost = host;
    if (this.avoidPreviousHosts) this.triedHosts.push(host);
    const a = new UpstreamRequest(this, host, this.attempts, ctx.sim.now);
    this.attempt = a;
    host.rqActive++;
    const s = cluster.stats;
    s.counters.upstream_rq_total++;
    s.gauges.upstream_rq_active++;
    a.poolHandle = cluster.connPool(host).newStream(a);
  }

  onAttemptReady(a: UpstreamRequest): void {
    const route = this.route!;
    const now = this.ctx.sim.now;
    a.readyAtMs = now;
    // Per-try timer from pool ready; ignored when >= the global timeout (§1.6 "Per-try vs overall").
    const perTry = this.retry === null ? 0 : route.retryPolicy!.perTryTimeoutMs;
    if (perTry > 0 && !(route.timeoutMs > 0 && perTry >= route.timeoutMs)) {
      a.perTryTimer = this.ctx.sim.schedule(perTry, ActiveRequest.onPerTryTimeout, a);
    }
    a.stream!.send(this.request, a);
  }

  onAttemptPoolFailure(a: UpstreamRequest, reason: PoolFailureReason): void {
    this.endAttempt(a);
    if (reason === 'overflow') {
      // Overflow: 503 UO with x-envoy-overloaded; never retried, never seen by outlier detection (§2.5).
      const headers = new Map([['x-envoy-overloaded', 'true']]);
      return this.finish({ status: 503, flags: this.flags | ResponseFlag.UO, headers, details: 'overflow' }, true);
    }
    this.cluster!.outlierDetector?.putResult(a.host, 'local-origin-connect-failed');
    this.afterReset(reason === 'connection-timeout' ? 'connection-timeout' : 'connection-failure', false);
  }

  onAttemptResponse(a: UpstreamRequest, response: HttpResponse): void {
    this.endAttempt(a);
    const cluster = this.cluster!;
    cluster.outlierDetector?.putHttpResponseCode(a.host, response.status);
    cluster.stats.recordCode(response.status);
    this.observeAttempt(a, response.status, response.flags);
    if (this.retry !== null) {
      const d = this.retry.decide(this.retry.wouldRetryResponse(response));
      if (d.kind === 'retry') return this.scheduleRetry(d.backoffMs);
      // Retries exhausted: the last upstream response is returned as-is, plus URX or UO (§1.6).
      return this.finish({ ...response, flags: this.flags | response.flags | this.noRetryFlag(d) }, true);
    }
    this.finish({ ...response, flags: this.flags | response.flags }, true);
  }

  onAttemptReset(a: UpstreamRequest, reason: ResetReason): void {
    this.endAttempt(a);
    const cluster = this.cluster!;
    // Non-split mode: a reset or connect failure reaches outlier detection as a 503 (§3.2).
    if (reason !== 'overflow') cluster.outlierDetector?.putResult(a.host, 'local-origin-connect-failed');
    this.observeAttempt(a, 503, REASON_FLAG[reason]);
    this.afterReset(reason, a.readyAtMs > 0);
  }

  private afterReset(reason: ResetReason, requestSent: boolean): void {
    const flag = REASON_FLAG[reason];
    if (this.retry !== null) {
      const d = this.retry.decide(this.retry.wouldRetryReset(reason, requestSent));
      if (d.kind === 'retry') return this.scheduleRetry(d.backoffMs);
      return this.finish({ status: 503, flags: this.flags | flag | this.noRetryFlag(d), details: resetDetails(reason) }, true);
    }
    this.finish({ status: 503, flags: this.flags | flag, details: resetDetails(reason) }, true);
  }

  private static onPerTryTimeout(a: UpstreamRequest): void {
    const r = a.owner as ActiveRequest;
    a.perTryTimer = NO_TIMER;
    if (a.state !== AttemptState.Sent || r.phase === RequestPhase.Done) return;
    const cluster = r.cluster!;
    cluster.stats.counters.upstream_rq_per_try_timeout++;
    a.abandon('local-reset');
    r.endAttempt(a);
    cluster.outlierDetector?.putResult(a.host, 'local-origin-timeout');
    r.observeAttempt(a, 504, ResponseFlag.UT);
    // A per-try timeout is a local reset: retried only with 5xx, gateway-error or reset (§1.6).
    const d = r.retry!.decide(r.retry!.wouldRetryReset('local-reset', true));
    if (d.kind === 'retry') return r.scheduleRetry(d.backoffMs);
    r.finish({ status: 504, flags: r.flags | ResponseFlag.UT | r.noRetryFlag(d), details: 'upstream per-try timeout' }, true);
  }

  private static onGlobalTimeout(r: ActiveRequest): void {
    r.globalTimer = NO_TIMER;
    if (r.phase === RequestPhase.Done) return;
    const cluster = r.cluster!;
    cluster.stats.counters.upstream_rq_timeout++;
    const a = r.attempt;
    if (a !== null && a.state === AttemptState.Sent) {
      // An attempt still awaiting headers is reported to outlier detection as a timeout (§1.5).
      cluster.outlierDetector?.putResult(a.host, 'local-origin-timeout');
      r.observeAttempt(a, 504, ResponseFlag.UT);
    }
    r.abandonAttempt('local-reset', true);
    r.finish({ status: 504, flags: r.flags | ResponseFlag.UT, details: 'upstream request timeout' }, true);
  }

  private static onBackoffDone(r: ActiveRequest): void {
    r.backoffTimer = NO_TIMER;
    if (r.phase !== RequestPhase.Backoff) return;
    r.startAttempt();
  }

  private scheduleRetry(backoffMs: number): void {
    this.phase = RequestPhase.Backoff;
    this.backoffTimer = this.ctx.sim.schedule(backoffMs, ActiveRequest.onBackoffDone, this);
  }

  private noRetryFlag(d: RetryDecision): number {
    if (d.kind === 'no' && d.reason === 'limit-exceeded') return ResponseFlag.URX;
    if (d.kind === 'no' && d.reason === 'overflow') return ResponseFlag.UO;
    return 0;
  }

  /** Bookkeeping when a try ends for any reason. */
  private endAttempt(a: UpstreamRequest): void {
    if (this.attempt !== a) return;
    this.attempt = null;
    this.ctx.sim.cancel(a.perTryTimer);
    a.perTryTimer = NO_TIMER;
    a.host.rqActive--;
    const s = this.cluster!.stats;
    s.gauges.upstream_rq_active--;
    s.counters.upstream_rq_completed++;
  }

  private abandonAttempt(reason: ResetReason, countAsReset: boolean): void {
    const a = this.attempt;
    if (a === null) return;
    if (countAsReset && a.state === AttemptState.Sent) this.cluster!.stats.counters.upstream_rq_tx_reset++;
    a.abandon(reason);
    this.endAttempt(a);
  }

  private observeAttempt(a: UpstreamRequest, status: number, flags: number): void {
    const ctx = this.ctx;
    ctx.observer.onUpstreamAttempt({
      timeMs: ctx.sim.now,
      sidecar: ctx.sidecar,
      cluster: this.cluster!.name,
      pod: a.host.endpoint.podName,
      status,
      flags,
      latencyMs: ctx.sim.now - a.startMs,
      attempt: a.attempt,
    });
  }

  private respond(r: HttpResponse): void {
    this.finish(r, false);
  }

  private finish(r: HttpResponse, upstream: boolean): void {
    if (this.phase === RequestPhase.Done) return;
    this.phase = RequestPhase.Done;
    const sim = this.ctx.sim;
    sim.cancel(this.globalTimer);
    sim.cancel(this.backoffTimer);
    this.retry?.releaseRetry();
    if (upstream && this.route?.responseHeaders) {
      r.headers = r.headers ?? new Map();
      applyHeaderOperations(r.headers, this.route.responseHeaders);
    }
    const info: RequestInfo = {
      cluster: this.cluster,
      attempts: this.attempts,
      upstreamPod: this.lastHost?.endpoint.podName ?? null,
    };
    this.ctx.observer.onRequestComplete({
      timeMs: sim.now,
      sidecar: this.ctx.sidecar,
      startMs: this.startMs,
      authority: this.request.authority,
      status: r.status,
      flags: r.flags,
      cluster: this.cluster?.name ?? null,
      upstreamPod: info.upstreamPod,
      attempts: this.attempts,
    });
    this.downstream.onResponse(r, info);
  }
}

function resetDetails(reason: ResetReason): string {
  return `upstream connect error or disconnect/reset before headers. reset reason: ${reason.replace('-', ' ')}`;
}
