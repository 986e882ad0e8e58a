import { normalQuantile } from '../engine/index.js';
import { convolvedCdf, nelderMead } from './convolution.js';
import { type BucketCdf, histogramQuantile } from './histogram.js';

/** The scenario distributions calibration fits (docs/scenario.md "Distributions"). */
export type FittedDistribution =
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'constant'; valueMs: number };

export interface FitQuality {
  /** Kolmogorov-Smirnov distance at the bucket bounds: max |F_fit(le) - F_observed(le)|. */
  ks: number;
  /** histogram_quantile of the observed buckets and of the fitted distribution's buckets (ms). */
  observed: { p50: number; p90: number; p99: number };
  fitted: { p50: number; p90: number; p99: number };
  /** Largest relative difference of the three. */
  maxRelError: number;
}

export interface Fit {
  distribution: FittedDistribution;
  quality: FitQuality;
  /** Bucket bounds with a share strictly between 0 and 1: the points the fit used. */
  points: number;
}

const QUANTILES = [0.5, 0.9, 0.99] as const;

/**
 * Fits the service time X of a histogram of X + D, D the time spent in downstream calls.
 * Start: D taken as its mean `shiftMs` (docs/calibration.md "Fitting"). Lognormal: ln(le - shift) = mu +
 * sigma * z(F(le)) is a straight line in the normal score z, solved by weighted least squares, each bound
 * weighted by the inverse variance of its z (n * phi(z)^2 / (F (1 - F)), the delta method), so sparse
 * tail buckets count less. Exponential: -ln(1 - F) = (le - shift) / mean, the same way through the
 * origin. Then, when the caller has downstream calls (`downstream`: a sample of D, convolution.ts), each
 * start is refined so that the CDF of X + D (X convolved with the sample) meets the buckets, by
 * Nelder-Mead on the weighted squared CDF error: a constant shift would put D's spread into X's tail.
 * The candidate with the smaller KS distance wins (lognormal on ties); with fewer than two usable bounds
 * the mean (from _sum/_count) gives a constant.
 */
export function fitHistogram(
  h: BucketCdf,
  shiftMs: number,
  meanMs: number,
  downstream: readonly number[] = [],
): Fit {
  const xs: number[] = [];
  const fs: number[] = [];
  for (let i = 0; i < h.le.length; i++) {
    const f = h.cum[i]! / h.total;
    const x = h.le[i]! - shiftMs;
    if (f > 0 && f < 1 && x > 0) {
      xs.push(x);
      fs.push(f);
    }
  }
  const convolve = downstream.length > 0 && downstream[downstream.length - 1]! > 0;
  const candidates: FittedDistribution[] = [];
  if (xs.length >= 2) {
    const ln = fitLognormal(xs, fs);
    if (ln) candidates.push(convolve ? refine(h, ln, downstream) : ln);
  }
  if (xs.length >= 1) {
    const ex = fitExponential(xs, fs);
    if (ex) candidates.push(convolve ? refine(h, ex, downstream) : ex);
  }
  candidates.push({ kind: 'constant', valueMs: Math.max(0.001, meanMs - shiftMs) });
  let best: Fit | undefined;
  for (const d of candidates) {
    const model = convolve
      ? (le: number) => convolvedCdf((x) => cdf(d, x), downstream, le)
      : (le: number) => cdf(d, le - shiftMs);
    const quality = qualityOf(h, model);
    if (best === undefined || quality.ks < best.quality.ks - 1e-9)
      best = { distribution: d, quality, points: xs.length };
  }
  return best!;
}

