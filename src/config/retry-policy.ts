/**
 * VirtualService `retries` → Envoy RetryPolicy as istiod emits it (Istio retry.go; Envoy retry_state_impl.cc,
 * [I:pilot/pkg/networking/core/route/retry/retry.go `ConvertPolicy`, `parseRetryOn`]), Istio ≥ 1.24:
 * no 503 in the default retriable codes.
 */
import { DEFAULTS, ms } from './defaults.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from './istio-version.js';
import type { HttpRetryDoc } from './schema/virtual-service.js';
import type { RetryPolicy } from './types.js';

/** HTTP status codes Go's `http.StatusText` knows: what istiod accepts as a retryOn code. */
export const KNOWN_HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306,
  307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
  421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * istiod's default policy when the route has no `retries`. Before Istio 1.24 it also retried 503
 * (`EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY=false` in compatibility-version-1.23.yaml: retry.go
 * DefaultPolicy adds retriable status code 503); the profile says which.
 */
export function defaultRetryPolicy(
  consistentHash: boolean,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): RetryPolicy {
  return {
    numRetries: DEFAULTS.numRetries,
    retryOn: [...DEFAULTS.retryOn],
    retriableStatusCodes: profile.excludeUnsafe503FromDefaultRetry ? [] : [503],
    perTryTimeoutMs: 0,
    backoffBaseMs: DEFAULTS.retryBackoffBaseMs,
    // The previous_hosts predicate is omitted for consistent-hash destinations.
    retryIgnorePreviousHosts: !consistentHash,
    hostSelectionRetryMaxAttempts: DEFAULTS.hostSelectionRetryMaxAttempts,
    retryRemoteLocalities: false,
  };
}

/**
 * Translates a route's `retries` (undefined = absent). Returns null when retries are disabled
 * (`attempts <= 0`, including `retries: {}`). `retryIgnorePreviousHosts` stays undefined unless written:
 * whether the predicate applies depends on the destination's load balancer (retryHostPredicate()).
 */
export function translateRetries(
  r: HttpRetryDoc | undefined,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): RetryPolicy | null {
  if (r === undefined) return { ...defaultRetryPolicy(false, profile), retryIgnorePreviousHosts: undefined };
  const attempts = r.attempts ?? 0;
  if (attempts <= 0) return null;
  // ConvertPolicy starts from DefaultPolicy: its retriable codes stay unless retryOn replaces them.
  const out: RetryPolicy = {
    ...defaultRetryPolicy(false, profile),
    numRetries: attempts,
    retryIgnorePreviousHosts: r.retryIgnorePreviousHosts,
    retryRemoteLocalities: r.retryRemoteLocalities ?? false,
    perTryTimeoutMs: ms(r.perTryTimeout, 0),
    backoffBaseMs: ms(r.backoff, DEFAULTS.retryBackoffBaseMs),
  };
  if (r.retryOn !== undefined && r.retryOn !== '') {
    const { tokens, codes } = parseRetryOn(r.retryOn);
    if (codes.length > 0 && !tokens.includes('retriable-status-codes')) tokens.push('retriable-status-codes');
    out.retryOn = tokens;
    out.retriableStatusCodes = codes;
  }
  return out;
}

/** istiod's `parseRetryOn`: split on ',', trim, integers that are HTTP statuses become codes. */
export function parseRetryOn(retryOn: string): { tokens: string[]; codes: number[] } {
  const tokens: string[] = [];
  const codes: number[] = [];
  for (const raw of retryOn.split(',')) {
    const t = raw.trim();
    if (t === '') continue;
    const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
    if (KNOWN_HTTP_STATUS.has(n)) codes.push(n);
    else tokens.push(t);
  }
  return { tokens, codes };
}

/** Whether Envoy uses the previous_hosts predicate for this route and destination. */
export function retryHostPredicate(policy: RetryPolicy, consistentHash: boolean): boolean {
  return policy.retryIgnorePreviousHosts ?? !consistentHash;
}

/** Tokens with which a per-try timeout (a local reset) is retried [E:router.cc `onPerTryTimeoutCommon`]. */
export function retriesPerTryTimeout(policy: RetryPolicy): boolean {
  return policy.retryOn.some((t) => t === '5xx' || t === 'gateway-error' || t === 'reset');
}
