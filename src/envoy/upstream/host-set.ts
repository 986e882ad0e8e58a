import { Host, type Locality } from './host.js';
import { idleHost } from './idle-host.js';

/**
 * One locality's endpoints at one priority with the group's load_balancing_weight, as istiod pushes them
 * in a ClusterLoadAssignment after its locality pass (Envoy's LocalityLbEndpoints, Envoy load_balancer_impl.cc locality; Istio loadbalancer.go).
 */
export interface LocalityLbEndpoints {
  readonly locality: Locality;
  readonly hosts: readonly Host[];
  /** Locality weight (Istio: the sum of its endpoints' weights, or `distribute`'s share). 0 = never picked. */
  readonly weight: number;
  readonly priority: number;
}

/**
 * Envoy's default overprovisioning factor (140 = 1.4). Istio never sets it (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go), so a
 * priority keeps all its load until fewer than 100/1.4 ≈ 71.4 % of its hosts are healthy.
 */
export const DEFAULT_OVERPROVISIONING_FACTOR = 140;

/**
 * The hosts of one cluster at one priority level (Envoy's HostSet): all hosts, the healthy ones, and both
 * split per locality with each locality's weight. Recomputed when membership or health changes, never
 * per request.
 */
export class HostSet {
  hosts: Host[] = [];
  healthyHosts: Host[] = [];
  hostsPerLocality: Host[][] = [];
  healthyHostsPerLocality: Host[][] = [];
  localities: Locality[] = [];
  /** load_balancing_weight per locality index (parallel to hostsPerLocality). */
  localityWeights: number[] = [];
  readonly overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR;

  constructor(readonly priority: number) {}

  /** Replaces the members with these locality groups (all of this priority). */
  update(groups: readonly LocalityLbEndpoints[]): void {
    this.hostsPerLocality = [];
    this.localities = [];
    this.localityWeights = [];
    let total = 0;
    const p = this.priority;
    for (const g of groups) {
      const hs = g.hosts.slice();
      for (let i = 0; i < hs.length; i++) {
        const h = hs[i]!;
        // An idle placeholder is shared: another priority takes that priority's placeholder.
        if (!h.isIdle) h.priority = p;
        else if (h.priority !== p) hs[i] = idleHost(h.endpoint, p);
      }
      this.hostsPerLocality.push(hs);
      this.localities.push(g.locality);
      this.localityWeights.push(g.weight);
      total += hs.length;
    }
    // One locality: the flat list is that locality's list (one array slot per host, not two).
    if (this.hostsPerLocality.length === 1) this.hosts = this.hostsPerLocality[0]!;
    else {
      this.hosts = new Array<Host>(total);
      let i = 0;
      for (const hs of this.hostsPerLocality) for (const h of hs) this.hosts[i++] = h;
    }
    this.refreshHealth();
  }

  /**
   * Rebuilds the healthy lists. While every host is healthy (the usual case) they are the same arrays
   * as the host lists: nothing mutates these lists in place, and a large mesh keeps one slot per
   * (sidecar, endpoint) pair instead of two (issue #14).
   */
  refreshHealth(): void {
    if (allHealthy(this.hosts)) {
      this.healthyHosts = this.hosts;
      this.healthyHostsPerLocality = this.hostsPerLocality;
      return;
    }
    this.healthyHosts = this.hosts.filter((h) => h.healthy);
    this.healthyHostsPerLocality = this.hostsPerLocality.map((hs) => hs.filter((h) => h.healthy));
  }

  /**
   * Puts the cluster's own Host in place of an idle placeholder in every list of this set. Counts,
   * order and health do not change (a placeholder is healthy and idle, like a fresh Host), so balancers
   * keep their cached state: the version does not move.
   */
  replaceIdle(idle: Host, own: Host): void {
    replaceIn(this.hosts, idle, own);
    for (const hs of this.hostsPerLocality) if (hs !== this.hosts) replaceIn(hs, idle, own);
    if (this.healthyHosts === this.hosts) return;
    replaceIn(this.healthyHosts, idle, own);
    for (const hs of this.healthyHostsPerLocality) if (hs !== this.healthyHosts) replaceIn(hs, idle, own);
  }
}

function replaceIn(hosts: Host[], idle: Host, own: Host): void {
  const i = hosts.indexOf(idle);
  if (i >= 0) hosts[i] = own;
}

/**
 * All priority levels of a cluster (Envoy's PrioritySet). Istio puts every endpoint at priority 0 unless
 * locality failover applies (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go; locality/load-assignment.ts assigns the priorities).
 */
export class PrioritySet {
  hostSets: HostSet[] = [new HostSet(0)];
  /** Bumped on every membership or health change so load balancers can rebuild cached state lazily. */
  version = 0;
  /** The time of each membership update in which some host joined, indexed by Host.joinUpdate. */
  private readonly joinTimes: number[] = [];
  /**
   * Join updates of members still listed by their idle placeholder (shared, so it cannot carry them):
   * `idleJoin` for most, the exceptions by endpoint id (members that joined in a later update).
   */
  private idleJoin = -1;
  private idleJoins: Map<number, number> | undefined;

