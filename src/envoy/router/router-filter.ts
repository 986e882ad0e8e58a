import { NO_TIMER, type Rng, type Simulation, type TimerHandle } from '../../engine/index.js';
import type { HttpRequest, HttpResponse } from '../http.js';
import type { EnvoyObserver } from '../observer.js';
import { RESET_REASON_FLAG, ResponseFlag } from '../response-flags.js';
import { type ClusterCounters, DISCARDED_CLUSTER_COUNTERS } from '../stats/cluster-stats.js';
import { DISCARDED_HTTP_STATS, type HttpStats } from '../stats/http-stats.js';
import type { Cluster } from '../upstream/cluster.js';
import type { ClusterManager } from '../upstream/cluster-manager.js';
import type { PoolFailureReason } from '../upstream/conn-pool/conn-pool.js';
import type { Host } from '../upstream/host.js';
import type { PrioritySet } from '../upstream/host-set.js';
import type { LbContext } from '../upstream/load-balancers/load-balancer.js';
import type { ResetReason } from '../upstream/transport.js';
import { decideAbort, decideDelay } from './fault-filter.js';
import { requestHashKey } from './hash-policy.js';
import { redirectLocation } from './redirect.js';
import { PreviousPrioritiesRetryPriority } from './retry-priority.js';
import type { RetryPolicy } from '../../config/types.js';
import {
  NOT_RETRIABLE,
  type RetryDecision,
  RetryState,
  retryOnBits,
  wouldRetryReset,
  wouldRetryResponse,
} from './retry-state.js';
import { applyRewrite } from './rewrite.js';
import type { RouteAction, RouteEntry, WeightedCluster } from './route-entry.js';
import type { RouteTable } from './route-table.js';
import { sendShadows } from './shadow.js';
import { type AttemptOwner, AttemptState, UpstreamRequest } from './upstream-request.js';

/** What a sidecar gives its outbound router. */
export interface RouterContext {
  readonly sim: Simulation;
  /** Pod name of this sidecar. */
  readonly sidecar: string;
  readonly sourceIp: string;
  readonly clusters: ClusterManager;
  readonly stats: HttpStats;
  /**
   * Start of the measurement window: a request handed over at or after this time charges its
   * per-request counters to the real stats, an earlier one to the discard instances (gauges are real
   * for both).
   */
  readonly measureFromMs: number;
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

/**
 * What the router learned about a request, for metrics (Istio's labels) and reports. The finished
 * ActiveRequest itself (no record per request; issue #14): nothing changes it after its response.
 */
export interface RequestInfo {
  /** Cluster the route chose, if any. */
  readonly cluster: Cluster | null;
  /** Upstream tries made (retries + 1), 0 when answered locally. */
  readonly attempts: number;
  /** Pod of the last host tried. */
  readonly upstreamPod: string | null;
}

/** Phases of a downstream request in the sidecar (ARCHITECTURE rule 7: one explicit state). */
export enum RequestPhase {
  /** Handed to the sidecar, not decoded yet. */
  Created,
  /** The fault filter holds the request for its injected delay. */
  FaultDelay,
  /** An attempt is pending in a pool or in flight upstream. */
  Upstream,
  /** Waiting out a retry back-off. */
  Backoff,
  Done,
}

/** Envoy's request headers that override the route's timeouts; consumed (removed) by the router (Envoy router.cc FilterUtility::finalTimeout). */
const RQ_TIMEOUT_HEADER = 'x-envoy-upstream-rq-timeout-ms';
const PER_TRY_TIMEOUT_HEADER = 'x-envoy-upstream-rq-per-try-timeout-ms';

/** ActiveRequest's yes/no facts, as bits of one field (each field is 8 bytes of every request). */
const MEASURED = 1;
/** The router (not the fault filter) produced the response: route response headers apply. */
const ROUTED = 2;
/** The route's retry policy has the previous_hosts predicate. */
const AVOID_PREVIOUS_HOSTS = 4;

/**
 * One downstream request through a client sidecar: the fault filter, then Envoy's router (Istio route.go):
 * route, weighted cluster, rewrites and header operations, global and per-try timeouts, retries with
 * back-off and host re-selection, mirroring, and exactly one final response with its response flags.
 */
export class ActiveRequest implements AttemptOwner, LbContext, RequestInfo {
  phase = RequestPhase.Created;
  private flags = 0;
  /** MEASURED | ROUTED | AVOID_PREVIOUS_HOSTS. */
  private facts = 0;
  private action: RouteAction | null = null;
  private weighted: WeightedCluster | null = null;
  /** RequestInfo: the cluster the route chose (written only by this router). */
  cluster: Cluster | null = null;
  /** The route's retry policy and its retry_on bits, or null: no retries. */
  private retryPolicy: RetryPolicy | null = null;
  private retryBits = 0;
  /** Created when the first retry is wanted (decideRetry): most requests never need one. */
  private retry: RetryState | null = null;
  private attempt: UpstreamRequest | null = null;
  /** RequestInfo: tries made so far (written only by this router). */
  attempts = 0;
  private lastHost: Host | null = null;
  /**
   * Every host tried so far, for the previous_hosts predicate: allocated on the second try, and only
   * with the predicate (before it, the one host tried is lastHost).
   */
  private triedHosts: Host[] | null = null;
  private retryPriority: PreviousPrioritiesRetryPriority | null = null;
  /** LbContext's retry priority hook; set only when the route has retryRemoteLocalities. */
  determinePriorityLoad?: (ps: PrioritySet, original: readonly number[]) => readonly number[];
  private perTryTimeoutMs = 0;
  private globalTimer: TimerHandle = NO_TIMER;
  private backoffTimer: TimerHandle = NO_TIMER;
  hashKey: number | undefined = undefined;
  hostSelectionRetryMaxAttempts = 0;
  /** When the app handed the request to the sidecar. */
  readonly startMs: number;

