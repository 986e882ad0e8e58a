/**
 * A cumulative histogram as Prometheus stores it: finite upper bounds `le` (ms, ascending) with the
 * cumulative rate (or count) at each, and the total (the +Inf bucket).
 */
export interface BucketCdf {
  le: number[];
  cum: number[];
  total: number;
}

/** Adds the buckets of several series (same metric, different labels), by `le`. */
export function sumBuckets(parts: readonly { le: number; value: number }[]): BucketCdf | undefined {
  const byLe = new Map<number, number>();
  for (const p of parts) byLe.set(p.le, (byLe.get(p.le) ?? 0) + p.value);
  const total = byLe.get(Number.POSITIVE_INFINITY);
  if (total === undefined || total <= 0) return undefined;
  const le = [...byLe.keys()].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  // Rates of cumulative buckets may come out slightly non-monotone (separately scraped series): clamp.
  let run = 0;
  const cum = le.map((l) => (run = Math.min(total, Math.max(run, byLe.get(l)!))));
  return { le, cum, total };
}

/**
 * histogram_quantile(q) as Prometheus computes it (prometheus/prometheus promql/quantile.go,
 * bucketQuantile): find the first bucket whose cumulative share reaches q and interpolate linearly inside
 * it, the lowest bucket starting at 0; a quantile in the +Inf bucket is the highest finite bound.
 */
export function histogramQuantile(h: BucketCdf, q: number): number {
  const rank = q * h.total;
  for (let i = 0; i < h.le.length; i++) {
    if (h.cum[i]! >= rank) {
      const lo = i === 0 ? 0 : h.le[i - 1]!;
      const below = i === 0 ? 0 : h.cum[i - 1]!;
      const inBucket = h.cum[i]! - below;
      return inBucket > 0 ? lo + ((h.le[i]! - lo) * (rank - below)) / inBucket : h.le[i]!;
    }
  }
  return h.le[h.le.length - 1] ?? 0;
}

/** The width of the bucket that holds `x` (ms): the resolution a quantile read from `le` can have. */
export function bucketWidthAt(le: readonly number[], x: number): number {
  for (let i = 0; i < le.length; i++) if (x <= le[i]!) return le[i]! - (i === 0 ? 0 : le[i - 1]!);
  return Number.POSITIVE_INFINITY;
}

/** Mean from the bucket midpoints (the +Inf bucket at the last bound), when `_sum`/`_count` are absent. */
export function bucketMean(h: BucketCdf): number {
  let sum = 0;
  let prevLe = 0;
  let prevCum = 0;
  for (let i = 0; i < h.le.length; i++) {
    sum += (h.cum[i]! - prevCum) * ((prevLe + h.le[i]!) / 2);
    prevLe = h.le[i]!;
    prevCum = h.cum[i]!;
  }
  sum += (h.total - prevCum) * prevLe;
  return sum / h.total;
}
