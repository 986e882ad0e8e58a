import type { Host } from '../host.js';
import { EdfScheduler } from './edf-scheduler.js';
import type { LbContext } from './load-balancer.js';
import type { LbParams } from './load-balancer-base.js';
import { hostsOf, SourceType, sourceKey, ZoneAwareLoadBalancerBase } from './zone-aware.js';

/** slow_start_config as istiod emits it from `warmup` / `warmupDurationSecs` (Istio cluster_traffic_policy.go applyLoadBalancer, Envoy load_balancer_impl.cc applySlowStartFactor). */
export interface SlowStartConfig {
  readonly windowMs: number;
  /** min_weight_percent as a fraction (Istio default 10 % → 0.1). */
  readonly minWeight: number;
  readonly aggression: number;
}

/**
 * Envoy's EdfLoadBalancerBase [E:load_balancer_impl.cc]: the base of ROUND_ROBIN and LEAST_REQUEST.
 * Per host source (priority × all/healthy/locality) it keeps an EDF schedule when host weights differ or
 * a host is in slow start, and otherwise leaves the pick to the subclass's fast unweighted path. A random
 * `seed` is drawn once per LB instance and seeds both the RR index and the EDF schedules (Envoy load_balancer_impl.cc).
 *
 * NOTE: simplification: clusters are created lazily, so the hosts present at a cluster's first use all
 * start a slow-start window together (equal factors, no relative effect; LEAST_REQUEST takes its EDF path
 * during that window, as Envoy does after startup), and schedules are rebuilt at the next pick after a
 * change rather than at the change itself.
 */
export abstract class EdfLoadBalancerBase extends ZoneAwareLoadBalancerBase {
  protected readonly seed: number;
  private schedulers = new Map<number, EdfScheduler<Host>>();
  private latestHostAddedMs: number;
  /**
   * The healthy hosts of priority 0 when every pick must come from them unweighted (see flatSource), else
   * null: such a pick reads the balancer, its stream and two hosts, not the priority load, the panic and
   * locality state and the schedule map of a sidecar nobody asked for a while (issue #14).
   */
  private flatHosts: readonly Host[] | null = null;
  /** Bound once: the EDF re-add weight callback must not be a closure per pick. */
  protected readonly weightOf = (h: Host): number => this.hostWeight(h);

  constructor(
    p: LbParams,
    protected readonly slowStart: SlowStartConfig | undefined,
  ) {
    super(p);
    this.seed = p.rng.uint32();
    this.latestHostAddedMs = p.clock.now;
  }

  /** The host's weight in the EDF schedule (re-evaluated each time it is picked). */
  protected abstract hostWeight(host: Host): number;
  /** Pick among equally weighted hosts (RR index / power of two choices): an index into `hosts`. */
  protected abstract unweightedHostPick(hosts: readonly Host[], key: number): number;
  /** A host source (re)appears: RR keeps its index across refreshes. */
  protected refreshHostSource(_key: number): void {}

  protected override refresh(): void {
    super.refresh();
    this.schedulers = new Map();
    this.p.prioritySet.hostSets.forEach((set, priority) => {
      // All hosts are picked only by a priority in panic (hostSourceToUse, Envoy load_balancer_impl.cc),
      // and panic is recomputed with this refresh (LoadBalancerBase.maybeRefresh): a priority not in
      // panic now cannot use that schedule before the next refresh rebuilds them all, so it is not
      // built (24 bytes a host per cluster; issue #14). Building one draws nothing: no pick moves.
      const panic = this.priorityLoad.panic[priority] === true;
      this.addHostsSource(sourceKey(priority, SourceType.AllHosts), set.hosts, panic);
      this.addHostsSource(sourceKey(priority, SourceType.HealthyHosts), set.healthyHosts);
      // Locality sources are picked only through a locality schedule, which exists only when the
      // cluster is locality-weighted (zone-aware.ts): no schedule, no per-locality lists.
      if (!this.p.localityWeighted) return;
      set.healthyHostsPerLocality.forEach((hs, i) => {
        this.addHostsSource(sourceKey(priority, SourceType.LocalityHealthyHosts, i), hs);
      });
    });
    this.flatHosts = this.flatSource();
  }

