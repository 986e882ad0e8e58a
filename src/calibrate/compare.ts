import { bucketWidthAt, histogramQuantile } from './histogram.js';
import type { CalibratedModel } from './model.js';

/** One figure of two observations of a mesh, with the tolerance it must meet. */
export interface Comparison {
  figure: 'edge rate' | 'p50' | 'p99' | 'error share';
  key: string;
  a: number;
  b: number;
  tolerance: number;
  ok: boolean;
}

/** Standard deviations allowed: 4 keeps a false alarm below 1e-4 per figure (normal approximation). */
const Z = 4;

/**
 * Compares two observations (e.g. a run and the replay of its calibration), figure by figure:
 * - each edge's rate (source -> destination workload) within Poisson noise: counts n = rate * window,
 *   |rA - rB| <= Z * sqrt(nA / wA^2 + nB / wB^2);
 * - each workload's p50 and p99 (histogram_quantile) within the width of the bucket holding A's value:
 *   the resolution Istio's buckets give a quantile;
 * - each workload's 5xx share within binomial noise: |pA - pB| <= Z * sqrt(p (1 - p) (1/nA + 1/nB)),
 *   p pooled (at least one error's worth, so that a share of 0 still has a tolerance).
 */
export function compareModels(a: CalibratedModel, b: CalibratedModel): Comparison[] {
  const wa = a.windowS ?? 1;
  const wb = b.windowS ?? 1;
  const out: Comparison[] = [];
  const edges = (m: CalibratedModel) => {
    const r = new Map<string, number>();
    for (const e of m.edges)
      r.set(`${e.source} -> ${e.destination}`, (r.get(`${e.source} -> ${e.destination}`) ?? 0) + e.ratePerS);
    return r;
  };
  const ea = edges(a);
  const eb = edges(b);
  for (const key of [...new Set([...ea.keys(), ...eb.keys()])].sort()) {
    const ra = ea.get(key) ?? 0;
    const rb = eb.get(key) ?? 0;
    const tolerance = Z * Math.sqrt(Math.max(1, ra * wa) / (wa * wa) + Math.max(1, rb * wb) / (wb * wb));
    out.push({ figure: 'edge rate', key, a: ra, b: rb, tolerance, ok: Math.abs(ra - rb) <= tolerance });
  }
  for (const [key, w] of [...a.workloads].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const v = b.workloads.get(key);
    if (!v) continue;
    if (w.histogram && v.histogram)
      for (const [figure, q] of [
        ['p50', 0.5],
        ['p99', 0.99],
      ] as const) {
        const qa = histogramQuantile(w.histogram, q);
        const qb = histogramQuantile(v.histogram, q);
        const tolerance = bucketWidthAt(w.histogram.le, qa);
        out.push({ figure, key, a: qa, b: qb, tolerance, ok: Math.abs(qa - qb) <= tolerance });
      }
    const share = (m: typeof w) => m.errors.reduce((s, e) => s + e.rate, 0);
    const na = w.answeredPerS * wa;
    const nb = v.answeredPerS * wb;
    const pa = share(w);
    const pb = share(v);
    const p = Math.max((pa * na + pb * nb) / (na + nb), 1 / (na + nb));
    const tolerance = Z * Math.sqrt(p * (1 - p) * (1 / na + 1 / nb));
    out.push({ figure: 'error share', key, a: pa, b: pb, tolerance, ok: Math.abs(pa - pb) <= tolerance });
  }
  return out;
}
