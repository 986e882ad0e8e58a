import type { Host } from '../host.js';
import type { HostSet } from '../host-set.js';
import { choosePriorityIn } from './priority-load.js';
import type { LbContext } from './load-balancer.js';
import { LoadBalancerBase } from './load-balancer-base.js';

/** A host with its normalized weight (all weights of a priority sum to at most 1). */
export interface NormalizedHostWeight {
  readonly host: Host;
  readonly weight: number;
}

/** One priority's hash structure (ring or maglev table). */
export interface HashingLoadBalancer {
  /** `attempt` > 0 when a retry host predicate rejected the previous pick. */
  chooseHost(hash: number, attempt: number): Host | null;
  /** Puts `own` in the place of the last pick, if that was `idle` (LoadBalancer.replacePicked). */
  replaceLast(idle: Host, own: Host): void;
}

/**
 * Envoy's ThreadAwareLoadBalancerBase, the base of RING_HASH and MAGLEV [E:thread_aware_lb_impl.cc;
 * Envoy ring_hash_lb.cc]. Per priority one hash structure is built from normalized weights over the healthy hosts
 * (all hosts when that priority is in panic), times locality weights when locality-weighted. A pick uses
 * the request's hash (random when the hash input is missing) both to choose the priority
 * (`hash % 100 + 1`, so a key sticks to one priority too) and to look up the host; a retry predicate walks
 * the structure by `attempt`.
 */
export abstract class ThreadAwareLoadBalancerBase extends LoadBalancerBase {
  private perPriority: (HashingLoadBalancer | null)[] = [];
  /** The structure of the last pick (for replacePicked). */
  private lastPicked: HashingLoadBalancer | null = null;

  replacePicked(idle: Host, own: Host): void {
    this.lastPicked?.replaceLast(idle, own);
  }

  protected abstract createLoadBalancer(
    weights: NormalizedHostWeight[],
    minWeight: number,
    maxWeight: number,
  ): HashingLoadBalancer;

  protected override refresh(): void {
    this.lastPicked = null;
    this.perPriority = this.p.prioritySet.hostSets.map((set, i) => {
      const { weights, min, max } = normalizeWeights(
        set,
        this.priorityLoad.panic[i] === true,
        this.p.localityWeighted,
      );
      return weights.length === 0 ? null : this.createLoadBalancer(weights, min, max);
    });
  }

  override chooseHost(ctx: LbContext | null): Host | null {
    this.maybeRefresh();
    // Envoy's random() is 64-bit; two 32-bit draws make a hash as wide as the request hashes (53 bits).
    const h = ctx?.hashKey ?? (this.p.rng.uint32() & 0x1fffff) * 0x100000000 + this.p.rng.uint32();
    const load = ctx?.determinePriorityLoad
      ? ctx.determinePriorityLoad(this.p.prioritySet, this.priorityLoad.load)
      : this.priorityLoad.load;
    const priority = choosePriorityIn(load, h);
    if (this.priorityLoad.panic[priority]) this.p.onPanic();
    const lb = this.perPriority[priority];
    if (lb == null) return null;
    this.lastPicked = lb;
    const maxAttempts = ctx === null ? 1 : ctx.hostSelectionRetryMaxAttempts + 1;
    let host: Host | null = null;
    for (let i = 0; i < maxAttempts; i++) {
      host = lb.chooseHost(h, i);
      if (host === null || ctx === null || !ctx.shouldSelectAnotherHost(host)) return host;
    }
    return host;
  }
}

/** Envoy's normalizeWeights: host weight / sum, scaled by locality weight / sum of locality weights. */
function normalizeWeights(
  set: HostSet,
  inPanic: boolean,
  localityWeighted: boolean,
): { weights: NormalizedHostWeight[]; min: number; max: number } {
  const out = { weights: [] as NormalizedHostWeight[], min: 1, max: 0 };
  const add = (hosts: readonly Host[], share: number): void => {
    let sum = 0;
    for (const h of hosts) sum += h.endpoint.weight;
    for (const h of hosts) {
      const weight = (h.endpoint.weight * share) / sum;
      out.weights.push({ host: h, weight });
      out.min = Math.min(out.min, weight);
      out.max = Math.max(out.max, weight);
    }
  };
  if (!localityWeighted || set.localityWeights.length === 0) {
    add(inPanic ? set.hosts : set.healthyHosts, 1);
    return out;
  }
  // As in Envoy (a TODO there), locality weights are not scaled by partial availability here, unlike the
  // locality WRR of the other balancers.
  let total = 0;
  for (const w of set.localityWeights) total += w;
  if (total === 0) return out;
  const perLocality = inPanic ? set.hostsPerLocality : set.healthyHostsPerLocality;
  set.localityWeights.forEach((w, i) => {
    if (w !== 0 && perLocality[i]!.length > 0) add(perLocality[i]!, w / total);
  });
  return out;
}
