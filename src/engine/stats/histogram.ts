/**
 * HdrHistogram's bucket layout for lowestDiscernibleValue 1 and 3 significant digits (HdrHistogram's
 * AbstractHistogram / hdr-histogram-js JsHistogram): 2048 sub-buckets, of which bucket k >= 1 uses the upper
 * 1024 at a width of 2^k units. Index of value v: k * 1024 + floor(v / 2^k), with k = max(0, floor(log2 v) - 10).
 * Written here on a fixed layout so recording is a few bit operations (hdr-histogram-js computes
 * Math.floor(Math.log2(v)) and Math.pow per value): same buckets, same counts, same percentiles.
 */
const SUB_HALF_MAGNITUDE = 10;
const SUB_HALF = 1 << SUB_HALF_MAGNITUDE;
/** Counts for values below 2^(11 + k) (k buckets above the first): grows as larger values come. */
const INITIAL_LENGTH = 2 * SUB_HALF;
const TWO_32 = 2 ** 32;

/** Counts-array index of an integer value >= 0 (units of 1 µs). */
function indexOf(v: number): number {
  if (v < TWO_32) {
    // v | 2047 keeps small values in bucket 0, as HdrHistogram's subBucketMask does.
    const k = 31 - Math.clz32(v | (2 * SUB_HALF - 1)) - SUB_HALF_MAGNITUDE;
    return k * SUB_HALF + (v >>> k);
  }
  // Beyond 71 minutes in µs (never on the hot path): HdrHistogram's own arithmetic.
  const k = Math.max(Math.floor(Math.log2(v)) - SUB_HALF_MAGNITUDE, 0);
  return k * SUB_HALF + Math.floor(v / 2 ** k);
}

/** The highest value (µs) counted at index i: HdrHistogram's highestEquivalentValue(valueFromIndex(i)). */
function highestAt(i: number): number {
  if (i < INITIAL_LENGTH) return i;
  const k = Math.floor(i / SUB_HALF) - 1;
  return ((i % SUB_HALF) + SUB_HALF + 1) * 2 ** k - 1;
}

/** The lowest value (µs) counted at index i (HdrHistogram's lowestEquivalentValue, for percentile 0). */
function lowestAt(i: number): number {
  if (i < INITIAL_LENGTH) return i;
  const k = Math.floor(i / SUB_HALF) - 1;
  return ((i % SUB_HALF) + SUB_HALF) * 2 ** k;
}

/** Array length HdrHistogram grows to for an index: whole buckets of 1024 beyond the first 2048. */
function lengthFor(index: number): number {
  return (Math.floor(index / SUB_HALF) + 1) * SUB_HALF;
}

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
  private counts = new Uint32Array(INITIAL_LENGTH);
  private total = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;
  private sumMs = 0;
  private sumSqMs = 0;
  get count(): number {
    return this.total;
  }
  /** Exact sum of the recorded values, ms. */
  get sum(): number {
    return this.sumMs;
  }
  record(ms: number): void {
    // Negative and NaN durations (never produced) count as 0.
    const v = !(ms > 0) ? 0 : ms;
    const i = indexOf(Math.round(v * UNITS_PER_MS));
    if (i >= this.counts.length) this.grow(lengthFor(i));
    this.counts[i]!++;
    this.total++;
    if (v < this.minMs) this.minMs = v;
    if (v > this.maxMs) this.maxMs = v;
    this.sumMs += v;
    this.sumSqMs += v * v;
  }
  /** Adds every value of `other` into this histogram (same layout: counts add index by index). */
  merge(other: LatencyHistogram): void {
    const oc = other.counts;
    if (oc.length > this.counts.length) this.grow(oc.length);
    const c = this.counts;
    for (let i = 0; i < oc.length; i++) c[i]! += oc[i]!;
    this.total += other.total;
    if (other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
    this.sumMs += other.sumMs;
    this.sumSqMs += other.sumSqMs;
  }
  /** The value at percentile p (0-100), clamped into [min, max]; 0 when empty. */
  percentile(p: number): number {
    const total = this.total;
    if (total === 0) return 0;
    // HdrHistogram's getValueAtPercentile: the first index where the running count reaches the target.
    const target = countAtPercentile(p, total);
    const c = this.counts;
    let seen = 0;
    for (let i = 0; i < c.length; i++) {
      seen += c[i]!;
      if (seen >= target) return this.clamp((p === 0 ? lowestAt(i) : highestAt(i)) / UNITS_PER_MS);
    }
    return this.clamp(0);
  }
  /**
   * One pass over the counts gives the five percentiles that five `percentile` calls compute (the same
   * bucket values: test/engine/stats.test.ts checks them against hdr-histogram-js), then clamps them.
   */
  summary(): LatencySummary {
    const total = this.total;
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
    const c = this.counts;
    let seen = 0;
    let next = 0;
    // Past the last recorded value every count is zero: stop there.
    for (let i = 0; seen < total && i < c.length; i++) {
      const n = c[i]!;
      if (n === 0) continue;
      seen += n;
      const highest = highestAt(i);
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
    this.counts.fill(0);
    this.total = 0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = Number.NEGATIVE_INFINITY;
    this.sumMs = 0;
    this.sumSqMs = 0;
  }
  private grow(length: number): void {
    const c = new Uint32Array(length);
    c.set(this.counts);
    this.counts = c;
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
