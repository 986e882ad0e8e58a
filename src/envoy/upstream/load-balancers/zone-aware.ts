import type { Host } from '../host.js';
import type { HostSet } from '../host-set.js';
import { EdfScheduler } from './edf-scheduler.js';
import type { LbContext } from './load-balancer.js';
import { LoadBalancerBase } from './load-balancer-base.js';
import { choosePriorityIn } from './priority-load.js';

/** Which host list of the chosen priority a pick draws from (Envoy's HostsSource::SourceType). */
export const SourceType = {
  AllHosts: 0,
  HealthyHosts: 1,
  LocalityHealthyHosts: 2,
} as const;
export type SourceType = (typeof SourceType)[keyof typeof SourceType];

/** Packs (priority, source type, locality index) into one number: a Map key that allocates nothing. */
export function sourceKey(priority: number, type: SourceType, locality = 0): number {
  return priority * 0x1000000 + type * 0x100000 + locality;
}

interface LocalityEntry {
  readonly index: number;
  readonly weight: number;
}
const localityWeight = (e: LocalityEntry): number => e.weight;

/**
 * Envoy's ZoneAwareLoadBalancerBase as Istio sidecars use it [E:load_balancer_impl.cc]: `chooseHost` with
 * the previous_hosts re-pick loop (Istio retry.go; Envoy retry_state_impl.cc), then per pick `hostSourceToUse`: one random draw picks
 * the priority, a priority in panic serves all its hosts, locality-weighted clusters pick a locality by
 * EDF over effective locality weights, otherwise the priority's healthy hosts.
 *
 * Zone-aware routing (zone_aware_lb_config and a local cluster, Istio 1.31 `zoneAwareLbSetting`) picks the
 * locality of priority-0 picks when it is latched (locality/zone-aware.ts). Locality schedules are
 * re-seeded from the LB's stream on each rebuild.
 * A retry priority plugin on the context (previous_priorities, for retryRemoteLocalities) may replace
 * the priority load of a pick.
 */
export abstract class ZoneAwareLoadBalancerBase extends LoadBalancerBase {
  /** The source `hostSourceToUse` chose (one record reused by every pick). */
  protected srcPriority = 0;
  protected srcType: SourceType = SourceType.HealthyHosts;
  protected srcLocality = 0;
  /** Index of the last pick in the source's host list (-1: unknown, e.g. an EDF schedule's pick). */
  protected srcIndex = -1;
  private localitySchedulers: (EdfScheduler<LocalityEntry> | null)[] = [];

  chooseHost(ctx: LbContext | null): Host | null {
    this.maybeRefresh();
    const maxAttempts = ctx === null ? 0 : ctx.hostSelectionRetryMaxAttempts;
    let host: Host | null = null;
    for (let attempt = 0; attempt <= maxAttempts; attempt++) {
      host = this.chooseHostOnce(ctx);
      if (host === null || ctx === null || !ctx.shouldSelectAnotherHost(host)) return host;
    }
    // Every re-pick was rejected by the predicate: Envoy uses the last pick anyway (Istio retry.go; Envoy retry_state_impl.cc).
    return host;
  }

  protected abstract chooseHostOnce(ctx: LbContext | null): Host | null;

  /**
   * The last pick's place in its priority's `hosts`: the source index itself for the flat lists, offset
   * by the locality's start for a locality's list, unknown while some host is unhealthy (the healthy
   * lists are filters then). Computed only when asked (a first pick), not on every pick.
   */
  pickedIndex(): number {
    const i = this.srcIndex;
    if (i < 0) return -1;
    const set = this.p.prioritySet.hostSets[this.srcPriority];
    if (set === undefined) return -1;
    if (this.srcType === SourceType.AllHosts) return i;
    if (set.healthyHosts !== set.hosts) return -1;
    if (this.srcType === SourceType.HealthyHosts) return i;
    return set.localityStart(this.srcLocality) + i;
  }

  protected refresh(): void {
    this.localitySchedulers = [];
    if (!this.p.localityWeighted) return;
    const seed = this.p.rng.uint32();
    for (const set of this.p.prioritySet.hostSets)
      this.localitySchedulers.push(buildLocalityScheduler(set, seed));
  }

  /**
   * Sets the pick's source from `hash` (a fresh random: `random() % 100 + 1` against the priority loads).
   * Returns false when there is nothing to pick from.
   */
  protected hostSourceToUse(hash: number, ctx: LbContext | null): boolean {
    const load = ctx?.determinePriorityLoad
      ? ctx.determinePriorityLoad(this.p.prioritySet, this.priorityLoad.load)
      : this.priorityLoad.load;
    const priority = choosePriorityIn(load, hash);
    this.srcPriority = priority;
    this.srcLocality = 0;
    if (this.priorityLoad.panic[priority]) {
      this.p.onPanic();
      this.srcType = SourceType.AllHosts;
      return true;
    }
    const sched = this.localitySchedulers[priority];
    if (sched != null) {
      const entry = sched.pickAndAdd(localityWeight);
      if (entry !== null) {
        this.srcType = SourceType.LocalityHealthyHosts;
        this.srcLocality = entry.index;
        return true;
      }
    }
    // Latched zone routing for priority 0 (Envoy: after NoLocalityRouting, routing_enabled and the
    // local cluster's panic checks; tryChooseLocalLocalityHosts picks the locality).
    const za = this.p.zoneAware;
    if (za != null) {
      za.maybeRegenerate(this.p.prioritySet.hostSets[0], this.p.prioritySet.version);
      if (za.routes(priority)) {
        this.srcType = SourceType.LocalityHealthyHosts;
        this.srcLocality = za.chooseLocality(this.p.rng);
        return true;
      }
    }
    this.srcType = SourceType.HealthyHosts;
    return true;
  }

  /** The host list of the current source (`hostSourceToHosts`). */
  protected sourceHosts(): readonly Host[] {
    return hostsOf(this.p.prioritySet.hostSets[this.srcPriority]!, this.srcType, this.srcLocality);
  }
}

export function hostsOf(set: HostSet, type: SourceType, locality: number): readonly Host[] {
  switch (type) {
    case SourceType.AllHosts:
      return set.hosts;
    case SourceType.HealthyHosts:
      return set.healthyHosts;
    case SourceType.LocalityHealthyHosts:
      return set.healthyHostsPerLocality[locality]!;
  }
}

/**
 * Envoy's locality WRR for one priority [E:locality_wrr.cc]: effective weight = locality weight ×
 * min(1, overprovisioning × healthy / total); localities with weight 0 are never picked; no scheduler
 * when the priority has no healthy host.
 */
function buildLocalityScheduler(set: HostSet, seed: number): EdfScheduler<LocalityEntry> | null {
  if (set.healthyHosts.length === 0 || set.localityWeights.length === 0) return null;
  const entries: LocalityEntry[] = [];
  for (let i = 0; i < set.hostsPerLocality.length; i++) {
    const total = set.hostsPerLocality[i]!.length;
    if (total === 0) continue;
    const availability = Math.min(
      1,
      (set.overprovisioningFactor / 100) * (set.healthyHostsPerLocality[i]!.length / total),
    );
    const weight = set.localityWeights[i]! * availability;
    if (weight > 0) entries.push({ index: i, weight });
  }
  return entries.length === 0 ? null : EdfScheduler.createWithPicks(entries, localityWeight, seed);
}
