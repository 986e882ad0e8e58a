/** Sub-buckets per power of two: relative bucket width 1/32, so a reported value is within 3.2 %. */
const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
/** Values up to 2^32 - 1 µs (~71 minutes); larger ones land in the last bucket. */
const BUCKETS = (32 - SUB_BITS + 1) * SUB;
const MAX_UNITS = 0xffffffff;

/**
 * A compact log-linear histogram of durations in ms, kept in microseconds: values below 32 µs exactly,
 * then 32 sub-buckets per power of two. Recording is a few bit operations on one fixed 4 KiB array, so it
 * suits the many short-lived histograms behind per-interval percentile series; the headline figures use
 * the HDR histogram (3 significant digits). Percentiles report the bucket's highest value, like HDR.
 */
export class LogHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  /** Exact extremes in µs, so a percentile never leaves [min, max]. */
  private minUnits = MAX_UNITS;
  private maxUnits = 0;

  record(ms: number): void {
    let v = Math.round(ms * 1000);
    if (!(v > 0)) v = 0;
    else if (v > MAX_UNITS) v = MAX_UNITS;
    this.counts[bucketOf(v)]!++;
    this.count++;
    if (v < this.minUnits) this.minUnits = v;
    if (v > this.maxUnits) this.maxUnits = v;
  }

  /**
   * The value at percentile p (0-100) in ms: the highest value of the bucket holding it, clamped into the
   * exact [min, max]; 0 when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    const counts = this.counts;
    let v = highestOf(counts.length - 1);
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= target) {
        v = highestOf(i);
        break;
      }
    }
    return Math.min(this.maxUnits, Math.max(this.minUnits, v)) / 1000;
  }
}

/** Bucket of a value in µs (0 <= v < 2^32). */
export function bucketOf(v: number): number {
  if (v < SUB) return v;
  const e = 31 - Math.clz32(v); // position of the top bit, >= SUB_BITS
  const sub = (v >>> (e - SUB_BITS)) & (SUB - 1); // v < 2^32: a shift, not a power
  return (e - SUB_BITS + 1) * SUB + sub;
}

/** Highest value (µs) that falls in bucket `i`. */
export function highestOf(i: number): number {
  if (i < SUB) return i;
  const e = Math.floor(i / SUB) + SUB_BITS - 1;
  const sub = i % SUB;
  return (SUB + sub + 1) * 2 ** (e - SUB_BITS) - 1;
}
