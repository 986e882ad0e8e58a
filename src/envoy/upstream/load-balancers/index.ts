import type { Cluster } from '../cluster.js';
import { LeastRequestLoadBalancer } from './least-request.js';
import type { LoadBalancer } from './load-balancer.js';

/** Builds the cluster's load balancer from its policy (semantics §4.1). */
export function createLoadBalancer(cluster: Cluster): LoadBalancer {
  const { policy } = cluster.spec;
  const rng = cluster.ctx.streams.stream(`lb/${cluster.ctx.sidecar}/${cluster.name}`);
  // NOTE: simplification: every policy is served by LEAST_REQUEST until the other balancers land.
  return new LeastRequestLoadBalancer(cluster.prioritySet, rng, policy.loadBalancer.choiceCount, policy.panicThresholdPercent, () => {
    cluster.stats.counters.lb_healthy_panic++;
  });
}
