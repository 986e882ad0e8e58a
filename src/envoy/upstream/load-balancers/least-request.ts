import type { Rng } from '../../../engine/index.js';
import type { Host } from '../host.js';
import type { HostSet, PrioritySet } from '../host-set.js';
import type { LbContext, LoadBalancer } from './load-balancer.js';

/**
 * LEAST_REQUEST with equal host weights: power of N choices (semantics §4.4, Envoy least_request_lb.cc).
 * Draws `choiceCount` hosts uniformly with replacement (`random() % n`) and keeps the one with strictly
 * fewer active requests (ties keep the first drawn). Istio's default policy since 1.14.
 *
 * NOTE: simplification: a single priority level and no locality weighting; hosts with unequal weights
 * and slow start (EDF with active-request bias) are not modelled here.
 */
export class LeastRequestLoadBalancer implements LoadBalancer {
  constructor(
    private readonly prioritySet: PrioritySet,
    private readonly rng: Rng,
    private readonly choiceCount: number,
    private readonly panicThresholdPercent: number,
    private readonly onPanic: () => void,
  ) {}

  chooseHost(ctx: LbContext | null): Host | null {
    const maxAttempts = ctx ? ctx.hostSelectionRetryMaxAttempts : 0;
    let host: Host | null = null;
    for (let attempt = 0; attempt <= maxAttempts; attempt++) {
      host = this.pickOnce();
      if (host === null || ctx === null || !ctx.shouldSelectAnotherHost(host)) return host;
    }
    // Every re-pick was rejected by the predicate: Envoy uses the last pick anyway (semantics §1.6).
    return host;
  }

  private pickOnce(): Host | null {
    const set: HostSet = this.prioritySet.hostSets[0]!;
    // Priority selection consumes one draw even with one priority (semantics §4.2).
    this.rng.uint32();
    const candidates = this.sourceHosts(set);
    const n = candidates.length;
    if (n === 0) return null;
    let best: Host | null = null;
    for (let i = 0; i < this.choiceCount; i++) {
      const h = candidates[this.rng.uint32() % n]!;
      if (best === null || h.rqActive < best.rqActive) best = h;
    }
    return best;
  }

  /** Healthy hosts, or all hosts when the priority is in panic (healthy % below the threshold). */
  private sourceHosts(set: HostSet): Host[] {
    const total = set.hosts.length;
    if (total === 0) return set.healthyHosts;
    const healthyPercent = (100 * set.healthyHosts.length) / total;
    if (healthyPercent < this.panicThresholdPercent) {
      this.onPanic();
      return set.hosts;
    }
    return set.healthyHosts;
  }
}
