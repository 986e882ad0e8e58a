import { describe, expect, it } from 'vitest';
import { LogHistogram, bucketOf, highestOf } from '../../src/engine/stats/log-histogram.js';
import { LogNormal, RandomStreams } from '../../src/engine/index.js';

describe('LogHistogram', () => {
  it('buckets: exact below 32 µs, then 32 per power of two, each value inside its bucket', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(31)).toBe(31);
    expect(bucketOf(32)).toBe(32);
    expect(bucketOf(33)).toBe(33);
    expect(bucketOf(63)).toBe(63);
    expect(bucketOf(64)).toBe(64); // 64 = 2^6: first bucket of width 2
    expect(bucketOf(65)).toBe(64);
    expect(bucketOf(66)).toBe(65);
    expect(highestOf(64)).toBe(65);
    for (const v of [0, 1, 31, 32, 100, 1000, 12_345, 999_999, 2 ** 31, 2 ** 32 - 1]) {
      const i = bucketOf(v);
      expect(highestOf(i)).toBeGreaterThanOrEqual(v);
      expect(i === 0 || highestOf(i - 1) < v).toBe(true);
      // Relative width of a bucket is at most 1/32.
      if (v >= 32) expect((highestOf(i) - v) / v).toBeLessThanOrEqual(1 / 32);
    }
  });

  it('percentiles are within 3.2 % of the exact sample quantiles', () => {
    const d = LogNormal.fromMedianP99(20, 150);
    const rng = new RandomStreams(4).stream('h');
    const h = new LogHistogram();
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const x = d.sample(rng);
      xs.push(x);
      h.record(x);
    }
    xs.sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = xs[Math.ceil((p / 100) * xs.length) - 1]!;
      const got = h.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact - 0.001);
      expect((got - exact) / exact).toBeLessThan(0.032);
    }
    expect(h.count).toBe(50_000);
  });

  it('empty is 0, negatives count as 0, huge values land in the last bucket', () => {
    const h = new LogHistogram();
    expect(h.percentile(99)).toBe(0);
    h.record(-5);
    expect(h.percentile(50)).toBe(0);
    h.record(1e12);
    expect(h.percentile(100)).toBeCloseTo((2 ** 32 - 1) / 1000, 0);
  });
});

describe('LogHistogram extremes', () => {
  it('a percentile never leaves the exact [min, max]', () => {
    const h = new LogHistogram();
    h.record(9.69); // 9690 µs: bucket highest value 9727 µs
    expect(h.percentile(50)).toBe(9.69);
    expect(h.percentile(99)).toBe(9.69);
    h.record(0);
    expect(h.percentile(1)).toBe(0);
    expect(h.percentile(100)).toBe(9.69);
  });
});
