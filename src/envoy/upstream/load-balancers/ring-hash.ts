import { hashString } from '../../router/hash-policy.js';
import type { Host } from '../host.js';
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
  readonly hashes: Float64Array;
  readonly hosts: Host[];

  constructor(
    weights: readonly NormalizedHostWeight[],
    minWeight: number,
    minRingSize: number,
    maxRingSize: number,
  ) {
    const scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, maxRingSize);
    const raw: { hash: number; host: Host }[] = [];
    let current = 0;
    let target = 0;
    for (const { host, weight } of weights) {
      target += scale * weight;
      for (let i = 0; current < target; i++, current++)
        raw.push({ hash: hashString(`${host.endpoint.address}_${i}`), host });
    }
    raw.sort((a, b) => a.hash - b.hash);
    this.hashes = Float64Array.from(raw, (e) => e.hash);
    this.hosts = raw.map((e) => e.host);
  }

  get size(): number {
    return this.hosts.length;
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
    return this.hosts[i]!;
  }
}
