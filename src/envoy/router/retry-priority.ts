import type { Host } from '../upstream/host.js';
import type { PrioritySet } from '../upstream/host-set.js';
import { PriorityLoad } from '../upstream/load-balancers/priority-load.js';

/**
 * Envoy's `envoy.retry_priorities.previous_priorities`, which istiod configures with update_frequency 2
 * when a VirtualService sets `retryRemoteLocalities: true` (Istio retry.go; Envoy retry_state_impl.cc): once the hosts tried reach a
 * multiple of the update frequency, the priorities they were at are excluded and the priority load is
 * recomputed over the others, pushing later tries to other localities. When nothing healthy is left
 * outside the excluded priorities, the original load is used
 * [E:source/extensions/retry/priority/previous_priorities/previous_priorities.cc].
 */
export class PreviousPrioritiesRetryPriority {
  /** Priority of every host tried so far, in order. */
  private readonly attemptedPriorities: number[] = [];
  private readonly excluded: boolean[] = [];
  private readonly adjusted = new PriorityLoad();
  private useAdjusted = false;

  constructor(private readonly updateFrequency: number) {}

  /** Called for every host a try is sent to (Envoy's onHostAttempted). */
  onHostAttempted(host: Host): void {
    this.attemptedPriorities.push(host.priority);
  }

  determinePriorityLoad(ps: PrioritySet, original: readonly number[]): readonly number[] {
    const attempted = this.attemptedPriorities.length;
    if (attempted < this.updateFrequency) return original;
    if (attempted % this.updateFrequency === 0) {
      for (const p of this.attemptedPriorities) this.excluded[p] = true;
      this.useAdjusted = this.adjusted.recalculateExcluding(ps, this.excluded);
      // Every priority with healthy hosts was tried: start over from the original load.
      if (!this.useAdjusted) this.excluded.length = 0;
    }
    return this.useAdjusted ? this.adjusted.load : original;
  }
}
