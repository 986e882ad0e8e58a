import { Host, type Locality } from './host.js';
import { idleHost } from './idle-host.js';
import type { PriorityAssignment, SharedAssignment } from './locality/shared-assignment.js';

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
 * per request. The per-locality lists are built on first use: only locality-weighted balancing and
 * reports read them, and with several localities each would cost a second slot per (sidecar, endpoint)
 * pair (issue #14).
 */
export class HostSet {
  hosts: Host[] = [];
  healthyHosts: Host[] = [];
  localities: readonly Locality[] = [];
  /** load_balancing_weight per locality index (parallel to hostsPerLocality). */
  localityWeights: readonly number[] = [];
  readonly overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR;
  /** Where each locality's hosts start in `hosts`, and the end. */
  private localityStarts: readonly number[] = [0];
  private perLocality: Host[][] | null = null;
  private healthyPerLocality: Host[][] | null = null;
  /**
   * The shared assignment `hosts` was copied from (same order, own Hosts in some placeholders' places),
   * which knows each member's position; null when built from groups.
   */
  private assignment: PriorityAssignment | null = null;

  constructor(readonly priority: number) {}

  /** The hosts of each locality (parallel to `localities`), in `hosts` order. */
  get hostsPerLocality(): Host[][] {
    if (this.perLocality === null) {
      const starts = this.localityStarts;
      // One locality: its list is the flat list (one array slot per host, not two).
      if (this.localities.length === 1) this.perLocality = [this.hosts];
      else {
        this.perLocality = [];
        for (let i = 0; i + 1 < starts.length; i++)
          this.perLocality.push(this.hosts.slice(starts[i], starts[i + 1]));
      }
    }
    return this.perLocality;
  }

  /**
   * The healthy hosts of each locality. While every host is healthy (the usual case) these are the
   * host lists themselves.
   */
  get healthyHostsPerLocality(): Host[][] {
    if (this.healthyHosts === this.hosts) return this.hostsPerLocality;
    this.healthyPerLocality ??= this.hostsPerLocality.map((hs) => hs.filter((h) => h.healthy));
    return this.healthyPerLocality;
  }

  /** Replaces the members with these locality groups (all of this priority). */
  update(groups: readonly LocalityLbEndpoints[]): void {
    const localities: Locality[] = [];
    const weights: number[] = [];
    const starts = [0];
    this.localities = localities;
    this.localityWeights = weights;
    this.localityStarts = starts;
    this.perLocality = null;
    this.assignment = null;
    let total = 0;
    for (const g of groups) {
      localities.push(g.locality);
      weights.push(g.weight);
      total += g.hosts.length;
      starts.push(total);
    }
    const p = this.priority;
    const hosts = new Array<Host>(total);
    let i = 0;
    for (const g of groups) {
      for (const h of g.hosts) {
        // An idle placeholder is shared: another priority takes that priority's placeholder.
        if (!h.isIdle) h.priority = p;
        hosts[i++] = !h.isIdle || h.priority === p ? h : idleHost(h.endpoint, p);
      }
    }
    this.hosts = hosts;
    this.refreshHealth();
  }

  /**
   * Takes a shared assignment's members: `hosts` is its placeholder list or a copy of it with own Hosts
   * (priority set) in some places, owned by this set from now on. `placeholdersOnly`: nothing but
   * placeholders, which are healthy, so the healthy lists are the host lists without a look.
   */
  assign(a: PriorityAssignment, hosts: Host[], placeholdersOnly: boolean): void {
    this.localities = a.localities;
    this.localityWeights = a.localityWeights;
    this.localityStarts = a.localityStarts;
    this.perLocality = null;
    // One built for this cluster alone (a single endpoint) would be kept for a position lookup only.
    this.assignment = a.shared ? a : null;
    this.hosts = hosts;
    if (!placeholdersOnly) this.refreshHealth();
    else {
      this.healthyPerLocality = null;
      this.healthyHosts = hosts;
    }
  }

  /** Where locality `l`'s hosts start in `hosts`. */
  localityStart(l: number): number {
    return this.localityStarts[l] ?? -1;
  }

  /**
   * Rebuilds the healthy lists. While every host is healthy (the usual case) they are the same arrays
   * as the host lists: nothing mutates these lists in place, and a large mesh keeps one slot per
   * (sidecar, endpoint) pair instead of two (issue #14).
   */
  refreshHealth(): void {
    this.healthyPerLocality = null;
    this.healthyHosts = allHealthy(this.hosts) ? this.hosts : this.hosts.filter((h) => h.healthy);
  }

  /**
   * The cluster's own Host already in `idle`'s place, if a pick or a write owned the member while a
   * balancer's own structure (a hash ring, a Maglev table) still lists the placeholder; else null.
   */
  ownedInPlaceOf(idle: Host): Host | null {
    const i = this.assignment === null ? -1 : this.assignment.indexOf(idle.endpoint.id);
    // Where the shared assignment puts the member; the lists hold its placeholder or its Host, not both.
    const at = i >= 0 ? this.hosts[i] : undefined;
    if (at !== undefined && at.endpoint === idle.endpoint) return at === idle ? null : at;
    for (const m of this.hosts) if (m.endpoint === idle.endpoint) return m === idle ? null : m;
    return null;
  }

  /**
   * Puts the cluster's own Host in place of an idle placeholder in every list of this set. Counts,
   * order and health do not change (a placeholder is healthy and idle, like a fresh Host), so balancers
   * keep their cached state: the version does not move.
   */
  replaceIdle(idle: Host, own: Host, hint = -1): void {
    // Where the member is in `hosts`: the balancer's hint (where it just picked it), else the shared
    // assignment's position. The other lists are slices of it (per locality) and filters of those
    // (healthy: at most `removed` places earlier), so a first pick costs no scan of the members
    // (issue #14: 1,000 hosts scanned per first pick of a pair).
    const hosts = this.hosts;
    const i =
      hint >= 0 && hosts[hint] === idle
        ? hint
        : this.assignment === null
          ? -1
          : this.assignment.indexOf(idle.endpoint.id);
    replaceNear(hosts, i, 0, idle, own);
    const healthy = this.healthyHosts;
    if (healthy !== hosts) replaceNear(healthy, i, hosts.length - healthy.length, idle, own);
    const perLocality = this.perLocality;
    if (perLocality === null) return;
    const l = localityAt(this.localityStarts, i);
    const j = l < 0 ? -1 : i - this.localityStarts[l]!;
    for (let k = 0; k < perLocality.length; k++) {
      const list = perLocality[k]!;
      if (list !== hosts) replaceNear(list, k === l ? j : -1, 0, idle, own);
    }
    // Built only while some host is unhealthy (healthyHostsPerLocality).
    const healthyPerLocality = this.healthyPerLocality;
    if (healthyPerLocality === null) return;
    for (let k = 0; k < healthyPerLocality.length; k++) {
      const list = healthyPerLocality[k]!;
      if (list !== healthy)
        replaceNear(list, k === l ? j : -1, perLocality[k]!.length - list.length, idle, own);
    }
  }
}

/**
 * Puts `own` in the place of `idle` in `hosts`. With a hint (the assignment lists each member once, so
 * `idle` is in the list at most once), it looks at `hint` and up to `removed` places before it: the
 * list is a filter of one where `idle` was at `hint`, `removed` entries shorter. Else, or if that finds
 * nothing, it scans the list.
 */
function replaceNear(hosts: Host[], hint: number, removed: number, idle: Host, own: Host): void {
  if (hint >= 0) {
    const from = Math.max(0, hint - removed);
    for (let i = Math.min(hint, hosts.length - 1); i >= from; i--) {
      if (hosts[i] === idle) {
        hosts[i] = own;
        return;
      }
    }
  }
  const i = hosts.indexOf(idle);
  if (i >= 0) hosts[i] = own;
}

/** The locality whose members start at or before `i` and end after it (-1 for no position). */
function localityAt(starts: readonly number[], i: number): number {
  if (i < 0) return -1;
  for (let l = 0; l + 1 < starts.length; l++) if (i < starts[l + 1]!) return l;
  return -1;
}

/**
 * All priority levels of a cluster (Envoy's PrioritySet). Istio puts every endpoint at priority 0 unless
 * locality failover applies (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go; locality/load-assignment.ts assigns the priorities).
 */
export class PrioritySet {
  hostSets: HostSet[] = [new HostSet(0)];
  /** Bumped on every membership or health change so load balancers can rebuild cached state lazily. */
  version = 0;
  /**
   * Every member has the same weight, as the shared assignment found (so has every list of them): EDF
   * balancers need not look at each host on every refresh. False means unknown (built from groups).
   */
  equalWeights = false;
  /** The shared assignment the lists mirror (own Hosts in some placeholders' places), else null. */
  private shared: SharedAssignment | null = null;
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
    this.equalWeights = false;
    this.shared = null;
    this.hostSets = perPriority.map((gs, p) => {
      const set = this.hostSets[p] ?? new HostSet(p);
      set.update(gs);
      return set;
    });
    this.markJoined(before, nowMs);
    this.version++;
  }

  /**
   * Replaces the members with a shared assignment's (`lists[p]` for its priority p, as HostSet.assign
   * takes them), with the same join bookkeeping as `update`.
   */
  assign(a: SharedAssignment, lists: readonly Host[][], placeholdersOnly: boolean, nowMs = 0): void {
    const before = this.hostSets.length === 1 ? this.hostSets[0]!.hosts : this.allHosts;
    const sets: HostSet[] = [];
    for (let p = 0; p < a.priorities.length; p++) {
      const set = this.hostSets[p] ?? new HostSet(p);
      set.assign(a.priorities[p]!, lists[p]!, placeholdersOnly);
      sets.push(set);
    }
    this.hostSets = sets;
    this.equalWeights = a.equalWeights;
    this.shared = a;
    if (before.length === 0 && placeholdersOnly) this.markPlaceholdersJoined(nowMs);
    else this.markJoined(before, nowMs);
    this.version++;
  }

  /**
   * A lazy cluster's membership change from the shared assignment its lists mirror to `a`: a copy of
   * `a`'s placeholders with each own Host that stays a member put in its new place (at its new
   * priority), members not in the previous assignment joining now. The same outcome as `assign` with
   * those lists, without indexing every member by id (issue #14: every sidecar re-syncs on each
   * readiness change of a 1,000-pod service). Returns the own Hosts that left, in list order, or null
   * (nothing done) when the lists do not mirror a shared assignment or `a` lists a member twice.
   */
  moveTo(a: SharedAssignment, nowMs: number): Host[] | null {
    const old = this.shared;
    if (old === null || !old.shared || !a.shared || !a.unique) return null;
    const lists = a.priorities.map((p) => p.placeholders.slice());
    const left: Host[] = [];
    let carried = false;
    for (const set of this.hostSets) {
      for (const h of set.hosts) {
        if (h.isIdle) continue;
        const at = a.find(h.endpoint.id);
        if (at === null) left.push(h);
        else {
          h.priority = at.priority;
          lists[at.priority]![at.index] = h;
          carried = true;
        }
      }
    }
    const sets: HostSet[] = [];
    for (let p = 0; p < a.priorities.length; p++) {
      const set = this.hostSets[p] ?? new HostSet(p);
      set.assign(a.priorities[p]!, lists[p]!, !carried);
      sets.push(set);
    }
    this.hostSets = sets;
    this.equalWeights = a.equalWeights;
    this.shared = a;
    // markJoined's outcome: the carried own Hosts were members; the joined are placeholders.
    const joined = a.joinedSince(old);
    if (joined.length > 0) {
      const update = this.joinTimes.length;
      if (this.idleJoin < 0) this.idleJoin = update;
      else for (const h of joined) (this.idleJoins ??= new Map()).set(h.endpoint.id, update);
      this.joinTimes.push(nowMs);
    }
    this.version++;
    return left;
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
   * `hint`: where it may be in its priority's `hosts` (checked; -1 for none).
   */
  ownHost(host: Host, hint = -1): Host {
    if (!host.isIdle) return host;
    const set = this.hostSets[host.priority];
    if (set !== undefined && set.hosts[hint] !== host) {
      // Not where the balancer says: it may hold the placeholder in a structure of its own (a hash
      // ring) after the member was owned; that Host is the one.
      const owned = set.ownedInPlaceOf(host);
      if (owned !== null) return owned;
    }
    const own = new Host(host.endpoint);
    own.priority = host.priority;
    const u = this.joinUpdateOf(host);
    if (u >= 0) own.joinUpdate = u;
    this.idleJoins?.delete(host.endpoint.id);
    this.hostSets[host.priority]?.replaceIdle(host, own, hint);
    return own;
  }

  get allHosts(): Host[] {
    return this.hostSets.length === 1 ? this.hostSets[0]!.hosts : this.hostSets.flatMap((s) => s.hosts);
  }

  /**
   * Stamps every member that was not in `before` (a transient set, only on change) with this update's
   * number; the update's time is kept once, in joinTimes, only when some host joined in it.
   */
  /** markJoined's outcome for a first update of placeholders only: all of them join in it. */
  private markPlaceholdersJoined(nowMs: number): void {
    let any = false;
    for (const s of this.hostSets) any ||= s.hosts.length > 0;
    if (!any) return;
    const update = this.joinTimes.length;
    if (this.idleJoin < 0) this.idleJoin = update;
    else if (update !== this.idleJoin)
      for (const s of this.hostSets)
        for (const h of s.hosts) (this.idleJoins ??= new Map()).set(h.endpoint.id, update);
    this.joinTimes.push(nowMs);
  }

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
