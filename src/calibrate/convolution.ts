import { type BucketCdf, histogramQuantile } from './histogram.js';

/** Points of the downstream-time sample: enough for a CDF error well below the buckets' resolution. */
const SAMPLES = 1024;

/**
 * The time a request spends in its sequential downstream calls, D = sum of B_c * L_c (B_c: the call
 * happens, with its per-request probability; L_c: the call's latency as the caller's sidecar saw it,
 * read from the edge's histogram), as a deterministic sample of SAMPLES points: point i uses the i-th
 * point of Roberts' additive-recurrence sequence per coordinate, so the result needs no random
 * stream and is the same on every run. Calls are taken as independent; each call's sample is scaled to
 * the mean its _sum/_count measured.
 * NOTE: simplification: calls are sequential and independent; parallel calls (max, not sum) are not fitted.
 */
export function downstreamSample(
  calls: readonly { probability: number; histogram?: BucketCdf; meanMs: number }[],
): number[] {
  const out = new Array<number>(SAMPLES).fill(0);
  let slots = 0;
  for (const c of calls) slots += Math.ceil(c.probability - 1e-9);
  // Roberts' R_d sequence: steps (1/g)^j, g the root of x^(d+1) = x + 1: low discrepancy in every
  // dimension and no correlation between them (two coordinates per call: whether, and how long).
  const dims = Math.max(2, 2 * slots);
  let g = 2;
  for (let k = 0; k < 50; k++) g -= (g ** (dims + 1) - g - 1) / ((dims + 1) * g ** dims - 1);
  const step = (j: number) => (1 / g) ** (j + 1) % 1;
  let dim = 0;
  for (const c of calls) {
    let p = c.probability;
    while (p > 1e-9) {
      const one = Math.min(1, p);
      const a = step(dim);
      const b = step(dim + 1);
      dim += 2;
      const lat = new Array<number>(SAMPLES);
      let sum = 0;
      for (let i = 0; i < SAMPLES; i++) {
        lat[i] = c.histogram ? histogramQuantile(c.histogram, (0.5 + i * b) % 1) : c.meanMs;
        sum += lat[i]!;
      }
      // Linear interpolation inside a bucket misplaces its mass (a falling density's mass sits low):
      // scale to the mean that _sum/_count measured.
      const scale = sum > 0 && c.meanMs > 0 ? c.meanMs / (sum / SAMPLES) : 1;
      for (let i = 0; i < SAMPLES; i++) if ((0.5 + i * a) % 1 < one) out[i]! += lat[i]! * scale;
      p -= one;
    }
  }
  return out.sort((x, y) => x - y);
}

/** F(x) of X + D, X with CDF `fx`, D the sample. */
export function convolvedCdf(fx: (x: number) => number, d: readonly number[], x: number): number {
  let s = 0;
  for (const di of d) s += fx(x - di);
  return s / d.length;
}

/** Nelder-Mead minimisation (a small fixed budget: the objectives here have 1-2 parameters). */
export function nelderMead(
  f: (p: number[]) => number,
  start: number[],
  step: number[],
  iterations = 200,
): number[] {
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step[j]! : v)))].map(
    (p) => ({ p, v: f(p) }),
  );
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) < 1e-12) break;
    const centroid = start.map((_, j) => simplex.slice(0, n).reduce((s, x) => s + x.p[j]!, 0) / n);
    const at = (t: number) => centroid.map((c, j) => c + t * (worst.p[j]! - c));
    const r = at(-1);
    const vr = f(r);
    if (vr < best.v) {
      const e = at(-2);
      const ve = f(e);
      simplex[n] = ve < vr ? { p: e, v: ve } : { p: r, v: vr };
    } else if (vr < simplex[n - 1]!.v) simplex[n] = { p: r, v: vr };
    else {
      const c = at(0.5);
      const vc = f(c);
      if (vc < worst.v) simplex[n] = { p: c, v: vc };
      else
        simplex = simplex
          .map((x) => ({ p: x.p.map((v, j) => best.p[j]! + 0.5 * (v - best.p[j]!)), v: 0 }))
          .map((x, i) => ({ p: x.p, v: i === 0 ? best.v : f(x.p) }));
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0]!.p;
}