  /** RequestInfo: the pod of the last host tried. */
  get upstreamPod(): string | null {
    return this.lastHost?.endpoint.podName ?? null;
  }
  /** Decided once at construction: startMs inside the measurement window. */
  get measured(): boolean {
    return (this.facts & MEASURED) !== 0;
  }
  /** Per-request HTTP counters: the sidecar's HttpStats when measured, else the discard instance. */
  private get http(): HttpStats {
    return (this.facts & MEASURED) !== 0 ? this.ctx.stats : DISCARDED_HTTP_STATS;
  }
  /** Per-request cluster counters: the cluster's stats when measured, else the discard instance. */
  private counters: ClusterCounters = DISCARDED_CLUSTER_COUNTERS;

  constructor(
    private readonly ctx: RouterContext,
    readonly request: HttpRequest,
    private readonly downstream: DownstreamCallbacks,
    /** The Envoy worker thread that owns the downstream connection (its pools serve every try). */
    readonly worker = 0,
  ) {
    this.startMs = ctx.sim.now;
    if (this.startMs >= ctx.measureFromMs) this.facts = MEASURED;
  }

  /** Decodes the request: route lookup, the fault filter (delay, then abort), then the router. */
  start(): void {
    if (this.phase !== RequestPhase.Created) return; // cancelled by the downstream before it got here
    const ctx = this.ctx;
    this.http.rq_total++;
    const action = ctx.routeTable(this.request.port)?.route(this.request) ?? null;
    this.action = action;
    // The fault filter runs before the router with the route's per-filter config (Istio route.go TranslateFault; Envoy fault_filter.cc).
    const fault = action !== null && action.kind !== 'redirect' ? action.fault : undefined;
    const delayMs = decideDelay(fault, ctx.rng);
    if (delayMs > 0) {
      this.http['fault.delays_injected']++;
      // A gauge (a level): always the sidecar's real stats.
      ctx.stats['fault.active_faults']++;
      this.flags |= ResponseFlag.DI;
      this.phase = RequestPhase.FaultDelay;
      ctx.sim.schedule(delayMs, ActiveRequest.onFaultDelayDone, this);
      return;
    }
    this.afterDelay();
  }

