import { hashString } from '../../router/hash-policy.js';
import type { Host } from '../host.js';
import { MemberTableCache } from './member-table-cache.js';
import type { LbParams } from './load-balancer-base.js';
import {
  type HashingLoadBalancer,
  type NormalizedHostWeight,
  ThreadAwareLoadBalancerBase,
} from './thread-aware.js';

/** Envoy's default maglev table size (prime). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;

/**
 * MAGLEV [E:source/extensions/load_balancing_policies/maglev/maglev_lb.cc; Envoy ring_hash_lb.cc]: Google's Maglev
 * lookup table (table size 65537 unless the DestinationRule sets `maglev.tableSize`).
 */
export class MaglevLoadBalancer extends ThreadAwareLoadBalancerBase {
  constructor(
    p: LbParams,
    private readonly tableSize = DEFAULT_MAGLEV_TABLE_SIZE,
  ) {
    super(p);
  }

  protected override createLoadBalancer(
    weights: NormalizedHostWeight[],
    _min: number,
    maxWeight: number,
  ): HashingLoadBalancer {
    return new MaglevTable(weights, maxWeight, this.tableSize);
  }
}

/**
 * The table (the paper's "Listing 1" with Envoy's weighting): hosts sorted by address; host i has
 * offset = h0(address) % M and skip = h1(address) % (M − 1) + 1 and fills its next free slot of the
 * permutation (offset + skip × next) % M in turn, a host of weight w taking a turn in w/maxWeight of the
 * rounds. Lookup: table[hash % M]; attempt k XORs the hash with 2^53 − k (Envoy: ~0 − k + 1 on 64 bits).
 *
 * NOTE: simplification: meshsim's 53-bit hash (seeds 0 and 1) replaces xxHash64 (seeds 0 and 1).
 *
 * The table is a function of the members' addresses and weights and the table size alone, so every
 * sidecar whose cluster has the same members shares one (member-table-cache.ts); each keeps its own
 * Hosts in address order.
 */
export class MaglevTable implements HashingLoadBalancer {
  readonly table: Int32Array;
  readonly hosts: Host[];
  /** Index in `hosts` of the last pick (replaceLast). */
  private last = -1;

  constructor(
    weights: readonly NormalizedHostWeight[],
    maxWeight: number,
    readonly size: number,
  ) {
    const sorted = [...weights].sort((a, b) =>
      a.host.endpoint.address < b.host.endpoint.address
        ? -1
        : a.host.endpoint.address > b.host.endpoint.address
          ? 1
          : 0,
    );
    this.hosts = sorted.map((w) => w.host);
    this.table =
      sorted.length === 0
        ? new Int32Array(size).fill(-1)
        : tables.get(sorted, [maxWeight, size], () => buildTable(sorted, maxWeight, size));
  }

  chooseHost(hash: number, attempt: number): Host | null {
    if (this.hosts.length === 0) return null;
    let h = hash;
    if (attempt > 0) {
      // XOR with (2^53 − attempt), split in 21 high and 32 low bits.
      const hi = Math.floor(h / 0x100000000) ^ 0x1fffff;
      const lo = ((h >>> 0) ^ (0x100000000 - attempt)) >>> 0;
      h = (hi & 0x1fffff) * 0x100000000 + lo;
    }
    this.last = this.table[h % this.size]!;
    return this.hosts[this.last]!;
  }

  replaceLast(idle: Host, own: Host): void {
    if (this.last >= 0 && this.hosts[this.last] === idle) this.hosts[this.last] = own;
  }
}

/** Tables shared by the sidecars whose clusters have the same members (member-table-cache.ts). */
const tables = new MemberTableCache<Int32Array>();

/** The table of members `sorted` (address order): indices into `sorted`. */
function buildTable(sorted: readonly NormalizedHostWeight[], maxWeight: number, m: number): Int32Array {
  const n = sorted.length;
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  const next = new Float64Array(n);
  const target = new Float64Array(n);
  sorted.forEach((w, i) => {
    const key = w.host.endpoint.address;
    offset[i] = hashString(key, 0) % m;
    skip[i] = (hashString(key, 1) % (m - 1)) + 1;
  });
  const table = new Int32Array(m).fill(-1);
  let filled = 0;
  for (let iteration = 1; filled < m; iteration++) {
    for (let i = 0; i < n && filled < m; i++) {
      if (iteration * sorted[i]!.weight < target[i]!) continue;
      target[i]! += maxWeight;
      let c = (offset[i]! + skip[i]! * next[i]!) % m;
      while (table[c] !== -1) {
        next[i]!++;
        c = (offset[i]! + skip[i]! * next[i]!) % m;
      }
      table[c] = i;
      next[i]!++;
      filled++;
    }
  }
  return table;
}
