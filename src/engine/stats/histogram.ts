import * as Int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';

// hdr-histogram-js ships CommonJS; Node's ESM loader and bundlers disagree on where the default export
// lands, so accept both shapes. Importing only Int32Histogram keeps the web worker bundle small.
type HdrCtor = new (lowest: number, highest: number, digits: number) => HdrHistogram;
interface HdrHistogram {
  autoResize: boolean;
  readonly totalCount: number;
  readonly countsArrayLength: number;
  maxValue: number;
  minNonZeroValue: number;
  recordValue(v: number): void;
  getValueAtPercentile(p: number): number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
  medianEquivalentValue(v: number): number;
  add(other: HdrHistogram): void;
  reset(): void;
}
const mod = Int32HistogramModule as unknown as { default: HdrCtor | { default: HdrCtor } };
const Int32Histogram: HdrCtor = typeof mod.default === 'function' ? mod.default : mod.default.default;

/** Resolution of recorded latencies: values are kept in microseconds, reported in milliseconds. */
const UNITS_PER_MS = 1000;

export interface LatencySummary {
  count: number;
  /** Exact: the sum of every recorded value over the count (not HDR's bucket midpoints). */
  mean: number;
  /** Exact population standard deviation (fortio's `+/-`). */
  stddev: number;
  /** Exact sum of the values (fortio's `sum`; Prometheus' `_sum`). */
  sum: number;
  /** Exact smallest and largest recorded values; every percentile lies within [min, max]. */
  min: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * HDR histogram of durations in ms (1 µs resolution, 3 significant digits, grows as needed), beside the
 * exact count, min, max, sum and sum of squares, so the mean and the extremes are exact and no percentile
 * can lie outside [min, max]. Percentiles are HDR's "highest equivalent value" of the bucket (as wrk2 and
 * HdrHistogram report them), clamped into [min, max]. Every figure is reported at 1 µs (3 decimals of ms).
 * A 0 ms value is recorded and reported (min 0).
 */
export class LatencyHistogram {
  private readonly h: HdrHistogram;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;
  private sumMs = 0;
  private sumSqMs = 0;
  constructor() {
    this.h = new Int32Histogram(1, 2, 3);
    this.h.autoResize = true;
  }
  get count(): number {
    return this.h.totalCount;
  }
  /** Exact sum of the recorded values, ms. */
  get sum(): number {
    return this.sumMs;
  }
  record(ms: number): void {
    // Negative and NaN durations (never produced) count as 0.
    const v = !(ms > 0) ? 0 : ms;
    this.h.recordValue(Math.round(v * UNITS_PER_MS));
    if (v < this.minMs) this.minMs = v;
    if (v > this.maxMs) this.maxMs = v;
    this.sumMs += v;
    this.sumSqMs += v * v;
  }
  /** Adds every value of `other` into this histogram. */
  merge(other: LatencyHistogram): void {
    this.h.add(other.h);
    if (other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
    this.sumMs += other.sumMs;
    this.sumSqMs += other.sumSqMs;
  }
  /** The value at percentile p (0-100), clamped into [min, max]; 0 when empty. */
  percentile(p: number): number {
    if (this.h.totalCount === 0) return 0;
    return this.clamp(this.h.getValueAtPercentile(p) / UNITS_PER_MS);
  }
  /**
   * One pass over the counts gives the five percentiles that five `getValueAtPercentile` calls compute
   * (the same bucket values: test/engine/stats.test.ts checks them against HDR's own), then clamps them.
   */
  summary(): LatencySummary {
    const h = this.h;
    const total = h.totalCount;
    if (total === 0)
      return {
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
      };
    for (let k = 0; k < SUMMARY_PERCENTILES.length; k++)
      pendingCounts[k] = countAtPercentile(SUMMARY_PERCENTILES[k]!, total);
    let seen = 0;
    let next = 0;
    // Past the last recorded value every count is zero: stop there.
    for (let i = 0; seen < total && i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      seen += c;
      const highest = h.highestEquivalentValue(h.valueFromIndex(i));
      while (next < SUMMARY_PERCENTILES.length && seen >= pendingCounts[next]!) valuesAt[next++] = highest;
    }
    const mean = this.sumMs / total;
    const variance = Math.max(0, this.sumSqMs / total - mean * mean);
    return {
      count: total,
      mean: round3(mean),
      stddev: round3(Math.sqrt(variance)),
      sum: round3(this.sumMs),
      min: round3(this.minMs),
      p50: this.clamp(valuesAt[0]! / UNITS_PER_MS),
      p75: this.clamp(valuesAt[1]! / UNITS_PER_MS),
      p90: this.clamp(valuesAt[2]! / UNITS_PER_MS),
      p99: this.clamp(valuesAt[3]! / UNITS_PER_MS),
      p999: this.clamp(valuesAt[4]! / UNITS_PER_MS),
      max: round3(this.maxMs),
    };
  }
  reset(): void {
    this.h.reset();
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = Number.NEGATIVE_INFINITY;
    this.sumMs = 0;
    this.sumSqMs = 0;
  }
  /** A bucket value into [min, max], both at 1 µs. */
  private clamp(v: number): number {
    const lo = round3(this.minMs);
    const hi = round3(this.maxMs);
    return Math.min(hi, Math.max(lo, v));
  }
}

/** The percentiles of LatencySummary (p50 ... p999), ascending, and scratch for summary(). */
const SUMMARY_PERCENTILES = [50, 75, 90, 99, 99.9] as const;
const pendingCounts = new Float64Array(SUMMARY_PERCENTILES.length);
const valuesAt = new Float64Array(SUMMARY_PERCENTILES.length);

/**
 * The count a percentile is reached at, as HdrHistogram's getValueAtPercentile computes it: rounded up,
 * less one ulp of floating-point slack, and at least the first recorded value.
 */
export function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  return Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