  /** The downstream gave up (client timeout / disconnect): reset everything, flag DC. */
  cancelFromDownstream(): void {
    if (this.phase === RequestPhase.Done) return;
    this.flags |= ResponseFlag.DC;
    this.abandonAttempt('local-reset', false);
    this.finish({ status: 0, flags: this.flags, details: 'downstream_remote_disconnect' });
  }

  private static onFaultDelayDone(r: ActiveRequest): void {
    r.ctx.stats['fault.active_faults']--;
    if (r.phase !== RequestPhase.FaultDelay) return;
    r.afterDelay();
  }

  private afterDelay(): void {
    const ctx = this.ctx;
    const action = this.action;
    // The abort is drawn after any delay, independently (Istio route.go TranslateFault; Envoy fault_filter.cc). Aborts bypass the router: no retries,
    // no outlier detection, no circuit breakers, no mirroring.
    const abort = action !== null && action.kind !== 'redirect' ? decideAbort(action.fault, ctx.rng) : null;
    if (abort !== null) {
      this.http['fault.aborts_injected']++;
      const r: HttpResponse = {
        status: abort.status,
        flags: this.flags | ResponseFlag.FI,
        details: 'fault filter abort',
      };
      if (abort.grpcStatus !== undefined) r.grpcStatus = abort.grpcStatus;
      return this.finish(r);
    }
    this.facts |= ROUTED;
    this.decodeRoute(action);
  }

  /** Envoy's router decodeHeaders: no route (404 NR), redirect, direct response, or upstream. */
  private decodeRoute(action: RouteAction | null): void {
    const ctx = this.ctx;
    if (action === null) {
      this.http.no_route++;
      return this.finish({ status: 404, flags: this.flags | ResponseFlag.NR, details: 'route_not_found' });
    }
    if (action.kind === 'redirect') {
      this.http.rq_redirect++;
      const headers = new Map([['location', redirectLocation(action, this.request)]]);
      return this.finish({ status: action.status, flags: this.flags, headers, details: 'redirect' });
    }
    if (action.kind === 'direct-response') {
      this.http.rq_direct_response++;
      return this.finish({
        status: action.status,
        flags: this.flags,
        details: action.body ?? 'direct_response',
      });
    }
    const route = action;
    const wc = this.pickCluster(route);
    this.weighted = wc;
    const cluster = ctx.clusters.get(wc.name);
    if (cluster === undefined) {
      // cluster_not_found_response_code: 503 by default (Istio route.go BuildSidecarVirtualHostWrapper).
      this.http.no_cluster++;
      const status = route.clusterNotFoundStatus ?? 503;
      return this.finish({ status, flags: this.flags | ResponseFlag.NC, details: 'cluster_not_found' });
    }
    this.cluster = cluster;
    if ((this.facts & MEASURED) !== 0) this.counters = cluster.stats;
    const req = this.request;
    // finalizeRequestHeaders: the weighted cluster's operations, then the route's (the less specific
    // level wins conflicts, Envoy's default), then host and path rewrites.
    wc.requestHeaders?.apply(req.headers);
    route.requestHeaders?.apply(req.headers);
    applyRewrite(route, wc, req);
    const timeoutMs = this.resolveTimeouts(route);
    const policy = route.retryPolicy;
    if (policy !== null) {
      // retryRemoteLocalities: Envoy's previous_priorities with update_frequency 2 [I:retry.go].
      if (policy.retryRemoteLocalities) {
        const rp = new PreviousPrioritiesRetryPriority(2);
        this.retryPriority = rp;
        this.determinePriorityLoad = (ps, original) => rp.determinePriorityLoad(ps, original);
      }
      this.retryPolicy = policy;
      this.retryBits = retryOnBits(policy);
      if (route.retryPreviousHosts) this.facts |= AVOID_PREVIOUS_HOSTS;
      this.hostSelectionRetryMaxAttempts = route.retryPreviousHosts
        ? policy.hostSelectionRetryMaxAttempts
        : 0;
    }
    this.hashKey = requestHashKey(route.hashPolicy, req, ctx.sourceIp);
    // The global timer starts when the request is fully received: after any fault delay (Envoy router.cc FilterUtility::finalTimeout).
    if (timeoutMs > 0)
      this.globalTimer = ctx.sim.scheduleFixed(timeoutMs, ActiveRequest.onGlobalTimeout, this);
    if (route.mirrors.length > 0) sendShadows(ctx, route, req, timeoutMs, this.worker, this.measured);
    this.startAttempt();
  }

