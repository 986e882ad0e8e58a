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
  mean: number;
  min: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * HDR histogram of durations in ms (1 µs resolution, 3 significant digits, grows as needed).
 * Percentiles are HDR's "highest equivalent value" of the bucket, as fortio and wrk2 report them.
 */
export class LatencyHistogram {
  private readonly h: HdrHistogram;
  constructor() {
    this.h = new Int32Histogram(1, 2, 3);
    this.h.autoResize = true;
  }
  get count(): number {
    return this.h.totalCount;
  }
  record(ms: number): void {
    this.h.recordValue(Math.max(0, Math.round(ms * UNITS_PER_MS)));
  }
  /** Adds every value of `other` into this histogram. */
  merge(other: LatencyHistogram): void {
    this.h.add(other.h);
  }
  percentile(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p) / UNITS_PER_MS;
  }
  /**
   * One pass over the counts gives what hdr-histogram-js's `mean` and five `getValueAtPercentile` calls
   * compute in six (12 % of a canary run's time went there): the same bucket values, added in the same
   * order, so every figure is bit for bit HDR's own (test/engine/stats.test.ts checks it against them).
   */
  summary(): LatencySummary {
    const h = this.h;
    const total = h.totalCount;
    if (total === 0) return { count: 0, mean: 0, min: 0, p50: 0, p75: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    for (let k = 0; k < SUMMARY_PERCENTILES.length; k++)
      pendingCounts[k] = countAtPercentile(SUMMARY_PERCENTILES[k]!, total);
    let seen = 0;
    let next = 0;
    let valueSum = 0;
    // Past the last recorded value every count is zero: stop there.
    for (let i = 0; seen < total && i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      seen += c;
      // As RecordedValuesIterator + mean: each non-empty bucket's median value times its count.
      const highest = h.highestEquivalentValue(h.valueFromIndex(i));
      valueSum += h.medianEquivalentValue(highest) * c;
      while (next < SUMMARY_PERCENTILES.length && seen >= pendingCounts[next]!) valuesAt[next++] = highest;
    }
    return {
      count: total,
      mean: round3(valueSum / total / UNITS_PER_MS),
      min: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / UNITS_PER_MS,
      p50: valuesAt[0]! / UNITS_PER_MS,
      p75: valuesAt[1]! / UNITS_PER_MS,
      p90: valuesAt[2]! / UNITS_PER_MS,
      p99: valuesAt[3]! / UNITS_PER_MS,
      p999: valuesAt[4]! / UNITS_PER_MS,
      max: h.maxValue / UNITS_PER_MS,
    };
  }
  reset(): void {
    this.h.reset();
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
