import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdfScheduler } from '../../../../src/envoy/upstream/load-balancers/index.js';

// Oracles follow Envoy's test/common/upstream/edf_scheduler_test.cc (Basic, SameWeights, createWithPicks).
describe('EdfScheduler', () => {
  const w = (x: { w: number }) => x.w;

  it('with weights 1, 2, 3 picks each in proportion within every cycle of 6 picks, heaviest first', () => {
    const a = { n: 'a', w: 1 };
    const b = { n: 'b', w: 2 };
    const c = { n: 'c', w: 3 };
    const s = new EdfScheduler<typeof a>();
    for (const e of [a, b, c]) s.add(e.w, e);
    const picks = Array.from({ length: 12 }, () => s.pickAndAdd(w)!.n);
    // deadlines 1, 1/2, 1/3: c (1/3), b (1/2), c (2/3), then a, b and c all at 1 in insertion (FIFO) order.
    expect(picks.slice(0, 6)).toEqual(['c', 'b', 'c', 'a', 'b', 'c']);
    for (const cycle of [picks.slice(0, 6), picks.slice(6)]) {
      expect(cycle.filter((x) => x === 'a')).toHaveLength(1);
      expect(cycle.filter((x) => x === 'b')).toHaveLength(2);
      expect(cycle.filter((x) => x === 'c')).toHaveLength(3);
    }
  });

  it('breaks ties between equal weights in insertion order (FIFO), like round robin', () => {
    const items = [0, 1, 2, 3].map((n) => ({ n, w: 1 }));
    const s = new EdfScheduler<(typeof items)[number]>();
    for (const e of items) s.add(1, e);
    expect(Array.from({ length: 8 }, () => s.pickAndAdd(w)!.n)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('re-adds a picked entry with its current weight (dynamic weights apply from its next deadline)', () => {
    const a = { n: 'a', w: 1 };
    const b = { n: 'b', w: 1 };
    const s = new EdfScheduler<typeof a>();
    s.add(1, a);
    s.add(1, b);
    expect(s.pickAndAdd(w)!.n).toBe('a'); // a re-added at deadline 1 + 1/1 = 2
    b.w = 4;
    expect(s.pickAndAdd(w)!.n).toBe('b'); // b (deadline 1) re-added at 1 + 1/4
    expect([s.pickAndAdd(w)!.n, s.pickAndAdd(w)!.n, s.pickAndAdd(w)!.n]).toEqual(['b', 'b', 'b']);
    expect(s.pickAndAdd(w)!.n).toBe('a');
  });

  it('createWithPicks(picks) continues exactly as an empty scheduler after that many picks', () => {
    const mk = () => [1, 2, 3, 7].map((x, i) => ({ n: i, w: x }));
    for (const picks of [0, 1, 5, 13, 100, 1001]) {
      const items = mk();
      const ref = new EdfScheduler<(typeof items)[number]>();
      for (const e of items) ref.add(e.w, e);
      for (let i = 0; i < picks; i++) ref.pickAndAdd(w);
      const fast = EdfScheduler.createWithPicks(items, w, picks);
      const next = (s: EdfScheduler<(typeof items)[number]>) =>
        Array.from({ length: 26 }, () => s.pickAndAdd(w)!.n);
      // Same multiset per full cycle (13 picks); ties between equal deadlines may order differently (Envoy's caveat).
      const a = next(ref);
      const b = next(fast);
      for (let k = 0; k < 4; k++)
        expect(b.filter((x) => x === k).length).toBe(a.filter((x) => x === k).length);
    }
  });

  it('an empty scheduler picks nothing', () => {
    expect(new EdfScheduler<{ w: number }>().pickAndAdd(w)).toBeNull();
    expect(EdfScheduler.createWithPicks<{ w: number }>([], w, 7).size).toBe(0);
  });
});

/**
 * The textbook scheduler the typed-array one must match pick for pick: an object per entry, a binary
 * heap of them ordered by (deadline, insertion order). Written independently of the product's heap.
 */
class ObjectEdf<T> {
  private readonly heap: { deadline: number; order: number; item: T }[] = [];
  private now = 0;
  private order = 0;
  add(weight: number, item: T): void {
    this.heap.push({ deadline: this.now + 1 / weight, order: this.order++, item });
  }
  pickAndAdd(weightOf: (item: T) => number): T | null {
    if (this.heap.length === 0) return null;
    let best = 0;
    for (let i = 1; i < this.heap.length; i++) {
      const a = this.heap[i]!;
      const b = this.heap[best]!;
      if (a.deadline < b.deadline || (a.deadline === b.deadline && a.order < b.order)) best = i;
    }
    const top = this.heap[best]!;
    this.now = top.deadline;
    top.deadline = this.now + 1 / weightOf(top.item);
    top.order = this.order++;
    return top.item;
  }
}

describe('EdfScheduler against a linear-scan oracle', () => {
  it('picks exactly as the oracle through adds, growth and changing weights (fast-check, 300 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 39 })), { maxLength: 200 }),
        (weights, ops) => {
          const items = weights.map((w, n) => ({ n, w }));
          const fast = new EdfScheduler<(typeof items)[number]>(1);
          const ref = new ObjectEdf<(typeof items)[number]>();
          let added = 0;
          const wOf = (x: { w: number }) => x.w;
          const got: number[] = [];
          const want: number[] = [];
          for (const op of ops) {
            if (op === -1 && added < items.length) {
              // add the next item (the arrays grow from 1 slot)
              fast.add(items[added]!.w, items[added]!);
              ref.add(items[added]!.w, items[added]!);
              added++;
            } else if (op >= 0 && added > 0) {
              // change one added item's weight, then pick
              items[op % added]!.w = 1 + ((items[op % added]!.w * 7 + op) % 9);
              got.push(fast.pickAndAdd(wOf)?.n ?? -1);
              want.push(ref.pickAndAdd(wOf)?.n ?? -1);
            }
          }
          expect(got).toEqual(want);
          expect(fast.size).toBe(added);
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });

  it('createWithPicks with equal weights continues as FIFO round robin from the seeded offset', () => {
    const items = Array.from({ length: 10 }, (_, n) => ({ n, w: 1 }));
    const s = EdfScheduler.createWithPicks(items, (x) => x.w, 23);
    // 23 picks of 10 equal entries: two full rounds and 3 more, so the next pick is entry 3.
    expect(Array.from({ length: 12 }, () => s.pickAndAdd((x) => x.w)!.n)).toEqual([
      3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4,
    ]);
  });
});
