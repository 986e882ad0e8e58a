import type { ClusterSpec } from '../cluster-spec.js';
import type { EndpointSource, Host, Locality } from '../host.js';
import { idleHost } from '../idle-host.js';
import { buildLoadAssignment, placementKey, type ProxyPlacement } from './load-assignment.js';

/**
 * One priority of a shared load assignment, in the order its HostSet lists it: each member's idle
 * placeholder at this priority, locality by locality, with the localities' weights.
 */
export interface PriorityAssignment {
  readonly priority: number;
  /** Cached for other clusters (else built for one cluster, which need not keep it). */
  readonly shared: boolean;
  readonly placeholders: readonly Host[];
  readonly localities: readonly Locality[];
  readonly localityWeights: readonly number[];
  /** Where each locality's members start in `placeholders`, and the end. */
  readonly localityStarts: readonly number[];
  /**
   * The position of an endpoint in `placeholders`; -1 if it is not a member at this priority, or if
   * some endpoint is listed twice (then positions are not a member's own).
   */
  indexOf(endpointId: number): number;
}

/**
 * What istiod computes once per (cluster, proxy placement) and pushes to every proxy with that placement
 * [I:pilot/pkg/networking/core/loadbalancer/loadbalancer.go `ApplyLocalityLoadBalancer`, on a
 * ClusterLoadAssignment cached per cluster and proxy locality]: the members that match the subset,
 * grouped by locality and placed at priorities (buildLoadAssignment). It depends only on the endpoint
 * source's version, the cluster's spec (subset labels, policy) and the proxy's placement, so the
 * sidecars of a large mesh share it: a cluster copies a list of placeholders instead of regrouping
 * every member (issue #14: 1,000 sidecars x 1,000 endpoints regrouped one million hosts). Immutable.
 */
export interface SharedAssignment {
  /** Cached for other clusters (else built for one cluster). */
  readonly shared: boolean;
  /** Every member has the same load-balancing weight (lazy Hosts need it, Cluster.lazyHosts). */
  readonly equalWeights: boolean;
  /** Each member is listed once (endpoint ids are unique): positions are the members' own. */
  readonly unique: boolean;
  /** Indexed by priority, 0..N without gaps; priority 0 is there even without members. */
  readonly priorities: readonly PriorityAssignment[];
  /** Where a member is, as priority and position, or null if it is not one (needs `unique`). */
  find(endpointId: number): { priority: number; index: number } | null;
  /**
   * The members that are not members of `before` (the previous assignment of the same cluster spec),
   * in list order: computed once for every cluster that moves from one to the other.
   */
  joinedSince(before: SharedAssignment): readonly Host[];
}

interface Cached {
  source: EndpointSource;
  version: number;
  byPlacement: Map<string, SharedAssignment>;
}

/** The current assignments of each spec (only the source version last seen: older ones are garbage). */
const cache = new WeakMap<ClusterSpec, Cached>();

/**
 * Sources with fewer endpoints are regrouped per cluster: an inbound cluster (one endpoint, its own spec
 * per pod) would keep a cache entry per pod and share it with nobody.
 */
const MIN_SHARED_ENDPOINTS = 2;

/** The load assignment of `spec`'s current members for a proxy at `proxy`, shared when cached. */
export function sharedAssignment(spec: ClusterSpec, proxy: ProxyPlacement): SharedAssignment {
  const src = spec.endpoints;
  if (src.endpoints.length < MIN_SHARED_ENDPOINTS) return buildAssignment(spec, proxy, false);
  let c = cache.get(spec);
  if (c === undefined || c.source !== src || c.version !== src.version) {
    c = { source: src, version: src.version, byPlacement: new Map() };
    cache.set(spec, c);
  }
  const lb = spec.policy.loadBalancer;
  const key = placementKey(lb, proxy);
  let a = c.byPlacement.get(key);
  if (a === undefined) {
    a = buildAssignment(spec, proxy, true);
    c.byPlacement.set(key, a);
  }
  return a;
}