  /**
   * FilterUtility::finalTimeout (Envoy router.cc FilterUtility::finalTimeout, Istio retry.go; Envoy retry_state_impl.cc): the route timeout, overridden by
   * x-envoy-upstream-rq-timeout-ms; the per-try timeout from the retry policy, overridden by
   * x-envoy-upstream-rq-per-try-timeout-ms; a per-try timeout >= a non-zero global one is ignored.
   *
   * NOTE: simplification: gRPC's grpc-timeout header (used when the route timeout is 0) and the
   * x-envoy-expected-rq-timeout-ms header Envoy adds to each try are not modelled.
   * Keeps the per-try timeout; returns the global one (only decodeRoute needs it).
   */
  private resolveTimeouts(route: RouteEntry): number {
    const h = this.request.headers;
    let global = route.timeoutMs;
    let perTry = route.retryPolicy?.perTryTimeoutMs ?? 0;
    const g = h.get(RQ_TIMEOUT_HEADER);
    if (g !== undefined) {
      h.delete(RQ_TIMEOUT_HEADER);
      const v = Number(g);
      if (Number.isInteger(v) && v >= 0) global = v;
    }
    const p = h.get(PER_TRY_TIMEOUT_HEADER);
    if (p !== undefined) {
      h.delete(PER_TRY_TIMEOUT_HEADER);
      const v = Number(p);
      if (Number.isInteger(v) && v >= 0) perTry = v;
    }
    if (global > 0 && perTry >= global) perTry = 0;
    this.perTryTimeoutMs = perTry;
    return global;
  }

  private pickCluster(route: RouteEntry): WeightedCluster {
    const cs = route.clusters;
    if (cs.length === 1) return cs[0]!;
    // Envoy: selected = random % total_weight over cumulative [begin, begin + w) intervals (Istio route.go weighted clusters).
    let selected = this.ctx.rng.uint32() % route.totalWeight;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (selected < c.weight) return c;
      selected -= c.weight;
    }
    return cs[cs.length - 1]!;
  }

  /** previous_hosts retry predicate (LbContext): reject a host this request already tried. */
  shouldSelectAnotherHost(host: Host): boolean {
    if ((this.facts & AVOID_PREVIOUS_HOSTS) === 0) return false;
    const tried = this.triedHosts;
    return tried === null ? host === this.lastHost : tried.includes(host);
  }

  private startAttempt(): void {
    const ctx = this.ctx;
    const cluster = this.cluster!;
    this.phase = RequestPhase.Upstream;
    this.attempts++;
    // Istio sets include_request_attempt_count on every outbound virtual host (Istio retry.go; Envoy retry_state_impl.cc).
    this.request.headers.set('x-envoy-attempt-count', String(this.attempts));
    const host = cluster.chooseHost(this);
    if (host === null) return this.sendNoHealthyUpstreamResponse();
    const previous = this.lastHost;
    if (previous !== null && (this.facts & AVOID_PREVIOUS_HOSTS) !== 0)
      (this.triedHosts ??= [previous]).push(host);
    this.lastHost = host;
    this.retryPriority?.onHostAttempted(host);
    const a = new UpstreamRequest(this, host, this.attempts, ctx.sim.now, this.counters);
    this.attempt = a;
    // upstream_rq_total / upstream_rq_active and the host's rq_active move in the pool, when the try is
    // attached to a connection (ConnPoolImplBase::attachStreamToClient), not here.
    a.poolHandle = cluster.connPool(host, this.worker).newStream(a);
  }

