/**
 * Istio's defaults (not Envoy's), in one place (ARCHITECTURE rule 5). Each block of a DestinationRule
 * traffic policy that is present is resolved here into fully defaulted settings: Istio replaces whole
 * blocks (Istio cluster_traffic_policy.go, policy merge), so an unset field inside a present block gets the default, never the
 * parent's value. Sources: Istio cluster_traffic_policy.go applyConnectionPool (connection pool), Istio cluster_traffic_policy.go applyOutlierDetection (outlier detection), Envoy load_balancer_impl.cc panic threshold (panic),
 * Istio cluster_traffic_policy.go applyLoadBalancer and Envoy load_balancer_impl.cc locality; Istio loadbalancer.go (load balancer, locality).
 */
import { parseDurationMs } from '../engine/duration.js';
import type { ConnectionPoolDoc, LoadBalancerDoc, OutlierDetectionDoc } from './schema/destination-rule.js';
import type {
  ConnectionPoolSettings,
  LoadBalancerSettings,
  LocalityLbSetting,
  OutlierDetectionSettings,
} from './types.js';

/** istiod's circuit-breaker default for every limit (`getDefaultCircuitBreakerThresholds`). */
export const MAX_UINT32 = 4294967295;

export const DEFAULTS = {
  /** meshConfig.connectTimeout [I:pkg/config/mesh/mesh.go]. */
  connectTimeoutMs: 10_000,
  /** Envoy outlier-detection defaults istiod relies on (Istio cluster_traffic_policy.go applyOutlierDetection). */
  consecutive5xxErrors: 5,
  consecutiveGatewayErrors: 5,
  consecutiveLocalOriginFailures: 5,
  outlierIntervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeFloorMs: 300_000,
  maxEjectionPercent: 10,
  minHealthPercent: 0,
  /** Envoy's healthy_panic_threshold when there is no outlier detection (Envoy load_balancer_impl.cc panic threshold). */
  panicThresholdWithoutOutlierPercent: 50,
  ringHashMinimumRingSize: 1024,
  maglevTableSize: 65537,
  leastRequestChoiceCount: 2,
  warmupMinimumPercent: 10,
  warmupAggression: 1,
  /** Retry (Istio retry.go; Envoy retry_state_impl.cc). */
  numRetries: 2,
  retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
  retryBackoffBaseMs: 25,
  hostSelectionRetryMaxAttempts: 5,
  retryBudgetMinRetryConcurrency: 3,
} as const;

/** Durations were validated before resolution; a bad one here is a bug, so fall back to 0 quietly. */
export function ms(d: string | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const p = parseDurationMs(d);
  return p.ok ? p.value : fallback;
}

/** Only values > 0 override a limit: a DR value of 0 means unset (Istio cluster_traffic_policy.go applyConnectionPool). */
const limit = (v: number | undefined) => (v !== undefined && v > 0 ? v : MAX_UINT32);

export function resolveConnectionPool(cp: ConnectionPoolDoc | undefined): ConnectionPoolSettings {
  const tcp = cp?.tcp;
  const http = cp?.http;
  return {
    tcp: {
      maxConnections: limit(tcp?.maxConnections),
      connectTimeoutMs: ms(tcp?.connectTimeout, DEFAULTS.connectTimeoutMs),
      maxConnectionDurationMs: ms(tcp?.maxConnectionDuration, 0),
      idleTimeoutMs: ms(tcp?.idleTimeout, 0),
    },
    http: {
      http1MaxPendingRequests: limit(http?.http1MaxPendingRequests),
      http2MaxRequests: limit(http?.http2MaxRequests),
      maxRequestsPerConnection: Math.max(0, http?.maxRequestsPerConnection ?? 0),
      maxRetries: limit(http?.maxRetries),
      idleTimeoutMs: ms(http?.idleTimeout, 0),
      h2UpgradePolicy: http?.h2UpgradePolicy ?? 'DEFAULT',
      useClientProtocol: http?.useClientProtocol ?? false,
      maxConcurrentStreams: Math.max(0, http?.maxConcurrentStreams ?? 0),
      // istiod sets connection_keepalive only with both fields (validation requires both).
      ...(http?.http2KeepAlive?.interval !== undefined && http.http2KeepAlive.timeout !== undefined
        ? {
            http2KeepAlive: {
              intervalMs: ms(http.http2KeepAlive.interval, 0),
              timeoutMs: ms(http.http2KeepAlive.timeout, 0),
            },
          }
        : {}),
    },
  };
}

