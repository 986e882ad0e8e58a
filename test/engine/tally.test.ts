import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tally } from '../../src/engine/stats/tally.js';

/** A Tally counts exactly as a Map of counts would, whatever the order of keys (issue #14's fast path). */
describe('Tally', () => {
  it('counts like a Map, in first-seen order, for any sequence of keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1, max: 6 }), fc.integer({ min: 1, max: 3 }))),
        (adds) => {
          const t = new Tally<number>();
          const m = new Map<number, number>();
          for (const [k, n] of adds) {
            t.add(k, n);
            m.set(k, (m.get(k) ?? 0) + n);
          }
          expect([...t]).toEqual([...m]);
          expect([...t.entries()]).toEqual([...m.entries()]);
          expect(t.size).toBe(m.size);
          for (let k = -1; k <= 7; k++) expect(t.get(k)).toBe(m.get(k));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps counting the right key across a switch back and forth (the last-key slot)', () => {
    const t = new Tally<string>();
    for (const k of ['a', 'a', 'b', 'a', 'b', 'b', 'c', 'a']) t.add(k);
    expect([...t]).toEqual([
      ['a', 4],
      ['b', 3],
      ['c', 1],
    ]);
    expect(t.get('z')).toBeUndefined();
  });

  it('is empty before the first count', () => {
    const t = new Tally<number>();
    expect(t.size).toBe(0);
    expect([...t]).toEqual([]);
    expect(t.get(0)).toBeUndefined();
  });
});