/** The members matching the subset labels, through istiod's locality pass, as placeholders per priority. */
export function buildAssignment(spec: ClusterSpec, proxy: ProxyPlacement, shared: boolean): SharedAssignment {
  const labels = spec.subsetLabels;
  const members: Host[] = [];
  let weight = -1;
  let equalWeights = true;
  for (const e of spec.endpoints.endpoints) {
    if (!matchesLabels(e.labels, labels)) continue;
    members.push(idleHost(e, 0));
    if (weight >= 0 && e.weight !== weight) equalWeights = false;
    weight = e.weight;
  }
  const policy = spec.policy;
  const groups = buildLoadAssignment(
    members,
    proxy,
    policy.loadBalancer,
    policy.outlierDetection !== undefined,
  );
  let max = 0;
  for (const g of groups) if (g.priority > max) max = g.priority;
  const priorities: PriorityAssignment[] = [];
  for (let p = 0; p <= max; p++) {
    const localities: Locality[] = [];
    const localityWeights: number[] = [];
    const localityStarts = [0];
    const placeholders: Host[] = [];
    for (const g of groups) {
      if (g.priority !== p) continue;
      localities.push(g.locality);
      localityWeights.push(g.weight);
      for (const h of g.hosts) placeholders.push(p === 0 ? h : idleHost(h.endpoint, p));
      localityStarts.push(placeholders.length);
    }
    priorities.push(new Priority(p, shared, placeholders, localities, localityWeights, localityStarts));
  }
  const ids = new Set<number>();
  for (const h of members) ids.add(h.endpoint.id);
  return new Assignment(shared, equalWeights, ids.size === members.length, priorities);
}

class Assignment implements SharedAssignment {
  /** joinedSince per previous assignment, held weakly (a chain of versions must not stay alive). */
  private joined: WeakMap<SharedAssignment, readonly Host[]> | null = null;
  private readonly found = { priority: 0, index: 0 };

  constructor(
    readonly shared: boolean,
    readonly equalWeights: boolean,
    readonly unique: boolean,
    readonly priorities: readonly PriorityAssignment[],
  ) {}

  /** One record reused by every call (read it before the next). */
  find(endpointId: number): { priority: number; index: number } | null {
    for (const p of this.priorities) {
      const i = p.indexOf(endpointId);
      if (i < 0) continue;
      this.found.priority = p.priority;
      this.found.index = i;
      return this.found;
    }
    return null;
  }

  joinedSince(before: SharedAssignment): readonly Host[] {
    this.joined ??= new WeakMap();
    let joined = this.joined.get(before);
    if (joined !== undefined) return joined;
    const had = new Set<number>();
    for (const p of before.priorities) for (const h of p.placeholders) had.add(h.endpoint.id);
    const out: Host[] = [];
    for (const p of this.priorities) for (const h of p.placeholders) if (!had.has(h.endpoint.id)) out.push(h);
    joined = out;
    this.joined.set(before, joined);
    return joined;
  }
}

class Priority implements PriorityAssignment {
  /** Endpoint id -> position, built on the first lookup (a first pick in some cluster). */
  private positions: Map<number, number> | null = null;

  constructor(
    readonly priority: number,
    readonly shared: boolean,
    readonly placeholders: readonly Host[],
    readonly localities: readonly Locality[],
    readonly localityWeights: readonly number[],
    readonly localityStarts: readonly number[],
  ) {}

  indexOf(endpointId: number): number {
    if (this.positions === null) {
      const positions = new Map<number, number>();
      const hs = this.placeholders;
      for (let i = 0; i < hs.length; i++) positions.set(hs[i]!.endpoint.id, i);
      this.positions = positions.size === hs.length ? positions : new Map();
    }
    return this.positions.get(endpointId) ?? -1;
  }
}

function matchesLabels(
  have: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>>,
): boolean {
  for (const k in want) if (have[k] !== want[k]) return false;
  return true;
}
