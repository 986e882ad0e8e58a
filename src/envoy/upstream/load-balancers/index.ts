import type { LoadBalancerSettings } from '../../../config/types.js';
import type { Cluster } from '../cluster.js';
import { localityWeightedLbEnabled, zoneAwareRoutingFor } from '../locality/index.js';
import type { SlowStartConfig } from './edf-load-balancer.js';
import { LeastRequestLoadBalancer } from './least-request.js';
import type { LoadBalancer } from './load-balancer.js';
import type { LbParams } from './load-balancer-base.js';
import { MaglevLoadBalancer } from './maglev.js';
import { PassthroughLoadBalancer } from './passthrough.js';
import { RandomLoadBalancer } from './random.js';
import { RingHashLoadBalancer } from './ring-hash.js';
import { RoundRobinLoadBalancer } from './round-robin.js';

export type { LbContext, LoadBalancer } from './load-balancer.js';
export type { LbParams } from './load-balancer-base.js';
export type { SlowStartConfig } from './edf-load-balancer.js';
export { EdfScheduler } from './edf-scheduler.js';
export { PriorityLoad } from './priority-load.js';
export {
  LeastRequestLoadBalancer,
  MaglevLoadBalancer,
  PassthroughLoadBalancer,
  RandomLoadBalancer,
  RingHashLoadBalancer,
  RoundRobinLoadBalancer,
};

/** Builds the cluster's load balancer from its policy's lb_policy (Istio cluster_traffic_policy.go applyLoadBalancer). */
export function createLoadBalancer(cluster: Cluster): LoadBalancer {
  const { policy } = cluster.spec;
  const lb = policy.loadBalancer;
  const rng = cluster.ctx.streams.stream(
    `lb/${cluster.ctx.sidecar}/${cluster.spec.routeName ?? cluster.name}`,
  );
  const stats = cluster.stats.counters;
  const params: LbParams = {
    prioritySet: cluster.prioritySet,
    rng,
    panicThresholdPercent: policy.panicThresholdPercent,
    localityWeighted: localityWeightedLbEnabled(lb, policy.outlierDetection !== undefined),
    clock: cluster.ctx.sim,
    onPanic: () => {
      stats.lb_healthy_panic++;
    },
    zoneAware: zoneAwareRoutingFor(lb, cluster.ctx.localCluster, cluster.ctx.locality, (n) => {
      stats[n]++;
    }),
  };
  return balancerFor(lb, params);
}

/** The balancer for one lb_policy; exported for tests that build balancers without a cluster. */
export function balancerFor(lb: LoadBalancerSettings, params: LbParams): LoadBalancer {
  switch (lb.policy) {
    case 'LEAST_REQUEST':
      return new LeastRequestLoadBalancer(params, slowStartConfig(lb), lb.choiceCount);
    case 'ROUND_ROBIN':
      return new RoundRobinLoadBalancer(params, slowStartConfig(lb));
    case 'RANDOM':
      return new RandomLoadBalancer(params);
    case 'RING_HASH':
      return new RingHashLoadBalancer(params, lb.minimumRingSize);
    case 'MAGLEV':
      return new MaglevLoadBalancer(params, lb.maglevTableSize);
    case 'PASSTHROUGH':
      return new PassthroughLoadBalancer(params.prioritySet, params.rng);
  }
}

/** `warmup` / `warmupDurationSecs` → slow_start_config; only ROUND_ROBIN and LEAST_REQUEST use it (Istio cluster_traffic_policy.go applyLoadBalancer). */
function slowStartConfig(lb: LoadBalancerSettings): SlowStartConfig | undefined {
  const w = lb.warmup;
  if (w === undefined || w.durationMs <= 0) return undefined;
  return { windowMs: w.durationMs, minWeight: w.minimumPercent / 100, aggression: w.aggression };
}
