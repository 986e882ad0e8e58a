import { type BucketCdf, bucketMean, sumBuckets } from './histogram.js';
import { appAnswered, dst, isUnknown, src, svc } from './metric-labels.js';
import type { Reporter } from './model.js';
import type { RatedSeries } from './rates.js';

/** Per destination workload: the summed buckets of the requests its app answered, and their mean. */
export function histogramsBy(
  series: readonly RatedSeries[],
  reporter: Reporter,
): Map<string, { cdf: BucketCdf; meanMs: number }> {
  const parts = new Map<string, { le: number; value: number }[]>();
  const sums = new Map<string, { sum: number; count: number }>();
  for (const s of series) {
    if ((s.labels.reporter ?? 'destination') !== reporter || !appAnswered(s.labels)) continue;
    const d = dst(s.labels);
    if (isUnknown(d)) continue;
    if (s.metric === 'bucket' && s.le !== undefined) {
      const p = parts.get(d) ?? [];
      parts.set(d, p);
      p.push({ le: s.le, value: s.ratePerS });
    } else if (s.metric === 'sum' || s.metric === 'count') {
      const m = sums.get(d) ?? { sum: 0, count: 0 };
      sums.set(d, m);
      m[s.metric] += s.ratePerS;
    }
  }
  const out = new Map<string, { cdf: BucketCdf; meanMs: number }>();
  for (const [d, p] of parts) {
    const cdf = sumBuckets(p);
    if (cdf === undefined) continue;
    const m = sums.get(d);
    out.set(d, { cdf, meanMs: m && m.count > 0 ? m.sum / m.count : bucketMean(cdf) });
  }
  return out;
}

/**
 * The latency of one caller -> service edge as the caller sees it: reporter="source" (the caller's
 * sidecar: network and both proxies included) when present, else the chosen reporter; the mean from
 * _sum/_count, else the bucket midpoints.
 */
export class EdgeLatencies {
  /** reporter, caller and service -> the duration series of that edge (indexed once: O(series)). */
  private readonly byEdge = new Map<string, RatedSeries[]>();

  constructor(series: readonly RatedSeries[]) {
    for (const s of series) {
      if (s.metric === 'requests') continue;
      const k = `${s.labels.reporter ?? 'destination'}\u0000${src(s.labels)}\u0000${svc(s.labels)}`;
      const list = this.byEdge.get(k);
      if (list) list.push(s);
      else this.byEdge.set(k, [s]);
    }
  }

  of(caller: string, service: string, reporter: Reporter): { meanMs: number; histogram?: BucketCdf } {
    for (const r of ['source', reporter] as const) {
      const found = edgeFigures(this.byEdge.get(`${r}\u0000${caller}\u0000${service}`) ?? []);
      if (found) return found;
    }
    return { meanMs: 0 };
  }
}

function edgeFigures(series: readonly RatedSeries[]): { meanMs: number; histogram?: BucketCdf } | undefined {
  {
    let sum = 0;
    let count = 0;
    const parts: { le: number; value: number }[] = [];
    for (const s of series) {
      if (s.metric === 'sum') sum += s.ratePerS;
      else if (s.metric === 'count') count += s.ratePerS;
      else if (s.metric === 'bucket' && s.le !== undefined) parts.push({ le: s.le, value: s.ratePerS });
    }
    const cdf = sumBuckets(parts);
    if (count > 0) return { meanMs: sum / count, ...(cdf ? { histogram: cdf } : {}) };
    if (cdf) return { meanMs: bucketMean(cdf), histogram: cdf };
  }
  return undefined;
}
