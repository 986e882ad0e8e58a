import { describe, expect, it } from 'vitest';
import {
  LogNormal,
  normalCdf,
  normalQuantile,
  parseDistribution,
  parseDurationMs,
  RandomStreams,
  type Distribution,
} from '../../src/engine/index.js';

function draws(d: Distribution, n: number, seed = 3): Float64Array {
  const rng = new RandomStreams(seed).stream('d');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = d.sample(rng);
  return out;
}

function meanSd(xs: Float64Array): { mean: number; sd: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

function quantile(xs: Float64Array, p: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.floor(p * (sorted.length - 1))]!;
}

/** The sample mean is within 4.5 standard errors of the true mean (P(fail) < 1e-5 per check). */
function expectMean(d: Distribution, n = 200_000): void {
  const { mean, sd } = meanSd(draws(d, n));
  expect(Math.abs(mean - d.mean)).toBeLessThan((4.5 * sd) / Math.sqrt(n));
}

/**
 * The empirical p-quantile of n draws lies within the distribution's quantiles at p ± 4.5·sqrt(p(1-p)/n)
 * (the binomial bound on the count of draws below it).
 */
function expectQuantile(d: Distribution, p: number, n = 200_000): void {
  const q = quantile(draws(d, n), p);
  const band = 4.5 * Math.sqrt((p * (1 - p)) / n);
  expect(q).toBeGreaterThanOrEqual(d.quantile(Math.max(0, p - band)));
  expect(q).toBeLessThanOrEqual(d.quantile(Math.min(1 - 1e-12, p + band)));
}

function parsed(raw: unknown): Distribution {
  const r = parseDistribution(raw);
  if (r.value === undefined) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe('durations', () => {
  it.each([
    ['10s', 10_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['100us', 0.1],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, value: ms });
  });
  it('rejects a number without a unit with a hint, and garbage', () => {
    expect(parseDurationMs('10')).toEqual({
      ok: false,
      message:
        'invalid duration "10": a unit is required (Go\'s time.ParseDuration needs one): write "10s" or "10ms"',
    });
    expect(parseDurationMs('10 s').ok).toBe(false);
    expect(parseDurationMs('s').ok).toBe(false);
    expect(parseDurationMs('').ok).toBe(false);
  });
});

describe('normal quantile and cdf', () => {
  it('match tabulated values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 7);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
  });
});

describe('distributions sample what they claim', () => {
  it('constant consumes no draw', () => {
    const d = parsed('20ms');
    const rng = new RandomStreams(1).stream('c');
    const ref = new RandomStreams(1).stream('c').next();
    expect(d.sample(rng)).toBe(20);
    expect(rng.next()).toBe(ref);
  });
  it('uniform', () => {
    const d = parsed({ uniform: { min: '10ms', max: '30ms' } });
    expect(d.mean).toBe(20);
    expectMean(d);
    expectQuantile(d, 0.25);
  });
  it('exponential', () => {
    const d = parsed({ exponential: { mean: '10ms' } });
    expectMean(d);
    expectQuantile(d, 0.9);
  });
  it('normal truncated at 0 has the truncated mean and no negative values', () => {
    const d = parsed({ normal: { mean: '5ms', stddev: '5ms' } });
    // E[X | X > 0] for N(5, 5²) = 5 + 5·φ(-1)/(1-Φ(-1)) = 5 + 5·0.2419707/0.8413447
    expect(d.mean).toBeCloseTo(5 + (5 * 0.2419707245) / 0.8413447461, 5);
    const xs = draws(d, 50_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expectMean(d);
  });
  it('lognormal from median and p99 hits both', () => {
    const d = parsed({ lognormal: { median: '20ms', p99: '150ms' } });
    expect(d.quantile(0.5)).toBeCloseTo(20, 6);
    expect(d.quantile(0.99)).toBeCloseTo(150, 4);
    expectQuantile(d, 0.5);
    expectQuantile(d, 0.99);
    expectMean(d);
  });
  it('lognormal from mu and sigma', () => {
    const d = parsed({ lognormal: { mu: Math.log(20), sigma: 0.5 } });
    expect(d).toBeInstanceOf(LogNormal);
    expect(d.mean).toBeCloseTo(20 * Math.exp(0.125), 9);
    expectMean(d);
  });
  it('pareto', () => {
    const d = parsed({ pareto: { scale: '10ms', shape: 3 } });
    expect(d.mean).toBeCloseTo(15, 9);
    expectQuantile(d, 0.5); // 10·2^(1/3)
    expect(d.quantile(0.5)).toBeCloseTo(10 * 2 ** (1 / 3), 9);
  });
  it('empirical percentiles interpolate between points', () => {
    const d = parsed({ empirical: { percentiles: { p0: '0ms', p50: '20ms', p90: '40ms', p100: '100ms' } } });
    expect(d.quantile(0.25)).toBeCloseTo(10, 9);
    expect(d.quantile(0.7)).toBeCloseTo(30, 9);
    expect(d.quantile(0.95)).toBeCloseTo(70, 9);
    expect(d.mean).toBeCloseTo(0.5 * 10 + 0.4 * 30 + 0.1 * 70, 9);
    expectMean(d);
  });
  it('empirical samples resample the given values', () => {
    const d = parsed({ empirical: { samples: ['1ms', '2ms', 3, '4ms'] } });
    expect(d.mean).toBe(2.5);
    const xs = draws(d, 20_000);
    expect(new Set(xs)).toEqual(new Set([1, 2, 3, 4]));
    expectMean(d);
  });
});

describe('distribution parse errors name the field and what was expected', () => {
  it.each([
    [
      { lognormal: { median: '20ms', p99: '10ms' } },
      ['lognormal', 'p99'],
      'p99 (10 ms) must be greater than the median (20 ms)',
    ],
    [
      { lognormal: { median: '20ms', p99: '20ms' } },
      ['lognormal', 'p99'],
      'p99 (20 ms) must be greater than the median (20 ms)',
    ],
    [{ lognormal: { median: '20ms' } }, ['lognormal'], 'missing required field "p99"'],
    [
      { lognormal: { median: '20ms', p99: '30ms', mu: 1 } },
      ['lognormal'],
      'give either {median, p99} or {mu, sigma}, not both',
    ],
    [{ uniform: { min: '30ms', max: '10ms' } }, ['uniform', 'max'], 'max (10 ms) must be >= min (30 ms)'],
    [{ exponential: { mean: '0ms' } }, ['exponential', 'mean'], 'mean must be > 0'],
    [{ exponential: { mena: '1ms' } }, ['exponential', 'mena'], 'unknown field "mena"; expected mean'],
    [{ pareto: { scale: '1ms', shape: -1 } }, ['pareto', 'shape'], 'expected a tail index > 0, got -1'],
    [{ gamma: { k: 1 } }, ['gamma'], 'unknown distribution "gamma"'],
    [{ empirical: { percentiles: { p50: '1ms', p100: '2ms' } } }, ['empirical', 'percentiles'], 'need p0'],
    [
      { empirical: { percentiles: { p0: '5ms', p50: '1ms', p100: '9ms' } } },
      ['empirical', 'percentiles'],
      'must not decrease',
    ],
    [-5, [], 'expected a non-negative duration, got -5'],
    [[1, 2], [], 'got a list'],
  ])('%j', (raw, path, message) => {
    const r = parseDistribution(raw);
    expect(r.value).toBeUndefined();
    expect(r.issues[0]!.path).toEqual(path);
    expect(r.issues[0]!.message).toContain(message);
  });
});
