import { describe, expect, it } from 'vitest';
import {
  type BucketCdf,
  cdf,
  fitHistogram,
  histogramQuantile,
  normalCdf,
} from '../../src/calibrate/index.js';
import { downstreamSample } from '../../src/calibrate/convolution.js';
import { ISTIO_DURATION_BUCKETS_MS } from '../../src/mesh/recorder.js';

/** The expected cumulative counts of n draws of a distribution at Istio's bucket bounds (no noise). */
function exact(n: number, f: (x: number) => number): BucketCdf {
  const le = ISTIO_DURATION_BUCKETS_MS.slice();
  return { le, cum: le.map((x) => Math.round(n * f(x))), total: n };
}

/** The same with the sampling noise of n draws: a seeded LCG, deterministic. */
function sampled(n: number, quantile: (u: number) => number, seed = 1): BucketCdf {
  let s = seed;
  const le = ISTIO_DURATION_BUCKETS_MS.slice();
  const per = new Array(le.length).fill(0);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const x = quantile((s + 0.5) / 2147483648);
    const b = le.findIndex((l) => x <= l);
    if (b >= 0) per[b]++;
  }
  let run = 0;
  return { le, cum: per.map((c) => (run += c)), total: n };
}

const Z99 = 2.3263478740408408;

describe('fitting the duration histogram', () => {
  it('normalCdf matches known values within 1.5e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(Math.abs(normalCdf(1.959963985) - 0.975)).toBeLessThan(1.5e-7);
    expect(Math.abs(normalCdf(-Z99) - 0.01)).toBeLessThan(1.5e-7);
  });

  it('histogram_quantile interpolates inside the bucket, the +Inf bucket capped at the last bound', () => {
    const h: BucketCdf = { le: [10, 20, 40], cum: [50, 90, 95], total: 100 };
    expect(histogramQuantile(h, 0.25)).toBe(5);
    expect(histogramQuantile(h, 0.7)).toBe(15);
    expect(histogramQuantile(h, 0.9)).toBe(20);
    expect(histogramQuantile(h, 0.99)).toBe(40);
  });

  it.each([
    [20, 150],
    [5, 50],
    [1.5, 8],
    [300, 2000],
  ])('recovers a lognormal median %d ms / p99 %d ms from exact buckets within 3 %%', (median, p99) => {
    const mu = Math.log(median);
    const sigma = Math.log(p99 / median) / Z99;
    const fit = fitHistogram(
      exact(1_000_000, (x) => normalCdf((Math.log(x) - mu) / sigma)),
      0,
      0,
    );
    expect(fit.distribution.kind).toBe('lognormal');
    const d = fit.distribution as { mu: number; sigma: number };
    expect(Math.abs(Math.exp(d.mu) / median - 1)).toBeLessThan(0.03);
    expect(Math.abs(Math.exp(d.mu + Z99 * d.sigma) / p99 - 1)).toBeLessThan(0.03);
    expect(fit.quality.ks).toBeLessThan(0.005);
  });

  it('recovers a lognormal from 20,000 noisy draws within the noise (KS below 1.63/sqrt(n), the 1 % critical value)', () => {
    const mu = Math.log(20);
    const sigma = Math.log(150 / 20) / Z99;
    const n = 20_000;
    const h = sampled(n, (u) => Math.exp(mu + sigma * inverseNormal(u)));
    const fit = fitHistogram(h, 0, 0);
    const d = fit.distribution as { kind: string; mu: number; sigma: number };
    expect(d.kind).toBe('lognormal');
    // Standard error of the median of a lognormal: median * sigma * sqrt(pi/2) / sqrt(n); 4 of them.
    expect(Math.abs(Math.exp(d.mu) - 20)).toBeLessThan(
      (4 * 20 * sigma * Math.sqrt(Math.PI / 2)) / Math.sqrt(n),
    );
    expect(fit.quality.ks).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('prefers an exponential where the data are exponential, and recovers its mean within 3 %', () => {
    const fit = fitHistogram(
      exact(1_000_000, (x) => 1 - Math.exp(-x / 40)),
      0,
      40,
    );
    expect(fit.distribution).toMatchObject({ kind: 'exponential' });
    expect(Math.abs((fit.distribution as { meanMs: number }).meanMs / 40 - 1)).toBeLessThan(0.03);
  });

  it('a histogram in one bucket gives a constant at the mean', () => {
    const h: BucketCdf = { le: [1, 5, 10], cum: [0, 0, 100], total: 100 };
    expect(fitHistogram(h, 0, 7).distribution).toEqual({ kind: 'constant', valueMs: 7 });
  });

  it('recovers the service time under a downstream call by convolution (X lognormal 8/40 ms + D exponential 10 ms)', () => {
    const mu = Math.log(8);
    const sigma = Math.log(40 / 8) / Z99;
    const call = { probability: 1, meanMs: 10, histogram: exact(1_000_000, (x) => 1 - Math.exp(-x / 10)) };
    const d = downstreamSample([call]);
    // The observed caller: the CDF of X + D by numerical convolution over D's density.
    const observed = exact(1_000_000, (x) => {
      let s = 0;
      const steps = 4000;
      for (let i = 0; i < steps; i++) {
        const y = ((i + 0.5) / steps) * Math.min(x, 200);
        s +=
          (Math.exp(-y / 10) / 10) *
          cdf({ kind: 'lognormal', mu, sigma }, x - y) *
          (Math.min(x, 200) / steps);
      }
      return s;
    });
    const fit = fitHistogram(observed, 10, 18, d);
    const f = fit.distribution as { kind: string; mu: number; sigma: number };
    expect(f.kind).toBe('lognormal');
    expect(Math.abs(Math.exp(f.mu) / 8 - 1)).toBeLessThan(0.1);
    expect(Math.abs(Math.exp(f.mu + Z99 * f.sigma) / 40 - 1)).toBeLessThan(0.15);
    // The mean shift alone (no convolution) puts D's spread into X: a much wider fit.
    const shifted = fitHistogram(observed, 10, 18).distribution as { mu: number; sigma: number };
    expect(shifted.sigma).toBeGreaterThan(f.sigma * 1.1);
  });

  it('the downstream sample is deterministic and has the calls mean', () => {
    const call = { probability: 0.5, meanMs: 10, histogram: exact(100_000, (x) => 1 - Math.exp(-x / 10)) };
    const a = downstreamSample([call]);
    expect(a).toEqual(downstreamSample([call]));
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(4.8);
    expect(mean).toBeLessThan(5.2);
  });
});

/** Inverse normal CDF by bisection on normalCdf (test-only, slow but independent of the code under test). */
function inverseNormal(u: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const m = (lo + hi) / 2;
    if (normalCdf(m) < u) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
}
