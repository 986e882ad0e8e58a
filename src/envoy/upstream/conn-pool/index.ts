import type { Cluster } from '../cluster.js';
import type { Host } from '../host.js';
import type { ConnPool } from './conn-pool.js';
import { PassThroughPool } from './pass-through-pool.js';

/** Builds the connection pool of one host of a cluster (semantics §2.6). */
export function createConnPool(cluster: Cluster, host: Host): ConnPool {
  return new PassThroughPool(host, cluster.ctx.transport);
}
