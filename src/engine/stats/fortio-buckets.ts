/**
 * fortio's latency histogram buckets (fortio `stats/stats.go`, `histogramBucketValues` with the default
 * resolution `-r 0.001`, so the values are ms): a bucket holds the values in ]previous, bound], the first
 * one every value <= 0 and one extra bucket everything above 100 s. Counting is exact (no HDR rounding),
 * so the `# range, mid point, percentile, count` lines of the text report are fortio's own.
 */
export const FORTIO_BUCKET_BOUNDS_MS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120,
  140, 160, 180, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500,
  10000, 20000, 30000, 40000, 50000, 75000, 100000,
];

/** One exported bucket, as fortio's `HistogramData.Data`: [fromMs, toMs] and its count. */
export interface FortioBucket {
  fromMs: number;
  toMs: number;
  count: number;
}

export class FortioBuckets {
  private readonly counts = new Float64Array(FORTIO_BUCKET_BOUNDS_MS.length + 1);

  /** Allocation-free: a binary search over 56 bounds. */
  record(ms: number): void {
    const b = FORTIO_BUCKET_BOUNDS_MS;
    let lo = 0;
    let hi = b.length; // index b.length = above the last bound
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ms <= b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]!++;
  }

  merge(other: FortioBuckets): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
  }

  /**
   * The non-empty buckets as fortio's `Histogram.Export` lists them: the first starts at the exact min,
   * the last ends at the exact max (and the bucket above 100 s starts at 100 s).
   */
  export(minMs: number, maxMs: number): FortioBucket[] {
    const b = FORTIO_BUCKET_BOUNDS_MS;
    const out: FortioBucket[] = [];
    let prev = b[0]!;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) {
        if (i < b.length) prev = b[i]!;
        continue;
      }
      const last = i === b.length;
      out.push({ fromMs: out.length === 0 && !last ? minMs : prev, toMs: last ? maxMs : b[i]!, count: c });
      if (!last) prev = b[i]!;
    }
    if (out.length > 0) out[out.length - 1]!.toMs = maxMs;
    return out;
  }
}
