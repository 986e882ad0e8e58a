import type { PoolCluster } from './http-conn-pool.js';
import type { PoolConfig } from './pool-config.js';

/**
 * What the pools of one cluster on one Envoy worker share: the cluster (stats, circuit breakers,
 * transport), its resolved pool settings and the worker. One object for all of them, not three fields
 * in each: a used (sidecar, endpoint) pair keeps its pool for the whole run (issue #14).
 */
export class PoolShared {
  constructor(
    readonly cluster: PoolCluster,
    readonly config: PoolConfig,
    /** The Envoy worker thread these pools belong to (Cluster.connPool). */
    readonly worker = 0,
  ) {}
}