/** [I:cluster_traffic_policy.go `applyOutlierDetection`]; `consecutiveErrors` is ignored since Istio 1.7. */
export function resolveOutlierDetection(od: OutlierDetectionDoc): OutlierDetectionSettings {
  const baseEjectionTimeMs = ms(od.baseEjectionTime, DEFAULTS.baseEjectionTimeMs);
  const split = od.splitExternalLocalOriginErrors ?? false;
  const local = od.consecutiveLocalOriginFailures;
  return {
    consecutive5xxErrors: od.consecutive5xxErrors ?? DEFAULTS.consecutive5xxErrors,
    consecutiveGatewayErrors:
      od.consecutiveGatewayErrors === undefined
        ? { threshold: DEFAULTS.consecutiveGatewayErrors, enforcing: false }
        : { threshold: od.consecutiveGatewayErrors, enforcing: od.consecutiveGatewayErrors > 0 },
    splitExternalLocalOriginErrors: split,
    consecutiveLocalOriginFailures: split
      ? local !== undefined && local > 0
        ? { threshold: local, enforcing: true }
        : { threshold: DEFAULTS.consecutiveLocalOriginFailures, enforcing: true }
      : { threshold: DEFAULTS.consecutiveLocalOriginFailures, enforcing: false },
    intervalMs: ms(od.interval, DEFAULTS.outlierIntervalMs),
    baseEjectionTimeMs,
    maxEjectionTimeMs: Math.max(DEFAULTS.maxEjectionTimeFloorMs, baseEjectionTimeMs),
    maxEjectionPercent:
      od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0
        ? od.maxEjectionPercent
        : DEFAULTS.maxEjectionPercent,
    minHealthPercent: od.minHealthPercent ?? DEFAULTS.minHealthPercent,
    ...(od.outlierDetectionHttpErrorCodes !== undefined && od.outlierDetectionHttpErrorCodes.length > 0
      ? { httpErrorCodes: [...od.outlierDetectionHttpErrorCodes] }
      : {}),
  };
}

/** Mesh default `localityLbSetting: {enabled: true}` [I:pkg/config/mesh/mesh.go]. */
export function defaultLocality(): LocalityLbSetting {
  return { enabled: true, distribute: [], failover: [], failoverPriority: [] };
}

/** [I:cluster_traffic_policy.go `applyLoadBalancer`]: LEAST_REQUEST unless set; consistentHash wins. */
export function resolveLoadBalancer(lb: LoadBalancerDoc | undefined): LoadBalancerSettings {
  const ch = lb?.consistentHash;
  let policy: LoadBalancerSettings['policy'] = 'LEAST_REQUEST';
  if (ch) policy = ch.maglev ? 'MAGLEV' : 'RING_HASH';
  else if (lb?.simple === 'ROUND_ROBIN' || lb?.simple === 'RANDOM' || lb?.simple === 'PASSTHROUGH')
    policy = lb.simple;
  const loc = lb?.localityLbSetting;
  const out: LoadBalancerSettings = {
    policy,
    minimumRingSize: ch?.ringHash?.minimumRingSize || ch?.minimumRingSize || DEFAULTS.ringHashMinimumRingSize,
    maglevTableSize: ch?.maglev?.tableSize || DEFAULTS.maglevTableSize,
    choiceCount: DEFAULTS.leastRequestChoiceCount,
    locality: loc
      ? {
          enabled: loc.enabled ?? true,
          distribute: (loc.distribute ?? []).map((d) => ({ from: d.from ?? '', to: { ...(d.to ?? {}) } })),
          failover: (loc.failover ?? []).map((f) => ({ from: f.from ?? '', to: f.to ?? '' })),
          failoverPriority: [...(loc.failoverPriority ?? [])],
        }
      : defaultLocality(),
  };
  if (ch?.httpHeaderName) out.hashKey = { kind: 'header', name: ch.httpHeaderName };
  else if (ch?.httpCookie)
    out.hashKey = {
      kind: 'cookie',
      name: ch.httpCookie.name ?? '',
      ...(ch.httpCookie.path !== undefined ? { path: ch.httpCookie.path } : {}),
      ...(ch.httpCookie.ttl !== undefined ? { ttlMs: ms(ch.httpCookie.ttl, 0) } : {}),
      // Istio 1.28: attributes go on the Set-Cookie Envoy generates, never into the hash (hash_policy.cc).
      ...(ch.httpCookie.attributes !== undefined && ch.httpCookie.attributes.length > 0
        ? { attributes: ch.httpCookie.attributes.map((a) => ({ name: a.name ?? '', value: a.value ?? '' })) }
        : {}),
    };
  else if (ch?.useSourceIp) out.hashKey = { kind: 'sourceIp' };
  else if (ch?.httpQueryParameterName)
    out.hashKey = { kind: 'queryParameter', name: ch.httpQueryParameterName };
  const warmupMs = lb?.warmup?.duration ?? lb?.warmupDurationSecs;
  if (warmupMs !== undefined)
    out.warmup = {
      durationMs: ms(warmupMs, 0),
      minimumPercent: lb?.warmup?.minimumPercent ?? DEFAULTS.warmupMinimumPercent,
      aggression: lb?.warmup?.aggression ?? DEFAULTS.warmupAggression,
    };
  const za = lb?.zoneAwareLbSetting;
  if (za)
    out.zoneAware = {
      enabled: za.enabled ?? true,
      failover: (za.failover ?? []).map((f) => ({ from: f.from ?? '', to: f.to ?? '' })),
      failoverPriority: [...(za.failoverPriority ?? [])],
      ...(za.minClusterSize !== undefined ? { minClusterSize: za.minClusterSize } : {}),
    };
  return out;
}
