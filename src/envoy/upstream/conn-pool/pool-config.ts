import type { EnvoyBehaviour } from '../../../config/istio-version.js';
import type { Rng } from '../../../engine/index.js';
import { NEWEST_ENVOY_BEHAVIOUR } from '../envoy-behaviour.js';
import type { ClusterSpec } from '../cluster-spec.js';
import { DEFAULT_KEEPALIVE_JITTER_PERCENT, type KeepaliveConfig } from './keepalive.js';

/** Envoy's common_http_protocol_options.idle_timeout default when istiod leaves it out (Istio cluster_traffic_policy.go applyConnectionPool). */
export const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;
/**
 * Envoy's http2_protocol_options.max_concurrent_streams default before Envoy 1.36; since 1.36 (Istio
 * 1.28) it is 1024 (Envoy 1.36.0 changelog, runtime guard safe_http2_options): the version's default
 * comes from EnvoyBehaviour.http2MaxConcurrentStreamsDefault.
 */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 2 ** 31 - 1;

/**
 * The per-cluster settings every host's pool reads, resolved once per cluster (Istio cluster_traffic_policy.go applyConnectionPool): shared by
 * all the cluster's pools so per-host state stays small.
 */
export interface PoolConfig {
  readonly protocol: 'http1' | 'http2';
  /** Cluster connect_timeout (Istio: tcp.connectTimeout, mesh default 10 s). */
  readonly connectTimeoutMs: number;
  /** common_http_protocol_options.idle_timeout: http.idleTimeout, else tcp.idleTimeout, else 1 h. */
  readonly idleTimeoutMs: number;
  /** max_requests_per_connection; Infinity when unset (0). */
  readonly maxRequestsPerConnection: number;
  /** Streams one connection carries at once: 1 for HTTP/1.1, max_concurrent_streams for HTTP/2. */
  readonly concurrentStreamLimit: number;
  /** The counter a max_requests overflow charges (EnvoyBehaviour: active_overflow since Envoy 1.38). */
  readonly maxRequestsOverflowCounter: EnvoyBehaviour['maxRequestsOverflowCounter'];
  /** HTTP/2 connection_keepalive (DR http2KeepAlive), HTTP/2 clusters only; null = none. */
  readonly keepalive: KeepaliveConfig | null;
}

/**
 * `keepaliveRng`: the codec random source of the cluster, needed when the cluster has an HTTP/2 keepalive
 * (the interval jitter); without one the keepalive is left out.
 */
export function poolConfig(
  spec: Pick<ClusterSpec, 'policy' | 'protocol'>,
  envoy: Pick<
    EnvoyBehaviour,
    'http2MaxConcurrentStreamsDefault' | 'maxRequestsOverflowCounter'
  > = NEWEST_ENVOY_BEHAVIOUR,
  keepaliveRng: (() => Rng) | null = null,
): PoolConfig {
  const { tcp, http } = spec.policy.connectionPool;
  const ka = http.http2KeepAlive;
  return {
    protocol: spec.protocol,
    connectTimeoutMs: tcp.connectTimeoutMs,
    idleTimeoutMs:
      http.idleTimeoutMs > 0
        ? http.idleTimeoutMs
        : tcp.idleTimeoutMs > 0
          ? tcp.idleTimeoutMs
          : DEFAULT_IDLE_TIMEOUT_MS,
    maxRequestsPerConnection:
      http.maxRequestsPerConnection > 0 ? http.maxRequestsPerConnection : Number.POSITIVE_INFINITY,
    concurrentStreamLimit:
      spec.protocol === 'http1'
        ? 1
        : http.maxConcurrentStreams > 0
          ? http.maxConcurrentStreams
          : envoy.http2MaxConcurrentStreamsDefault,
    maxRequestsOverflowCounter: envoy.maxRequestsOverflowCounter,
    // istiod writes connection_keepalive into http2_protocol_options: HTTP/1.1 clusters have none.
    keepalive:
      ka !== undefined && spec.protocol === 'http2' && keepaliveRng !== null
        ? {
            intervalMs: ka.intervalMs,
            timeoutMs: ka.timeoutMs,
            jitterPercent: DEFAULT_KEEPALIVE_JITTER_PERCENT,
            rng: keepaliveRng(),
          }
        : null,
  };
}