  /**
   * No host to try, on the first try or a retry: the cluster manager counts `upstream_cx_none_healthy`
   * (ClusterManagerImpl ClusterEntry::httpConnPoolImpl) and the router charges 503 and answers 503 UH
   * (Filter::sendNoHealthyUpstreamResponse -> chargeUpstreamCode).
   */
  private sendNoHealthyUpstreamResponse(): void {
    const c = this.counters;
    c.counters.upstream_cx_none_healthy++;
    c.chargeResponse(503);
    this.finish({ status: 503, flags: this.flags | ResponseFlag.UH, details: 'no healthy upstream' });
  }

  onAttemptReady(a: UpstreamRequest): void {
    // The per-try timer starts at pool ready: time queued in the pool does not count (Istio retry.go; Envoy retry_state_impl.cc).
    if (this.perTryTimeoutMs > 0)
      a.perTryTimer = this.ctx.sim.scheduleFixed(this.perTryTimeoutMs, ActiveRequest.onPerTryTimeout, a);
    a.stream!.send(this.request, a);
  }

  onAttemptPoolFailure(a: UpstreamRequest, reason: PoolFailureReason): void {
    this.endAttempt(a);
    const r: ResetReason =
      reason === 'overflow'
        ? 'overflow'
        : reason === 'connection-timeout'
          ? 'connection-timeout'
          : 'connection-failure';
    this.onReset(a, r, false);
  }

  onAttemptResponse(a: UpstreamRequest, response: HttpResponse): void {
    this.endAttempt(a);
    const cluster = this.cluster!;
    // Every attempt's response feeds outlier detection, retried or not (Envoy outlier_detection_impl.cc).
    cluster.outlierDetector?.putHttpResponseCode(a.host, response.status);
    this.observeAttempt(a, response.status, response.flags);
    let extra = 0;
    if (this.retryPolicy !== null) {
      const d = this.decideRetry(wouldRetryResponse(this.retryBits, this.retryPolicy, response));
      if (d.kind === 'retry') {
        // Filter::onUpstreamHeaders: a retried response is charged under retry.upstream_rq_* only.
        this.counters.chargeRetriedResponse(response.status);
        return this.scheduleRetry(d.backoffMs);
      }
      // Retries exhausted: the last upstream response is returned as-is, plus URX or UO (Istio retry.go; Envoy retry_state_impl.cc).
      extra = noRetryFlag(d);
    }
    // The final upstream response: Filter::onUpstreamHeaders -> chargeUpstreamCode, once per request.
    this.counters.chargeResponse(response.status);
    const flags = this.flags | response.flags | extra;
    // A response is never changed once sent, so one that this router leaves as it is goes on as it is
    // (no copy per request, issue #14); a copy carries new flags or route response headers.
    if (flags === response.flags && !this.rewritesResponseHeaders()) return this.finish(response);
    this.finish({ ...response, flags });
  }

  /** Whether the route's (or its weighted cluster's) response header operations apply here. */
  private rewritesResponseHeaders(): boolean {
    const a = this.action;
    return a !== null && (a.responseHeaders !== undefined || this.weighted?.responseHeaders !== undefined);
  }

  onAttemptReset(a: UpstreamRequest, reason: ResetReason): void {
    this.endAttempt(a);
    this.onReset(a, reason, true);
  }