  /**
   * Replaces the members with istiod's locality groups (any priorities, any order). Hosts that were
   * not members before are stamped as joining now (Envoy sets last_hc_pass_time when a host is first
   * seen healthy by the LB: the start of its slow-start window, Envoy load_balancer_impl.cc applySlowStartFactor); a host that left and
   * comes back (restart, scale-up, zone recovery) starts a new window.
   */
  update(groups: readonly LocalityLbEndpoints[], nowMs = 0): void {
    const before = this.hostSets.length === 1 ? this.hostSets[0]!.hosts : this.allHosts;
    let max = 0;
    for (const g of groups) if (g.priority > max) max = g.priority;
    const perPriority: LocalityLbEndpoints[][] = Array.from({ length: max + 1 }, () => []);
    for (const g of groups) perPriority[g.priority]!.push(g);
    this.hostSets = perPriority.map((gs, p) => {
      const set = this.hostSets[p] ?? new HostSet(p);
      set.update(gs);
      return set;
    });
    this.markJoined(before, nowMs);
    this.version++;
  }

  /** Convenience for a flat endpoint list: one priority, one group per locality (Istio without failover). */
  updateHosts(hosts: readonly Host[], nowMs = 0): void {
    this.update(groupByLocality(hosts), nowMs);
  }

  /** A host's health changed (ejection, un-ejection). */
  refreshHealth(): void {
    for (const s of this.hostSets) s.refreshHealth();
    this.version++;
  }

  /** When `host` joined this cluster's membership (its slow-start window start; 0 if never a member). */
  joinedAtMs(host: Host): number {
    const u = this.joinUpdateOf(host);
    return u < 0 ? 0 : this.joinTimes[u]!;
  }

  /** Host.joinUpdate, also for a member listed by its idle placeholder. */
  joinUpdateOf(host: Host): number {
    if (!host.isIdle) return host.joinUpdate;
    return this.idleJoins?.get(host.endpoint.id) ?? this.idleJoin;
  }

  /**
   * The cluster's own Host for a member listed by its idle placeholder (priority and join update carried
   * over), put in its place in the lists; a Host that is already the cluster's own is returned as is.
   */
  ownHost(host: Host): Host {
    if (!host.isIdle) return host;
    const own = new Host(host.endpoint);
    own.priority = host.priority;
    const u = this.joinUpdateOf(host);
    if (u >= 0) own.joinUpdate = u;
    this.idleJoins?.delete(host.endpoint.id);
    this.hostSets[host.priority]?.replaceIdle(host, own);
    return own;
  }

  get allHosts(): Host[] {
    return this.hostSets.length === 1 ? this.hostSets[0]!.hosts : this.hostSets.flatMap((s) => s.hosts);
  }

  /**
   * Stamps every member that was not in `before` (a transient set, only on change) with this update's
   * number; the update's time is kept once, in joinTimes, only when some host joined in it.
   */
  private markJoined(before: readonly Host[], nowMs: number): void {
    // Own Hosts by identity (a returning endpoint gets a fresh Host), placeholders by endpoint (a member
    // whose priority changed is listed by another placeholder, or by the own Host made from it).
    const previous = before.length === 0 ? undefined : new Set(before);
    let idleBefore: Set<number> | undefined;
    for (const h of before) if (h.isIdle) (idleBefore ??= new Set()).add(h.endpoint.id);
    const update = this.joinTimes.length;
    let joined = false;
    for (const s of this.hostSets) {
      for (const h of s.hosts) {
        if (previous !== undefined && (previous.has(h) || idleBefore?.has(h.endpoint.id) === true)) continue;
        joined = true;
        if (!h.isIdle) h.joinUpdate = update;
        else if (this.idleJoin < 0) this.idleJoin = update;
        else if (update !== this.idleJoin) (this.idleJoins ??= new Map()).set(h.endpoint.id, update);
      }
    }
    if (joined) this.joinTimes.push(nowMs);
  }
}

function allHealthy(hosts: readonly Host[]): boolean {
  for (let i = 0; i < hosts.length; i++) if (!hosts[i]!.healthy) return false;
  return true;
}

/**
 * Groups hosts per locality in first-seen order; each group weighs the sum of its endpoints' weights.
 * Localities are few, so each host is matched against the groups found so far by field comparison
 * (no key string per host: this runs for every host of every cluster a sidecar creates).
 */
export function groupByLocality(hosts: readonly Host[], priority = 0): LocalityLbEndpoints[] {
  const groups: { locality: Locality; hosts: Host[]; weight: number; priority: number }[] = [];
  let last: (typeof groups)[number] | undefined;
  for (const h of hosts) {
    const l = h.endpoint.locality;
    let g = last !== undefined && sameLocality(last.locality, l) ? last : undefined;
    if (g === undefined) {
      for (const c of groups) {
        if (sameLocality(c.locality, l)) {
          g = c;
          break;
        }
      }
    }
    if (g === undefined) {
      g = { locality: l, hosts: [], weight: 0, priority };
      groups.push(g);
    }
    g.hosts.push(h);
    g.weight += h.endpoint.weight;
    last = g;
  }
  return groups;
}

function sameLocality(a: Locality, b: Locality): boolean {
  return a === b || (a.zone === b.zone && a.region === b.region && a.subZone === b.subZone);
}
