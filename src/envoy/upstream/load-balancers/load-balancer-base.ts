import type { Rng } from '../../../engine/index.js';
import type { Host } from '../host.js';
import type { PrioritySet } from '../host-set.js';
import type { ZoneAwareRouting } from '../locality/zone-aware.js';
import type { LbContext, LoadBalancer } from './load-balancer.js';
import { PriorityLoad } from './priority-load.js';

/** What every balancer needs from its cluster. */
export interface LbParams {
  readonly prioritySet: PrioritySet;
  /**
   * This LB instance's stream (one per sidecar × cluster, like one Envoy worker's LB).
   * NOTE: simplification: Envoy's random() is 64-bit; picks draw 32-bit values (two for a random hash),
   * which changes no distribution.
   */
  readonly rng: Rng;
  /** healthy_panic_threshold (Envoy load_balancer_impl.cc panic threshold): Istio's minHealthPercent with outlier detection, else 50. */
  readonly panicThresholdPercent: number;
  /** locality_weighted_lb_config is set on the cluster (locality/load-assignment.ts). */
  readonly localityWeighted: boolean;
  /** Simulated clock, for slow start. */
  readonly clock: { readonly now: number };
  /** Called on every pick served from a priority in panic (stat `lb_healthy_panic`). */
  readonly onPanic: () => void;
  /** Zone-aware routing (zone_aware_lb_config with a local cluster), else null (locality/zone-aware.ts). */
  readonly zoneAware?: ZoneAwareRouting | null;
}

/**
 * Envoy's LoadBalancerBase: per-priority load and panic state, recomputed lazily when the PrioritySet's
 * version moves (Envoy recomputes in its priority-update callback; nothing reads it in between).
 */
export abstract class LoadBalancerBase implements LoadBalancer {
  protected readonly priorityLoad = new PriorityLoad();
  private seenVersion = -1;

  constructor(protected readonly p: LbParams) {}

  abstract chooseHost(ctx: LbContext | null): Host | null;

  /** Rebuilds cached per-priority state if membership or health changed since the last pick. */
  protected maybeRefresh(): void {
    const v = this.p.prioritySet.version;
    if (v === this.seenVersion) return;
    this.seenVersion = v;
    this.priorityLoad.recalculate(this.p.prioritySet, this.p.panicThresholdPercent);
    this.refresh();
  }

  /** Subclasses rebuild their own per-priority structures here. */
  protected abstract refresh(): void;
}