  /** Router::onUpstreamReset: outlier detection (not for overflow), then retry or 503 (Istio retry.go; Envoy retry_state_impl.cc, Envoy conn_pool_base.cc). */
  private onReset(a: UpstreamRequest, reason: ResetReason, requestSent: boolean): void {
    const flag = RESET_REASON_FLAG[reason];
    if (reason !== 'overflow') {
      // Non-split mode: a reset or connect failure reaches outlier detection as a 503 (Envoy outlier_detection_impl.cc).
      this.cluster!.outlierDetector?.putResult(a.host, 'local-origin-connect-failed');
      this.observeAttempt(a, 503, flag);
    }
    let extra = 0;
    if (this.retryPolicy !== null) {
      const d = this.decideRetry(wouldRetryReset(this.retryBits, reason, requestSent));
      if (d.kind === 'retry') return this.scheduleRetry(d.backoffMs);
      extra = noRetryFlag(d);
    }
    // Not retried: Filter::onUpstreamReset -> chargeUpstreamAbort charges the local reply's 503 (overflow
    // included, as `dropped`); a retried reset charged nothing (maybeRetryReset).
    this.counters.chargeResponse(503);
    if (reason === 'overflow') {
      // Circuit-breaker overflow: 503 UO with x-envoy-overloaded, never retried (Envoy conn_pool_base.cc).
      const headers = new Map([['x-envoy-overloaded', 'true']]);
      return this.finish({
        status: 503,
        flags: this.flags | flag | extra,
        headers,
        details: resetDetails(reason),
      });
    }
    this.finish({ status: 503, flags: this.flags | flag | extra, details: resetDetails(reason) });
  }

  private static onPerTryTimeout(a: UpstreamRequest): void {
    const r = a.owner as ActiveRequest;
    a.perTryTimer = NO_TIMER;
    if (a.state !== AttemptState.Sent || r.phase === RequestPhase.Done) return;
    const cluster = r.cluster!;
    r.counters.counters.upstream_rq_per_try_timeout++;
    a.abandon('local-reset');
    r.endAttempt(a);
    cluster.outlierDetector?.putResult(a.host, 'local-origin-timeout');
    r.observeAttempt(a, 504, ResponseFlag.UT);
    // A per-try timeout is a local reset: retried only with 5xx, gateway-error or reset (Istio retry.go; Envoy retry_state_impl.cc).
    let extra = 0;
    if (r.retryPolicy !== null) {
      const d = r.decideRetry(wouldRetryReset(r.retryBits, 'local-reset', true));
      if (d.kind === 'retry') return r.scheduleRetry(d.backoffMs);
      extra = noRetryFlag(d);
    }
    // Filter::onPerTryTimeoutCommon: not retried -> chargeUpstreamAbort(504); a retried one charges nothing.
    r.counters.chargeResponse(504);
    r.finish({ status: 504, flags: r.flags | ResponseFlag.UT | extra, details: 'upstream request timeout' });
  }

  private static onGlobalTimeout(r: ActiveRequest): void {
    r.globalTimer = NO_TIMER;
    if (r.phase === RequestPhase.Done) return;
    const cluster = r.cluster!;
    const a = r.attempt;
    // Filter::onResponseTimeout counts upstream_rq_timeout and charges 504 (chargeUpstreamAbort) per
    // upstream request still in its list, that is one awaiting headers, in the pool or on the wire.
    // During a retry back-off the list is empty: the 504 UT is sent with neither.
    if (a !== null) {
      r.counters.counters.upstream_rq_timeout++;
      if (a.state === AttemptState.Sent) {
        // An attempt still awaiting headers is reported to outlier detection as a timeout (Envoy router.cc FilterUtility::finalTimeout); one
        // still in the pool has no upstream host yet, so nothing is reported.
        cluster.outlierDetector?.putResult(a.host, 'local-origin-timeout');
        r.observeAttempt(a, 504, ResponseFlag.UT);
      }
      r.counters.chargeResponse(504);
    }
    r.abandonAttempt('local-reset', true);
    r.finish({ status: 504, flags: r.flags | ResponseFlag.UT, details: 'upstream request timeout' });
  }

  private static onBackoffDone(r: ActiveRequest): void {
    r.backoffTimer = NO_TIMER;
    if (r.phase !== RequestPhase.Backoff) return;
    r.startAttempt();
  }

