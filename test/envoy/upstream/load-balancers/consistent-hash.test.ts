import { describe, expect, it } from 'vitest';
import {
  MaglevLoadBalancer,
  RingHashLoadBalancer,
} from '../../../../src/envoy/upstream/load-balancers/index.js';
import { MaglevTable } from '../../../../src/envoy/upstream/load-balancers/maglev.js';
import { Ring } from '../../../../src/envoy/upstream/load-balancers/ring-hash.js';
import { hashString } from '../../../../src/envoy/router/hash-policy.js';
import { Host } from '../../../../src/envoy/upstream/host.js';
import {
  binomialBand,
  context,
  eject,
  host,
  hosts,
  params,
  prioritySet,
  ScriptedRng,
  seeded,
} from './fixtures.js';

const keys = Array.from({ length: 20_000 }, (_, i) => hashString(`user-${i}`));
const equal = (hs: Host[]) => hs.map((h) => ({ host: h, weight: 1 / hs.length }));

function assignment(pick: (k: number) => Host | null): (Host | null)[] {
  return keys.map(pick);
}

describe('RING_HASH', () => {
  it('sizes the ring so the lightest host gets a whole number of entries: 3 hosts, min 1024 → 342 each', () => {
    const ring = new Ring(equal(hosts(3)), 1 / 3, 1024, 8 * 1024 * 1024);
    expect(ring.size).toBe(1026);
    const weighted = hosts(2);
    // weights 1/4, 3/4: scale = ceil(0.25 × 1024) / 0.25 = 1024 → 256 and 768 entries.
    const r2 = new Ring(
      [
        { host: weighted[0]!, weight: 0.25 },
        { host: weighted[1]!, weight: 0.75 },
      ],
      0.25,
      1024,
      8 * 1024 * 1024,
    );
    expect(r2.hosts.filter((h) => h === weighted[0]).length).toBe(256);
    expect(r2.hosts.filter((h) => h === weighted[1]).length).toBe(768);
  });

  it('a key always maps to the same host; lookup takes the first entry >= hash, wrapping to entry 0', () => {
    const ring = new Ring(equal(hosts(4)), 0.25, 1024, 8 * 1024 * 1024);
    const h0 = ring.hashes[0]!;
    expect(ring.chooseHost(h0, 0)).toBe(ring.hosts[0]);
    expect(ring.chooseHost(h0 + 1, 0)).toBe(ring.hosts[1]);
    expect(ring.chooseHost(ring.hashes[ring.size - 1]! + 1, 0)).toBe(ring.hosts[0]);
    expect(ring.chooseHost(h0 + 1, 3)).toBe(ring.hosts[4]); // a retry predicate walks (index + attempt) % size
  });

  it('spreads keys over hosts in proportion to their ring arcs, each arc within 4.5σ of 1/N (σ ≈ 1/√entries)', () => {
    const hs = hosts(5);
    const lb = new RingHashLoadBalancer(params(prioritySet(hs), seeded('ring')), 1024);
    const a = assignment((k) => lb.chooseHost(context({ hashKey: k })));
    for (const h of hs) {
      const share = a.filter((x) => x === h).length / keys.length;
      expect(Math.abs(share - 0.2)).toBeLessThan(4.5 * 0.2 * Math.sqrt(1 / 205));
    }
  });

  it('removing one of N hosts remaps all its keys (≈ 1/N) plus the keys taken by the survivors’ extra entries', () => {
    // Envoy's ring is rebuilt with scale from the new N: with min 1024, 5 hosts have 205 entries each and
    // 4 hosts 256, so each survivor adds 51 entries that take some arcs from other survivors. Expected
    // extra share ≈ 204 new entries × 1/1024 of the ring each × 3/4 (owned by another survivor) ≈ 0.15.
    const hs = hosts(5);
    const ps = prioritySet(hs);
    const lb = new RingHashLoadBalancer(params(ps, seeded('ring-remap'), { panicThresholdPercent: 0 }), 1024);
    const before = assignment((k) => lb.chooseHost(context({ hashKey: k })));
    eject(hs[2]!);
    ps.refreshHealth();
    const after = assignment((k) => lb.chooseHost(context({ hashKey: k })));
    const owned = before.filter((b) => b === hs[2]).length;
    expect(Math.abs(owned / keys.length - 0.2)).toBeLessThan(4.5 * 0.2 * Math.sqrt(1 / 205));
    expect(after.includes(hs[2]!)).toBe(false);
    const movedOthers = before.filter((b, i) => b !== hs[2] && after[i] !== b).length / keys.length;
    expect(movedOthers).toBeGreaterThan(0.05);
    expect(movedOthers).toBeLessThan(0.25);
  });

  it('when the host count keeps the per-host entry count, survivors keep every key (pure consistent hashing)', () => {
    // The ring property itself: with the survivors' entries unchanged (normalized weights kept at 1/4, so
    // 256 entries each), only keys on the removed host's arcs move.
    const hs = hosts(4);
    const ring4 = new Ring(equal(hs), 0.25, 1024, 8 * 1024 * 1024);
    const ring3 = new Ring(
      hs.slice(0, 3).map((h) => ({ host: h, weight: 0.25 })),
      0.25,
      1024,
      8 * 1024 * 1024,
    );
    for (const k of keys) {
      const b = ring4.chooseHost(k, 0);
      if (b !== hs[3]) expect(ring3.chooseHost(k, 0)).toBe(b);
    }
  });

  it('without a hash key it picks at random (two draws make a 53-bit hash, the first also picks the priority)', () => {
    const hs = hosts(3);
    const rng = new ScriptedRng([0, 5]);
    const lb = new RingHashLoadBalancer(params(prioritySet(hs), rng), 1024);
    expect(lb.chooseHost(null)).not.toBeNull();
    expect(rng.draws).toBe(2);
  });

  it('the hash also chooses the priority: with loads 84 | 16, keys with hash % 100 < 84 stay at P0', () => {
    const p0 = hosts(5);
    const p1 = hosts(5);
    eject(p0[0]!);
    eject(p0[1]!);
    const ps = prioritySet(p0, p1);
    ps.refreshHealth();
    const lb = new RingHashLoadBalancer(params(ps, seeded('ring-p'), { panicThresholdPercent: 0 }), 1024);
    expect(p0).toContain(lb.chooseHost(context({ hashKey: 1_000_083 })));
    expect(p1).toContain(lb.chooseHost(context({ hashKey: 1_000_084 })));
  });
});

