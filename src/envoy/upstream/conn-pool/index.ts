import type { Cluster } from '../cluster.js';
import type { Host } from '../host.js';
import { HttpConnPool } from './http-conn-pool.js';
import { type PoolConfig, poolConfig } from './pool-config.js';

export type { ConnPool, PoolCallbacks, PoolStream, PoolFailureReason, Cancellable } from './conn-pool.js';
export { HttpConnPool } from './http-conn-pool.js';
export type { PoolCluster } from './http-conn-pool.js';
export { ClientState } from './active-client.js';
export { poolConfig, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONCURRENT_STREAMS } from './pool-config.js';
export type { PoolConfig } from './pool-config.js';

/** One resolved PoolConfig per cluster, shared by its hosts' pools. */
const configs = new WeakMap<Cluster, PoolConfig>();

/** Builds the connection pool of one host of a cluster (Envoy conn_pool_base.cc): HTTP/1.1 or HTTP/2 per the cluster. */
export function createConnPool(cluster: Cluster, host: Host, worker = 0): HttpConnPool {
  let cfg = configs.get(cluster);
  if (cfg === undefined) {
    const { streams, sidecar } = cluster.ctx;
    cfg = poolConfig(cluster.spec, cluster.envoy, () =>
      streams.stream(`keepalive/${sidecar}/${cluster.name}`),
    );
    configs.set(cluster, cfg);
  }
  return new HttpConnPool(cluster, host, cfg, worker);
}
