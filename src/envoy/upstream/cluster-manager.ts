import { Cluster, type ClusterContext } from './cluster.js';
import type { ClusterDirectory } from './cluster-spec.js';

/**
 * A sidecar's clusters (Envoy's ClusterManager), created on first use: a sidecar that never calls a
 * service pays nothing for it (issue #6: per-sidecar state stays cheap at scale).
 */
export class ClusterManager {
  private readonly clusters = new Map<string, Cluster>();

  constructor(
    private readonly directory: ClusterDirectory,
    private readonly ctx: ClusterContext,
  ) {}

  /** The cluster, or undefined when the control plane has no such cluster (router answers 503 NC). */
  get(name: string): Cluster | undefined {
    let c = this.clusters.get(name);
    if (c === undefined) {
      const spec = this.directory.lookup(name);
      if (spec === undefined) return undefined;
      c = new Cluster(spec, this.ctx);
      this.clusters.set(name, c);
    }
    return c;
  }

  /**
   * A cluster the proxy builds for itself rather than from the outbound directory: the server side's
   * inbound clusters `inbound|PORT||` (Istio cluster_builder.go buildInboundCluster). Listed by `all()`
   * with the others, so their stats are reported and reset like the outbound clusters'.
   */
  adopt(c: Cluster): void {
    this.clusters.set(c.name, c);
  }

  /** Clusters this sidecar has used, in creation order. */
  all(): IterableIterator<Cluster> {
    return this.clusters.values();
  }
}
