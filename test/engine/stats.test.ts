import fc from 'fast-check';
import * as Int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';
import { describe, expect, it } from 'vitest';
import { countAtPercentile } from '../../src/engine/stats/histogram.js';
import {
  LatencyHistogram,
  meanWithCi,
  tCritical95,
  TimeSeries,
  TimeWeightedGauge,
} from '../../src/engine/index.js';

// The library's own histogram, as src/engine/stats/histogram.ts builds it (CommonJS default export).
interface Hdr {
  autoResize: boolean;
  mean: number;
  minNonZeroValue: number;
  maxValue: number;
  recordValue(v: number): void;
  getValueAtPercentile(p: number): number;
}
type HdrCtor = new (lowest: number, highest: number, digits: number) => Hdr;
const hdrModule = Int32HistogramModule as unknown as { default: HdrCtor | { default: HdrCtor } };
const Int32Histogram =
  typeof hdrModule.default === 'function' ? hdrModule.default : hdrModule.default.default;

describe('LatencyHistogram', () => {
  it('reports percentiles within HDR precision (3 significant digits) in ms', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i); // 1..1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(s.max - 1000) / 1000).toBeLessThan(0.001);
    expect(s.min).toBe(1);
    expect(s.mean).toBeCloseTo(500.5, 0);
  });
  it('merges and keeps sub-millisecond resolution', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(0.25);
    b.record(0.75);
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.summary().min).toBe(0.25);
    expect(a.summary().max).toBe(0.75);
  });
  it('summary(): HDR getValueAtPercentile clamped into the exact [min, max]; mean and stddev exact', () => {
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 500, noNaN: true }),
            fc.double({ min: 0, max: 1e6, noNaN: true }),
            fc.constantFrom(0, 0.001, 1, 1000),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        (values) => {
          const ours = new LatencyHistogram();
          const hdr = new Int32Histogram(1, 2, 3);
          hdr.autoResize = true;
          for (const v of values) {
            ours.record(v);
            hdr.recordValue(Math.max(0, Math.round(v * 1000)));
          }
          const s = ours.summary();
          const min = round3(Math.min(...values));
          const max = round3(Math.max(...values));
          const pct = (p: number) => Math.min(max, Math.max(min, hdr.getValueAtPercentile(p) / 1000));
          const mean = values.reduce((a, v) => a + v, 0) / values.length;
          const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
          expect(s).toEqual({
            count: values.length,
            mean: round3(mean),
            stddev: expect.closeTo(round3(Math.sqrt(variance)), 2),
            sum: round3(values.reduce((a, v) => a + v, 0)),
            min,
            p50: pct(50),
            p75: pct(75),
            p90: pct(90),
            p99: pct(99),
            p999: pct(99.9),
            max,
          });
          for (const k of ['p50', 'p75', 'p90', 'p99', 'p999'] as const) {
            expect(s[k]).toBeGreaterThanOrEqual(s.min);
            expect(s[k]).toBeLessThanOrEqual(s.max);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
  it('percentile(p) and merge() give hdr-histogram-js getValueAtPercentile on the same values (clamped), up to 10^8 ms', () => {
    // The fixed bucket layout must equal HDR's (1 µs, 3 digits) everywhere, past 2^32 µs (71.6 minutes) too.
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    const percentiles = [0, 0.1, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 3, noNaN: true }),
            fc.double({ min: 0, max: 1e5, noNaN: true }),
            fc.double({ min: 4e6, max: 1e8, noNaN: true }),
            fc.constantFrom(0, 2.047, 2.048, 2.049, 4.095, 4.096, 4294967.295, 4294967.296, 4294967.297),
          ),
          { minLength: 2, maxLength: 300 },
        ),
        (values) => {
          const half = values.length >> 1;
          const a = new LatencyHistogram();
          const b = new LatencyHistogram();
          const hdr = new Int32Histogram(1, 2, 3);
          hdr.autoResize = true;
          values.forEach((v, i) => {
            (i < half ? a : b).record(v);
            hdr.recordValue(Math.round(v * 1000));
          });
          a.merge(b);
          const min = round3(Math.min(...values));
          const max = round3(Math.max(...values));
          for (const p of percentiles)
            expect(a.percentile(p)).toBe(Math.min(max, Math.max(min, hdr.getValueAtPercentile(p) / 1000)));
          expect(a.count).toBe(values.length);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
  it('countAtPercentile rounds up except within one ulp, and never goes below the first value', () => {
    expect(countAtPercentile(50, 1000)).toBe(500); // exactly at a count
    expect(countAtPercentile(50, 1001)).toBe(501); // 500.5 rounds up
    expect(countAtPercentile(99.9, 1000)).toBe(999); // 999.0000000000001 in floating point: still 999
    expect(countAtPercentile(99.9, 999)).toBe(999); // 998.001 rounds up
    expect(countAtPercentile(0.001, 10)).toBe(1); // below the first value: the first value
  });
  it('one value of 9.69 ms: every figure is 9.69 (no percentile above the max, no mean below the min)', () => {
    const h = new LatencyHistogram();
    h.record(9.69);
    expect(h.summary()).toEqual({
      count: 1,
      mean: 9.69,
      stddev: 0,
      sum: 9.69,
      min: 9.69,
      p50: 9.69,
      p75: 9.69,
      p90: 9.69,
      p99: 9.69,
      p999: 9.69,
      max: 9.69,
    });
    expect(h.percentile(99)).toBe(9.69);
  });
  it('0 ms is recorded and representable: min 0, mean exact', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(0);
    h.record(3);
    const s = h.summary();
    expect([s.count, s.min, s.p50, s.max, s.mean]).toEqual([3, 0, 0, 3, 1]);
    expect(s.stddev).toBeCloseTo(Math.sqrt(2), 3);
    h.record(-1); // a negative duration (never produced) counts as 0
    expect(h.summary().min).toBe(0);
  });
  it('the mean is exact where bucket midpoints would fall below the min', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 10; i++) h.record(100_000.4); // one HDR bucket spans tens of µs here
    const s = h.summary();
    expect(s.mean).toBe(100_000.4);
    expect(s.min).toBe(100_000.4);
    expect(s.max).toBe(100_000.4);
    expect(s.p999).toBe(100_000.4);
  });
  it('merge keeps the exact min, max and sum; reset clears them', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(2);
    b.record(0.5);
    b.record(7.5);
    a.merge(b);
    expect(a.summary()).toMatchObject({ count: 3, min: 0.5, max: 7.5, mean: 3.333 });
    expect(a.sum).toBe(10);
    a.reset();
    expect(a.summary()).toMatchObject({ count: 0, min: 0, max: 0, mean: 0 });
    a.record(4);
    expect(a.summary()).toMatchObject({ min: 4, max: 4, mean: 4 });
  });
  it('an empty histogram summarises to zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      mean: 0,
      stddev: 0,
      sum: 0,
      min: 0,
      p50: 0,
      p75: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
  });
});

