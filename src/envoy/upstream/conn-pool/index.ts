import type { Cluster } from '../cluster.js';
import type { Host } from '../host.js';
import { HttpConnPool } from './http-conn-pool.js';
import { type PoolConfig, poolConfig } from './pool-config.js';
import { PoolShared } from './pool-shared.js';

export type { ConnPool, PoolCallbacks, PoolStream, PoolFailureReason, Cancellable } from './conn-pool.js';
export { HttpConnPool } from './http-conn-pool.js';
export type { PoolCluster } from './http-conn-pool.js';
export { ClientState } from './active-client.js';
export { poolConfig, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONCURRENT_STREAMS } from './pool-config.js';
export type { PoolConfig } from './pool-config.js';
export { PoolShared } from './pool-shared.js';

/** Per cluster, what its hosts' pools on each worker share (one resolved PoolConfig for all of them). */
const shared = new WeakMap<Cluster, PoolShared[]>();

/** Builds the connection pool of one host of a cluster (Envoy conn_pool_base.cc): HTTP/1.1 or HTTP/2 per the cluster. */
export function createConnPool(cluster: Cluster, host: Host, worker = 0): HttpConnPool {
  let byWorker = shared.get(cluster);
  if (byWorker === undefined) {
    byWorker = [];
    shared.set(cluster, byWorker);
  }
  let s = byWorker[worker];
  if (s === undefined) {
    const cfg: PoolConfig = byWorker.find((x) => x !== undefined)?.config ?? configOf(cluster);
    s = new PoolShared(cluster, cfg, worker);
    byWorker[worker] = s;
  }
  return new HttpConnPool(s, host);
}

function configOf(cluster: Cluster): PoolConfig {
  const { streams, sidecar } = cluster.ctx;
  return poolConfig(cluster.spec, cluster.envoy, () =>
    streams.stream(`keepalive/${sidecar}/${cluster.name}`),
  );
}
