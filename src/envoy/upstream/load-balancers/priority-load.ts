import type { PrioritySet } from '../host-set.js';

/**
 * Per-priority health, load and panic of a PrioritySet (Envoy's LoadBalancerBase
 * `recalculatePerPriorityState`, `recalculatePerPriorityPanic`, `recalculateLoadInTotalPanic`
 * [E:source/extensions/load_balancing_policies/common/load_balancer_impl.cc]; Envoy load_balancer_impl.cc panic threshold, Envoy load_balancer_impl.cc locality; Istio loadbalancer.go).
 * Recomputed only when the PrioritySet version moves; `choosePriority` allocates nothing.
 *
 * NOTE: simplification: no degraded hosts (meshsim has no active health checking), so there is no
 * degraded load and `weighted_priority_health` (unset by Istio) is not modelled.
 */
export class PriorityLoad {
  /** min(100, overprovisioning × healthy / total) per priority, integer maths. */
  readonly health: number[] = [];
  /** Percent of picks each priority receives; sums to 100. */
  readonly load: number[] = [];
  readonly panic: boolean[] = [];
  /** Every priority is in panic: load follows host counts, health ignored. */
  totalPanic = false;

  recalculate(ps: PrioritySet, panicThresholdPercent: number): void {
    const sets = ps.hostSets;
    const n = sets.length;
    this.health.length = n;
    this.load.length = n;
    this.panic.length = n;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = sets[i]!;
      const total = s.hosts.length;
      this.health[i] =
        total === 0
          ? 0
          : Math.min(100, Math.floor((s.overprovisioningFactor * s.healthyHosts.length) / total));
      sum += this.health[i]!;
    }
    const normalizedTotal = Math.min(100, sum);
    this.load.fill(0);
    if (normalizedTotal > 0) this.distributeLoad(normalizedTotal);
    else this.load[0] = 100;

    const threshold = Math.min(100, panicThresholdPercent);
    this.totalPanic = false;
    this.panic.fill(false);
    // Panic disabled (Istio with outlier detection: minHealthPercent 0) and nothing healthy: P0 keeps
    // 100 % and the pick finds no healthy host (503 UH), Envoy load_balancer_impl.cc panic threshold.
    if (threshold === 0 && normalizedTotal === 0) return;
    let all = true;
    for (let i = 0; i < n; i++) {
      // Never panic while the priorities together still cover 100 % of the load.
      this.panic[i] =
        normalizedTotal === 100
          ? false
          : inPanic(sets[i]!.hosts.length, sets[i]!.healthyHosts.length, threshold);
      all &&= this.panic[i]!;
    }
    if (all) this.loadInTotalPanic(ps);
  }

  /** Envoy's choosePriority: `hash % 100 + 1` against cumulative loads. */
  choosePriority(hash: number): number {
    return choosePriorityIn(this.load, hash);
  }

  /**
   * Load with the `excluded` priorities' health counted as 0 (Envoy's PreviousPrioritiesRetryPriority
   * `adjustForAttemptedPriorities`). Returns false, leaving `load` untouched, when nothing healthy is
   * left outside the excluded priorities.
   */
  recalculateExcluding(ps: PrioritySet, excluded: readonly boolean[]): boolean {
    const sets = ps.hostSets;
    const n = sets.length;
    const health = new Array<number>(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = sets[i]!;
      const total = s.hosts.length;
      health[i] =
        excluded[i] || total === 0
          ? 0
          : Math.min(100, Math.floor((s.overprovisioningFactor * s.healthyHosts.length) / total));
      sum += health[i]!;
    }
    if (sum === 0) return false;
    this.health.length = n;
    for (let i = 0; i < n; i++) this.health[i] = health[i]!;
    this.load.length = n;
    this.load.fill(0);
    this.distributeLoad(Math.min(100, sum));
    return true;
  }

  /** Highest priorities first, each min(remaining, health × 100 / normalized total); rounding to the first available. */
  private distributeLoad(normalizedTotal: number): void {
    let remaining = 100;
    let first = -1;
    for (let i = 0; i < this.health.length; i++) {
      const h = this.health[i]!;
      if (first < 0 && h > 0) first = i;
      const l = Math.min(remaining, Math.floor((h * 100) / normalizedTotal));
      this.load[i] = l;
      remaining -= l;
    }
    if (remaining > 0 && first >= 0) this.load[first]! += remaining;
  }

  /** Total panic: load in proportion to host counts regardless of health (`recalculateLoadInTotalPanic`). */
  private loadInTotalPanic(ps: PrioritySet): void {
    this.totalPanic = true;
    const sets = ps.hostSets;
    let total = 0;
    for (const s of sets) total += s.hosts.length;
    this.load.fill(0);
    if (total === 0) {
      this.load[0] = 100;
      return;
    }
    let remaining = 100;
    let first = -1;
    for (let i = 0; i < sets.length; i++) {
      const count = sets[i]!.hosts.length;
      if (first < 0 && count > 0) first = i;
      const l = Math.floor((100 * count) / total);
      this.load[i] = l;
      remaining -= l;
    }
    this.load[first]! += remaining;
  }
}

/** `hash % 100 + 1` against the cumulative `load` (percent per priority). */
export function choosePriorityIn(load: readonly number[], hash: number): number {
  const h = (hash % 100) + 1;
  let aggregate = 0;
  for (let p = 0; p < load.length; p++) {
    aggregate += load[p]!;
    if (h <= aggregate) return p;
  }
  return 0;
}

/** `isHostSetInPanic`: healthy percent below the threshold (an empty priority counts as 0 % healthy). */
function inPanic(total: number, healthy: number, threshold: number): boolean {
  const healthyPercent = total === 0 ? 0 : (100 * healthy) / total;
  return healthyPercent < threshold;
}
