import type { Rng } from '../../../engine/index.js';
import type { Host } from '../host.js';
import type { PrioritySet } from '../host-set.js';
import type { LbContext, LoadBalancer } from './load-balancer.js';

/**
 * PASSTHROUGH: istiod turns the cluster into an ORIGINAL_DST cluster with the CLUSTER_PROVIDED policy
 * (Istio cluster_traffic_policy.go applyLoadBalancer): Envoy does no balancing and connects to the address the app dialled, the Service's
 * ClusterIP, where kube-proxy picks a ready pod uniformly at random for each new connection. A retry goes
 * to the same ClusterIP, so it is another uniform pick, with no previous_hosts re-pick.
 *
 * NOTE: simplification: modelled as kube-proxy's uniform pick over every ready endpoint, drawn per request
 * rather than per connection; Envoy's priorities, locality weights, panic and outlier ejections do not
 * apply (kube-proxy knows none of them).
 */
export class PassthroughLoadBalancer implements LoadBalancer {
  private hosts: readonly Host[] = [];
  private seenVersion = -1;

  constructor(
    private readonly prioritySet: PrioritySet,
    private readonly rng: Rng,
  ) {}

  chooseHost(_ctx: LbContext | null): Host | null {
    if (this.prioritySet.version !== this.seenVersion) {
      this.seenVersion = this.prioritySet.version;
      this.hosts = this.prioritySet.allHosts;
    }
    const n = this.hosts.length;
    return n === 0 ? null : this.hosts[this.rng.uint32() % n]!;
  }
}
