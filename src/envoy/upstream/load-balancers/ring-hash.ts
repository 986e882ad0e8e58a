import { hashString } from '../../router/hash-policy.js';
import type { Host } from '../host.js';
import { MemberTableCache } from './member-table-cache.js';
import type { LbParams } from './load-balancer-base.js';
import {
  type HashingLoadBalancer,
  type NormalizedHostWeight,
  ThreadAwareLoadBalancerBase,
} from './thread-aware.js';

/** Envoy's maximum_ring_size default (8M entries). */
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

/**
 * RING_HASH [E:source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc; Envoy ring_hash_lb.cc]:
 * consistent hashing on a ring (ketama). Istio sets minimum_ring_size (default 1024).
 */
export class RingHashLoadBalancer extends ThreadAwareLoadBalancerBase {
  constructor(
    p: LbParams,
    private readonly minRingSize: number,
    private readonly maxRingSize = DEFAULT_MAX_RING_SIZE,
  ) {
    super(p);
  }

  protected override createLoadBalancer(
    weights: NormalizedHostWeight[],
    minWeight: number,
  ): HashingLoadBalancer {
    return new Ring(weights, minWeight, this.minRingSize, this.maxRingSize);
  }
}

/**
 * The ring: scale = min(ceil(minWeight × minRingSize) / minWeight, maxRingSize), so the lightest host gets a
 * whole number of entries; each host adds entries hashed from `"<address>_<i>"` while the running count is
 * below the running target (scale × cumulative weight); entries sorted by hash. A lookup takes the first
 * entry whose hash is ≥ the request hash, wrapping to entry 0; attempt k moves k entries further.
 *
 * NOTE: simplification: hashes are meshsim's 53-bit hash (router/hash-policy.ts) instead of xxHash64, so
 * the ring has the same shape and uniformity but individual keys land on different hosts than in Envoy.
 */
export class Ring implements HashingLoadBalancer {
  /** Entry hashes, ascending (shared, see below). */
  readonly hashes: Float64Array;
  /** Each entry's member, an index into `members` (shared). */
  private readonly member: Int32Array;
  /** This cluster's Hosts, in the order the ring was built from. */
  private readonly members: Host[];
  /** Index in `members` of the last pick (replaceLast). */
  private last = -1;

  /**
   * The ring is a function of the members' addresses and weights, in order, and the sizes alone, so every
   * sidecar whose cluster has the same members shares its hashes and entry-to-member map
   * (member-table-cache.ts); each keeps its own Hosts. With `minimumRingSize` 65,536 at 3 x 1,000 pods the
   * per-sidecar rings were 2.8 GB and ~1.5 ms of CPU per hop (issue #14).
   */
  constructor(
    weights: readonly NormalizedHostWeight[],
    minWeight: number,
    minRingSize: number,
    maxRingSize: number,
  ) {
    this.members = weights.map((w) => w.host);
    const built = rings.get(weights, [minWeight, minRingSize, maxRingSize], () =>
      buildRing(weights, minWeight, minRingSize, maxRingSize),
    );
    this.hashes = built.hashes;
    this.member = built.member;
  }

  get size(): number {
    return this.hashes.length;
  }

  /** The Host of each entry, in ring order (for views and tests; picks read the shared arrays). */
  get hosts(): Host[] {
    return Array.from(this.member, (i) => this.members[i]!);
  }

  chooseHost(hash: number, attempt: number): Host | null {
    const n = this.hashes.length;
    if (n === 0) return null;
    // Lower bound: first entry with hash >= h; past the end wraps to 0.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    let i = lo === n ? 0 : lo;
    if (attempt > 0) i = (i + attempt) % n;
    this.last = this.member[i]!;
    return this.members[this.last]!;
  }

  replaceLast(idle: Host, own: Host): void {
    if (this.last >= 0 && this.members[this.last] === idle) this.members[this.last] = own;
  }
}

interface BuiltRing {
  readonly hashes: Float64Array;
  readonly member: Int32Array;
}

/** Rings shared by the sidecars whose clusters have the same members (member-table-cache.ts). */
const rings = new MemberTableCache<BuiltRing>();

function buildRing(
  weights: readonly NormalizedHostWeight[],
  minWeight: number,
  minRingSize: number,
  maxRingSize: number,
): BuiltRing {
  const scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, maxRingSize);
  const raw: { hash: number; member: number }[] = [];
  let current = 0;
  let target = 0;
  weights.forEach(({ host, weight }, m) => {
    target += scale * weight;
    for (let i = 0; current < target; i++, current++)
      raw.push({ hash: hashString(`${host.endpoint.address}_${i}`), member: m });
  });
  raw.sort((a, b) => a.hash - b.hash);
  return { hashes: Float64Array.from(raw, (e) => e.hash), member: Int32Array.from(raw, (e) => e.member) };
}