describe('TimeWeightedGauge', () => {
  it('weights each value by how long it held', () => {
    const g = new TimeWeightedGauge();
    g.set(0, 2); // 2 for 10 ms
    g.set(10, 4); // 4 for 30 ms
    g.add(40, -4); // 0 for 60 ms
    expect(g.mean(100)).toBeCloseTo((2 * 10 + 4 * 30) / 100, 12);
    expect(g.max).toBe(4);
    g.restart(100);
    g.set(150, 1);
    expect(g.mean(200)).toBeCloseTo(0.5, 12);
  });
});

describe('TimeSeries', () => {
  it('sums per interval and pads to a horizon', () => {
    const ts = new TimeSeries(1000);
    ts.add(0);
    ts.add(999.9);
    ts.add(1000, 5);
    ts.add(3500);
    expect(ts.values()).toEqual([2, 5, 0, 1]);
    expect(ts.values(6000)).toEqual([2, 5, 0, 1, 0, 0]);
  });
});

describe('confidence intervals', () => {
  it('t critical values', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(30)).toBe(2.042);
    expect(tCritical95(60)).toBeCloseTo(2.0003, 2);
    expect(tCritical95(1e6)).toBeCloseTo(1.96, 3);
  });
  it('mean and half-width', () => {
    const e = meanWithCi([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.halfWidth).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
  });
});