describe('MAGLEV', () => {
  it('fills the 65537 table evenly: equal hosts get floor or ceil of M/N entries', () => {
    const hs = hosts(7);
    const t = new MaglevTable(equal(hs), 1 / 7, 65537);
    const counts = new Array<number>(7).fill(0);
    for (const i of t.table) counts[i]!++;
    for (const c of counts) expect([Math.floor(65537 / 7), Math.ceil(65537 / 7)]).toContain(c);
  });

  it('weights scale a host’s share of the table (1 : 3)', () => {
    const hs = hosts(2);
    const t = new MaglevTable(
      [
        { host: hs[0]!, weight: 0.25 },
        { host: hs[1]!, weight: 0.75 },
      ],
      0.75,
      65537,
    );
    const light = t.table.filter((i) => t.hosts[i] === hs[0]).length;
    expect(Math.abs(light - 65537 / 4)).toBeLessThanOrEqual(2);
  });

  it('removing one of N hosts moves its keys and only a small share of the others (Maglev’s minimal disruption)', () => {
    const hs = hosts(5);
    const ps = prioritySet(hs);
    const lb = new MaglevLoadBalancer(params(ps, seeded('maglev'), { panicThresholdPercent: 0 }));
    const before = assignment((k) => lb.chooseHost(context({ hashKey: k })));
    eject(hs[4]!);
    ps.refreshHealth();
    const after = assignment((k) => lb.chooseHost(context({ hashKey: k })));
    const owned = before.filter((b) => b === hs[4]).length;
    const band = binomialBand(keys.length, 0.2);
    expect(owned).toBeGreaterThan(band.low);
    expect(owned).toBeLessThan(band.high);
    const movedOthers = before.filter((b, i) => b !== hs[4] && after[i] !== b).length;
    // The paper measures a few % extra disruption for small N; allow up to 1/(2N) of all keys.
    expect(movedOthers / keys.length).toBeLessThan(0.1);
    expect(after.includes(hs[4]!)).toBe(false);
  });

  it('a retry attempt looks up table[(hash XOR (2^53 − attempt)) % M] (Envoy: ~0 − attempt + 1 on 64 bits)', () => {
    const hs = hosts(5);
    const lb = new MaglevLoadBalancer(params(prioritySet(hs), seeded('maglev-retry')));
    const t = new MaglevTable(equal(hs), 0.2, 65537);
    let differ = 0;
    for (const k of keys.slice(0, 2000)) {
      const first = lb.chooseHost(context({ hashKey: k }));
      expect(first).toBe(t.chooseHost(k, 0));
      const second = lb.chooseHost(context({ hashKey: k, tried: [first!], maxAttempts: 1 }));
      const flipped = (2 ** 53 - 1 - k) % 65537; // XOR with 2^53 − 1 is the 53-bit complement
      expect(second).toBe(t.hosts[t.table[flipped]!]);
      if (second !== first) differ++;
    }
    expect(differ / 2000).toBeGreaterThan(0.5);
  });
});

