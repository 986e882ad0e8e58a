import type { RetryPolicy } from '../../config/types.js';
import type { Rng } from '../../engine/index.js';
import type { HttpResponse } from '../http.js';
import type { ClusterCounters } from '../stats/cluster-stats.js';
import type { ResourceManager } from '../upstream/resource-manager.js';
import type { ResetReason } from '../upstream/transport.js';
import { JitteredExponentialBackOff } from './backoff.js';

/** retry_on tokens as bits (Envoy RetryPolicy::RETRY_ON_*). */
const On = {
  '5xx': 1 << 0,
  'gateway-error': 1 << 1,
  reset: 1 << 2,
  'reset-before-request': 1 << 3,
  'connect-failure': 1 << 4,
  'retriable-4xx': 1 << 5,
  'refused-stream': 1 << 6,
  'retriable-status-codes': 1 << 7,
  'retriable-headers': 1 << 8,
  'envoy-ratelimited': 1 << 9,
  'http3-post-connect-failure': 1 << 10,
  cancelled: 1 << 11,
  'deadline-exceeded': 1 << 12,
  internal: 1 << 13,
  'resource-exhausted': 1 << 14,
  unavailable: 1 << 15,
} as const;

/** gRPC status code → the retry_on token that retries it (Istio retry.go; Envoy retry_state_impl.cc). */
const GRPC_TOKEN: Record<number, number> = {
  1: On.cancelled,
  4: On['deadline-exceeded'],
  8: On['resource-exhausted'],
  13: On.internal,
  14: On.unavailable,
};

const bitsCache = new WeakMap<RetryPolicy, number>();

export function retryOnBits(policy: RetryPolicy): number {
  let bits = bitsCache.get(policy);
  if (bits === undefined) {
    bits = 0;
    for (const t of policy.retryOn) bits |= (On as Record<string, number>)[t] ?? 0;
    bitsCache.set(policy, bits);
  }
  return bits;
}

/** Whether a per-try timeout (a local reset after the request was sent) can ever be retried. */
export function perTryTimeoutRetriable(policy: RetryPolicy): boolean {
  return (retryOnBits(policy) & (On['5xx'] | On['gateway-error'] | On.reset)) !== 0;
}

export type RetryDecision =
  | { kind: 'retry'; backoffMs: number }
  | { kind: 'no'; reason: 'not-retriable' | 'limit-exceeded' | 'overflow' };

export const NOT_RETRIABLE: RetryDecision = { kind: 'no', reason: 'not-retriable' };
const LIMIT_EXCEEDED: RetryDecision = { kind: 'no', reason: 'limit-exceeded' };
const OVERFLOW: RetryDecision = { kind: 'no', reason: 'overflow' };

/**
 * `wouldRetryFromHeaders` (Envoy retry_state_impl.cc RetryStateImpl::wouldRetryFromHeaders): evaluated on
 * every upstream response. A pure function of the policy, so a request needs no RetryState to ask it.
 */
export function wouldRetryResponse(bits: number, policy: RetryPolicy, r: HttpResponse): boolean {
  const b = bits;
  if (r.headers?.has('x-envoy-ratelimited')) return (b & On['envoy-ratelimited']) !== 0;
  const s = r.status;
  if (b & On['5xx'] && s >= 500 && s <= 599) return true;
  if (b & On['gateway-error'] && s >= 502 && s <= 504) return true;
  if (b & On['retriable-4xx'] && s === 409) return true;
  if (b & On['retriable-status-codes'] && policy.retriableStatusCodes.includes(s)) return true;
  // NOTE: simplification: retriable-headers never matches (response header matchers are not modelled).
  if (r.grpcStatus !== undefined) {
    const token = GRPC_TOKEN[r.grpcStatus];
    if (token !== undefined && b & token) return true;
  }
  return false;
}

/**
 * `wouldRetryFromReset` (Envoy retry_state_impl.cc RetryStateImpl::wouldRetryFromReset). `requestSent`:
 * some of the request reached the upstream.
 */