/** Weighted squared CDF error of X + D at the bucket bounds, minimised over X's parameters (in logs). */
function refine(h: BucketCdf, start: FittedDistribution, d: readonly number[]): FittedDistribution {
  const bounds: { le: number; f: number; w: number }[] = [];
  for (let i = 0; i < h.le.length; i++) {
    const f = h.cum[i]! / h.total;
    if (f > 0 && f < 1) bounds.push({ le: h.le[i]!, f, w: 1 / (f * (1 - f)) });
  }
  const make = (p: number[]): FittedDistribution =>
    start.kind === 'lognormal'
      ? { kind: 'lognormal', mu: p[0]!, sigma: Math.exp(p[1]!) }
      : { kind: 'exponential', meanMs: Math.exp(p[0]!) };
  const objective = (p: number[]) => {
    const dist = make(p);
    let e = 0;
    for (const b of bounds) e += b.w * (convolvedCdf((x) => cdf(dist, x), d, b.le) - b.f) ** 2;
    return e;
  };
  const p0 =
    start.kind === 'lognormal'
      ? [start.mu, Math.log(start.sigma)]
      : start.kind === 'exponential'
        ? [Math.log(start.meanMs)]
        : [];
  if (p0.length === 0) return start;
  return make(
    nelderMead(
      objective,
      p0,
      p0.map(() => 0.2),
    ),
  );
}

function fitLognormal(xs: number[], fs: number[]): FittedDistribution | undefined {
  let sw = 0;
  let sz = 0;
  let sy = 0;
  let szz = 0;
  let szy = 0;
  for (let i = 0; i < xs.length; i++) {
    const z = normalQuantile(fs[i]!);
    const w = normalPdf(z) ** 2 / (fs[i]! * (1 - fs[i]!));
    const y = Math.log(xs[i]!);
    sw += w;
    sz += w * z;
    sy += w * y;
    szz += w * z * z;
    szy += w * z * y;
  }
  const det = sw * szz - sz * sz;
  if (!(det > 0)) return undefined;
  const sigma = (sw * szy - sz * sy) / det;
  const mu = (sy - sigma * sz) / sw;
  return sigma > 0 && Number.isFinite(mu) ? { kind: 'lognormal', mu, sigma } : undefined;
}

function fitExponential(xs: number[], fs: number[]): FittedDistribution | undefined {
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    const y = -Math.log(1 - fs[i]!);
    // Var(y) ~ F / ((1 - F) n): weight by its inverse.
    const w = (1 - fs[i]!) / fs[i]!;
    sxy += w * xs[i]! * y;
    sxx += w * xs[i]! * xs[i]!;
  }
  const inv = sxy / sxx;
  return inv > 0 ? { kind: 'exponential', meanMs: 1 / inv } : undefined;
}

/** The distribution's CDF at x (ms). */
export function cdf(d: FittedDistribution, x: number): number {
  if (x <= 0) return 0;
  switch (d.kind) {
    case 'lognormal':
      return normalCdf((Math.log(x) - d.mu) / d.sigma);
    case 'exponential':
      return 1 - Math.exp(-x / d.meanMs);
    case 'constant':
      return x >= d.valueMs ? 1 : 0;
  }
}

function qualityOf(h: BucketCdf, model: (le: number) => number): FitQuality {
  let ks = 0;
  const fittedCum: number[] = [];
  for (let i = 0; i < h.le.length; i++) {
    const f = model(h.le[i]!);
    fittedCum.push(f * h.total);
    ks = Math.max(ks, Math.abs(f - h.cum[i]! / h.total));
  }
  const fitted: BucketCdf = { le: h.le, cum: fittedCum, total: h.total };
  const q = (b: BucketCdf) => {
    const [p50, p90, p99] = QUANTILES.map((p) => histogramQuantile(b, p)) as [number, number, number];
    return { p50, p90, p99 };
  };
  const o = q(h);
  const f = q(fitted);
  const rel = (a: number, b: number) => (b > 0 ? Math.abs(a - b) / b : 0);
  return {
    ks,
    observed: o,
    fitted: f,
    maxRelError: Math.max(rel(f.p50, o.p50), rel(f.p90, o.p90), rel(f.p99, o.p99)),
  };
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF via erfc (W. J. Cody's rational Chebyshev form is overkill here: A&S 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