describe('consistent hash with locality weights and panic', () => {
  it('in panic hashes over all hosts including ejected ones', () => {
    const hs = [host(), host()];
    eject(hs[0]!);
    eject(hs[1]!);
    const p = params(prioritySet(hs), seeded('ring-panic'));
    const lb = new RingHashLoadBalancer(p, 1024);
    expect(lb.chooseHost(context({ hashKey: 12345 }))).not.toBeNull();
    expect(p.panics).toBe(1);
  });
});

describe('MAGLEV tables shared between sidecars (issue #14)', () => {
  // Two sidecars' clusters of the same endpoints: each has Hosts of its own over shared Endpoints.
  const ownHosts = (hs: Host[]) => hs.map((h) => new Host(h.endpoint));
  const fresh = (hs: Host[]) => hs.map((h) => new Host({ ...h.endpoint })); // equal addresses, other Endpoint objects: built anew

  it('the same members, weights and size share one table; each cluster picks its own Hosts', () => {
    const hs = hosts(9);
    const a = new MaglevTable(equal(hs), 1 / 9, 257);
    const other = ownHosts(hs).reverse(); // address order is what counts, not list order
    const b = new MaglevTable(equal(other), 1 / 9, 257);
    expect(b.table).toBe(a.table);
    expect(b.hosts).not.toBe(a.hosts);
    for (const k of keys.slice(0, 2000)) {
      const pa = a.chooseHost(k, 0)!;
      const pb = b.chooseHost(k, 0)!;
      expect(pb.endpoint).toBe(pa.endpoint);
      expect(other).toContain(pb);
    }
    // A table built from scratch for the same addresses has the same slots.
    expect([...new MaglevTable(equal(fresh(hs)), 1 / 9, 257).table]).toEqual([...a.table]);
  });

  it('another size, weight, max weight or membership gets a table of its own', () => {
    const hs = hosts(4);
    const base = new MaglevTable(equal(hs), 0.25, 257);
    expect(new MaglevTable(equal(ownHosts(hs)), 0.25, 263).table).not.toBe(base.table);
    expect(new MaglevTable(equal(ownHosts(hs)), 0.5, 257).table).not.toBe(base.table);
    const weighted = hs.map((h, i) => ({ host: h, weight: i === 0 ? 0.4 : 0.2 }));
    const w = new MaglevTable(weighted, 0.4, 257);
    expect(w.table).not.toBe(base.table);
    expect([...w.table]).toEqual([
      ...new MaglevTable(
        weighted.map((x, i) => ({ ...x, host: fresh(hs)[i]! })),
        0.4,
        257,
      ).table,
    ]);
    const three = new MaglevTable(equal(hs.slice(0, 3)), 1 / 3, 257);
    expect(three.table).not.toBe(base.table);
    expect(three.hosts).toHaveLength(3);
  });
});

describe('RING_HASH rings shared between sidecars (issue #14)', () => {
  it('the same members in the same order share hashes; each cluster picks its own Hosts', () => {
    const hs = hosts(6);
    const a = new Ring(equal(hs), 1 / 6, 1024, 8 * 1024 * 1024);
    const mine = hs.map((h) => new Host(h.endpoint));
    const b = new Ring(equal(mine), 1 / 6, 1024, 8 * 1024 * 1024);
    expect(b.hashes).toBe(a.hashes);
    for (const k of keys.slice(0, 2000)) {
      const pa = a.chooseHost(k, 1)!;
      const pb = b.chooseHost(k, 1)!;
      expect(pb.endpoint).toBe(pa.endpoint);
      expect(mine).toContain(pb);
    }
    // Entry by entry the same hosts as a ring built from scratch over equal addresses.
    const fresh = hs.map((h) => new Host({ ...h.endpoint }));
    const c = new Ring(equal(fresh), 1 / 6, 1024, 8 * 1024 * 1024);
    expect(c.hashes).not.toBe(a.hashes);
    expect([...c.hashes]).toEqual([...a.hashes]);
    expect(c.hosts.map((h) => h.endpoint.address)).toEqual(a.hosts.map((h) => h.endpoint.address));
  });

  it('another order, minimum ring size or weight builds another ring', () => {
    const hs = hosts(4);
    const a = new Ring(equal(hs), 0.25, 1024, 8 * 1024 * 1024);
    expect(new Ring(equal([...hs].reverse()), 0.25, 1024, 8 * 1024 * 1024).hashes).not.toBe(a.hashes);
    expect(new Ring(equal(hs), 0.25, 2048, 8 * 1024 * 1024).hashes).not.toBe(a.hashes);
    const w = hs.map((h, i) => ({ host: h, weight: i === 0 ? 0.4 : 0.2 }));
    const weighted = new Ring(w, 0.2, 1024, 8 * 1024 * 1024);
    expect(weighted.hashes).not.toBe(a.hashes);
    expect(weighted.hosts.filter((h) => h === hs[0]).length).toBe(
      2 * weighted.hosts.filter((h) => h === hs[1]).length,
    );
  });
});