export function wouldRetryReset(bits: number, reason: ResetReason, requestSent: boolean): boolean {
  const b = bits;
  // Circuit-breaker overflows are never retried.
  if (reason === 'overflow') return false;
  if ((reason === 'connection-failure' || reason === 'connection-timeout') && b & On['connect-failure'])
    return true;
  // A reset "counts as a 5xx": 5xx, gateway-error and reset retry any reset, including per-try timeouts.
  if (b & (On['5xx'] | On['gateway-error'] | On.reset)) return true;
  if (b & On['reset-before-request'] && !requestSent) return true;
  // NOTE: simplification: refused-stream (HTTP/2 REFUSED_STREAM) never occurs in the model.
  return false;
}

/**
 * Envoy's RetryStateImpl for one downstream request (Istio retry.go; Envoy retry_state_impl.cc): enforces
 * num_retries (URX) and the retry circuit breaker (max_retries or the retry budget: UO), and draws the
 * jittered back-off. The outbound router creates it when the request's first retry is wanted
 * (wouldRetryResponse or wouldRetryReset said yes; issue #14: most requests never retry): until then the
 * state would be the initial one, whose "no" decision counts nothing and holds nothing.
 *
 * NOTE: simplification: the request headers x-envoy-retry-on, x-envoy-retry-grpc-on, x-envoy-max-retries
 * and x-envoy-retriable-status-codes are not honoured; requests carry no body, so the buffer-limit
 * abandonment (retry_or_shadow_abandoned) never happens.
 */
export class RetryState {
  private remaining: number;
  private readonly bits: number;
  /** Created with the first back-off drawn (a retry that hits num_retries or overflow draws none). */
  private backoff: JitteredExponentialBackOff | null = null;
  /** A `retries` resource is held from scheduling a retry until the next decision or the end. */
  private holdingRetry = false;
  /** Retries scheduled so far. */
  retried = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly resources: ResourceManager,
    /** The request's counters (its cluster's, or the discard instance outside the window). */
    private readonly stats: ClusterCounters,
    private readonly rng: Rng,
  ) {
    this.remaining = policy.numRetries;
    this.bits = retryOnBits(policy);
  }

  /** wouldRetryResponse with this state's policy. */
  wouldRetryResponse(r: HttpResponse): boolean {
    return wouldRetryResponse(this.bits, this.policy, r);
  }

  /** wouldRetryReset with this state's policy. */
  wouldRetryReset(reason: ResetReason, requestSent: boolean): boolean {
    return wouldRetryReset(this.bits, reason, requestSent);
  }

  /** The retry gate, in Envoy's order: would-retry → remaining → retry circuit breaker → back-off. */
  decide(wouldRetry: boolean): RetryDecision {
    this.releaseRetry();
    if (!wouldRetry) {
      if (this.retried > 0) this.stats.counters.upstream_rq_retry_success++;
      return NOT_RETRIABLE;
    }
    if (this.remaining === 0) {
      this.stats.counters.upstream_rq_retry_limit_exceeded++;
      return LIMIT_EXCEEDED;
    }
    this.remaining--;
    if (!this.resources.canRetry()) {
      this.stats.counters.upstream_rq_retry_overflow++;
      return OVERFLOW;
    }
    this.resources.retries.inc();
    this.holdingRetry = true;
    this.retried++;
    this.stats.counters.upstream_rq_retry++;
    this.stats.counters.upstream_rq_retry_backoff_exponential++;
    const p = this.policy;
    this.backoff ??= new JitteredExponentialBackOff(p.backoffBaseMs, p.backoffBaseMs * 10, this.rng);
    return { kind: 'retry', backoffMs: this.backoff.nextBackOffMs() };
  }

  /** The request finished (or a new decision is made): give back the retry resource. */
  releaseRetry(): void {
    if (this.holdingRetry) {
      this.resources.retries.dec();
      this.holdingRetry = false;
    }
  }
}