  /**
   * Priority 0 takes every pick (load 100: `choosePriorityIn` returns 0 for any draw), it is not in panic,
   * no locality schedule or zone-aware routing diverts a pick, and its healthy hosts have no EDF schedule:
   * hostSourceToUse would choose its healthy hosts, whatever it draws.
   */
  private flatSource(): readonly Host[] | null {
    const set = this.p.prioritySet.hostSets[0];
    if (set === undefined || this.priorityLoad.load[0] !== 100 || this.priorityLoad.panic[0]) return null;
    if (this.p.localityWeighted || this.p.zoneAware != null) return null;
    if (this.schedulers.has(FLAT_KEY)) return null;
    return set.healthyHosts;
  }

  protected override chooseHostOnce(ctx: LbContext | null): Host | null {
    const flat = this.flatHosts;
    if (flat !== null && (ctx === null || ctx.determinePriorityLoad === undefined)) {
      // hostSourceToUse's outcome, known since the last refresh; its draw is still made, so the stream
      // stays where the full path leaves it.
      this.p.rng.uint32();
      this.srcPriority = 0;
      this.srcType = SourceType.HealthyHosts;
      this.srcLocality = 0;
      if (flat.length === 0) return null;
      const i = this.unweightedHostPick(flat, FLAT_KEY);
      this.srcIndex = i;
      return flat[i]!;
    }
    if (!this.hostSourceToUse(this.p.rng.uint32(), ctx)) return null;
    const key = sourceKey(this.srcPriority, this.srcType, this.srcLocality);
    const edf = this.schedulers.get(key);
    if (edf !== undefined) {
      this.srcIndex = -1;
      return edf.pickAndAdd(this.weightOf);
    }
    const hosts = hostsOf(this.p.prioritySet.hostSets[this.srcPriority]!, this.srcType, this.srcLocality);
    if (hosts.length === 0) return null;
    const i = this.unweightedHostPick(hosts, key);
    this.srcIndex = i;
    return hosts[i]!;
  }

  private addHostsSource(key: number, hosts: readonly Host[], picked = true): void {
    this.refreshHostSource(key);
    if (this.slowStart !== undefined) this.recalculateHostsInSlowStart(hosts);
    if (!picked) return;
    // Equal weights and nobody warming up: the unweighted fast path; one host needs no schedule either.
    // Members known to weigh the same are not looked at one by one (issue #14: 1,000 hosts per refresh).
    const equal = this.p.prioritySet.equalWeights || hostWeightsAreEqual(hosts);
    if ((equal && this.noHostsAreInSlowStart()) || hosts.length <= 1) return;
    this.schedulers.set(key, EdfScheduler.createWithPicks(hosts, this.weightOf, this.seed));
  }

  /** Tracks the newest host still inside its window (Envoy's latest_host_added_time_). */
  private recalculateHostsInSlowStart(hosts: readonly Host[]): void {
    const now = this.p.clock.now;
    const windowMs = this.slowStart!.windowMs;
    for (const h of hosts) {
      if (!h.healthy) continue;
      const joined = this.p.prioritySet.joinedAtMs(h);
      if (joined > this.latestHostAddedMs && now - joined <= windowMs) this.latestHostAddedMs = joined;
    }
  }

  protected noHostsAreInSlowStart(): boolean {
    if (this.slowStart === undefined || this.slowStart.windowMs <= 0) return true;
    return this.p.clock.now - this.latestHostAddedMs > this.slowStart.windowMs;
  }

  /**
   * Envoy's applySlowStartFactor (Envoy load_balancer_impl.cc applySlowStartFactor): a healthy host younger than the window weighs
   * weight × max(minWeight, (max(1 ms, age) / window)^(1/aggression)).
   */
  protected applySlowStartFactor(weight: number, host: Host): number {
    const ss = this.slowStart;
    if (ss === undefined || !host.healthy) return weight;
    const age = this.p.clock.now - this.p.prioritySet.joinedAtMs(host);
    if (age >= ss.windowMs) return weight;
    const timeFactor = Math.max(1, age) / ss.windowMs;
    const aggression = ss.aggression > 0 ? ss.aggression : 1;
    const factor = aggression === 1 || timeFactor === 1 ? timeFactor : timeFactor ** (1 / aggression);
    return weight * Math.max(factor, ss.minWeight);
  }
}

/** The source key of priority 0's healthy hosts (the flat fast path's source). */
const FLAT_KEY = sourceKey(0, SourceType.HealthyHosts);

function hostWeightsAreEqual(hosts: readonly Host[]): boolean {
  if (hosts.length <= 1) return true;
  const w = hosts[0]!.endpoint.weight;
  for (let i = 1; i < hosts.length; i++) if (hosts[i]!.endpoint.weight !== w) return false;
  return true;
}
