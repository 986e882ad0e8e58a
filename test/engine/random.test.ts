import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/index.js';

describe('RandomStreams', () => {
  it('the same seed and name give the same sequence; the same name returns the same stream', () => {
    const a = new RandomStreams(7).stream('arrivals/frontend');
    const b = new RandomStreams(7).stream('arrivals/frontend');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    const s = new RandomStreams(7);
    expect(s.stream('x')).toBe(s.stream('x'));
  });

  it('streams are independent: drawing from one does not shift another (common random numbers)', () => {
    const s1 = new RandomStreams(7);
    const s2 = new RandomStreams(7);
    for (let i = 0; i < 1000; i++) s1.stream('lb/client-0/outbound|8080||a').next();
    const x = Array.from({ length: 10 }, () => s1.stream('arrivals/frontend').next());
    const y = Array.from({ length: 10 }, () => s2.stream('arrivals/frontend').next());
    expect(x).toEqual(y);
  });

  it('different seeds or names give different sequences', () => {
    const a = new RandomStreams(7).stream('x').next();
    expect(new RandomStreams(8).stream('x').next()).not.toBe(a);
    expect(new RandomStreams(7).stream('y').next()).not.toBe(a);
  });

  it('next is in [0,1), uint32 in [0, 2^32), int(n) in [0, n) and uniform', () => {
    const r = new RandomStreams(1).stream('u');
    const n = 100_000;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      const v = r.uint32();
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
      counts[r.int(10)]++;
    }
    // Chi-square with 9 degrees of freedom: P(X > 27.88) = 0.001.
    const e = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(27.88);
  });
});