  /**
   * The retry gate for a request whose route has a retry policy. A "no" before any retry needs no state:
   * a fresh RetryState would count nothing and hold nothing for it; so the state (and its back-off) is
   * created only when a retry is wanted.
   */
  private decideRetry(wouldRetry: boolean): RetryDecision {
    let state = this.retry;
    if (state === null) {
      if (!wouldRetry) return NOT_RETRIABLE;
      state = new RetryState(this.retryPolicy!, this.cluster!.resourceManager, this.counters, this.ctx.rng);
      this.retry = state;
    }
    return state.decide(wouldRetry);
  }

  private scheduleRetry(backoffMs: number): void {
    this.phase = RequestPhase.Backoff;
    this.backoffTimer = this.ctx.sim.schedule(backoffMs, ActiveRequest.onBackoffDone, this);
  }

  /** Bookkeeping when a try ends for any reason. */
  private endAttempt(a: UpstreamRequest): void {
    if (this.attempt !== a) return;
    this.attempt = null;
    this.ctx.sim.cancel(a.perTryTimer);
    a.perTryTimer = NO_TIMER;
  }

  /**
   * NOTE: simplification: `upstream_rq_tx_reset` counts only a sent try reset by the global timeout and
   * `upstream_rq_rx_reset` is never counted; Envoy's codec clients count every local stream reset
   * (per-try timeout, downstream disconnect) as tx_reset and every peer reset as rx_reset
   * (MultiplexedActiveClientBase::onStreamReset).
   */
  private abandonAttempt(reason: ResetReason, countAsReset: boolean): void {
    const a = this.attempt;
    if (a === null) return;
    if (countAsReset && a.state === AttemptState.Sent) this.counters.counters.upstream_rq_tx_reset++;
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
      measured: this.measured,
    });
  }

  private finish(r: HttpResponse): void {
    if (this.phase === RequestPhase.Done) return;
    this.phase = RequestPhase.Done;
    const sim = this.ctx.sim;
    sim.cancel(this.globalTimer);
    sim.cancel(this.backoffTimer);
    this.retry?.releaseRetry();
    // Route response header operations apply to whatever the router answers, upstream or local
    // (its modify_headers callback); not to fault-filter aborts, which happen before the router.
    if ((this.facts & ROUTED) !== 0 && r.status !== 0) this.finalizeResponseHeaders(r);
    this.ctx.observer.onRequestComplete({
      timeMs: sim.now,
      sidecar: this.ctx.sidecar,
      startMs: this.startMs,
      authority: this.request.authority,
      status: r.status,
      flags: r.flags,
      cluster: this.cluster?.name ?? null,
      upstreamPod: this.upstreamPod,
      attempts: this.attempts,
      request: this.request,
      upstreamHost: this.lastHost?.endpoint.address ?? null,
      route: this.action?.name ?? null,
      clusterInfo: this.cluster,
      upstreamEndpoint: this.lastHost?.endpoint ?? null,
    });
    this.downstream.onResponse(r, this);
  }

  private finalizeResponseHeaders(r: HttpResponse): void {
    const a = this.action;
    if (a === null) return;
    const cluster = this.weighted?.responseHeaders;
    const route = a.responseHeaders;
    if (cluster === undefined && route === undefined) return;
    r.headers = r.headers === undefined ? new Map() : new Map(r.headers);
    cluster?.apply(r.headers);
    route?.apply(r.headers);
  }
}

function noRetryFlag(d: RetryDecision): number {
  if (d.kind === 'no' && d.reason === 'limit-exceeded') return ResponseFlag.URX;
  if (d.kind === 'no' && d.reason === 'overflow') return ResponseFlag.UO;
  return 0;
}

function resetDetails(reason: ResetReason): string {
  return `upstream connect error or disconnect/reset before headers. reset reason: ${reason.replace('-', ' ')}`;
}
