import { parseDurationMs } from './duration.js';
import { normalQuantile, Z99 } from './normal-quantile.js';
import type { Rng } from './random.js';

/**
 * Non-negative random durations in milliseconds. Every sampler uses exactly one uniform draw (inversion),
 * so the draw count per sample never depends on parameters: changing a median keeps every other entity's
 * stream aligned, and the same quantile is reused (common random numbers).
 */
export interface Distribution {
  readonly kind: DistributionKind;
  readonly mean: number;
  sample(rng: Rng): number;
  /** Value at cumulative probability u in [0, 1): the sampler is `quantile(rng.next())`. */
  quantile(u: number): number;
}

export type DistributionKind =
  | 'constant'
  | 'uniform'
  | 'exponential'
  | 'normal'
  | 'lognormal'
  | 'pareto'
  | 'empirical';

abstract class ByInversion implements Distribution {
  abstract readonly kind: DistributionKind;
  abstract readonly mean: number;
  abstract quantile(u: number): number;
  sample(rng: Rng): number {
    return this.quantile(rng.next());
  }
}

export class Constant extends ByInversion {
  readonly kind = 'constant';
  constructor(readonly value: number) {
    super();
  }
  get mean(): number {
    return this.value;
  }
  override sample(_rng: Rng): number {
    // A constant consumes no draw: deterministic service times must not shift other draws.
    return this.value;
  }
  quantile(): number {
    return this.value;
  }
}

export class Uniform extends ByInversion {
  readonly kind = 'uniform';
  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    super();
  }
  get mean(): number {
    return (this.min + this.max) / 2;
  }
  quantile(u: number): number {
    return this.min + u * (this.max - this.min);
  }
}

export class Exponential extends ByInversion {
  readonly kind = 'exponential';
  constructor(readonly mean: number) {
    super();
  }
  quantile(u: number): number {
    return -this.mean * Math.log(1 - u);
  }
}

/** Normal truncated at 0 (a latency cannot be negative), sampled by inversion on [Φ(-μ/σ), 1). */
export class TruncatedNormal extends ByInversion {
  readonly kind = 'normal';
  readonly mean: number;
  private readonly lowP: number;
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {
    super();
    const alpha = -mu / sigma;
    this.lowP = normalCdf(alpha);
    const phi = Math.exp(-0.5 * alpha * alpha) / Math.sqrt(2 * Math.PI);
    this.mean = mu + (sigma * phi) / (1 - this.lowP);
  }
  quantile(u: number): number {
    const p = this.lowP + u * (1 - this.lowP);
    return Math.max(0, this.mu + this.sigma * normalQuantile(p));
  }
}

export class LogNormal extends ByInversion {
  readonly kind = 'lognormal';
  readonly mean: number;
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {
    super();
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
  }
  /** From the median and the 99th percentile, the way latency is usually known. */
  static fromMedianP99(median: number, p99: number): LogNormal {
    return new LogNormal(Math.log(median), Math.log(p99 / median) / Z99);
  }
  quantile(u: number): number {
    if (u <= 0) return 0;
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }
}

/** Pareto type I: heavy tail, `scale` is the minimum, `shape` the tail index (mean is finite for shape > 1). */
export class Pareto extends ByInversion {
  readonly kind = 'pareto';
  readonly mean: number;
  constructor(
    readonly scale: number,
    readonly shape: number,
  ) {
    super();
    this.mean = shape > 1 ? (shape * scale) / (shape - 1) : Number.POSITIVE_INFINITY;
  }
  quantile(u: number): number {
    return this.scale / (1 - u) ** (1 / this.shape);
  }
}

/** Piecewise-linear inverse CDF through (probability, value) points; samples alone give a step CDF. */
export class Empirical extends ByInversion {
  readonly kind = 'empirical';
  readonly mean: number;
  constructor(
    private readonly probs: readonly number[],
    private readonly values: readonly number[],
    private readonly steps: boolean,
  ) {
    super();
    let m = 0;
    if (steps) {
      for (const v of values) m += v;
      m /= values.length;
    } else {
      for (let i = 1; i < probs.length; i++)
        m += (probs[i]! - probs[i - 1]!) * ((values[i]! + values[i - 1]!) / 2);
    }
    this.mean = m;
  }
  static fromSamples(samples: readonly number[]): Empirical {
    const sorted = [...samples].sort((a, b) => a - b);
    return new Empirical([], sorted, true);
  }
  quantile(u: number): number {
    const values = this.values;
    if (this.steps) return values[Math.min(values.length - 1, Math.floor(u * values.length))]!;
    const probs = this.probs;
    let i = 1;
    while (i < probs.length - 1 && probs[i]! < u) i++;
    const p0 = probs[i - 1]!;
    const p1 = probs[i]!;
    const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
    return values[i - 1]! + f * (values[i]! - values[i - 1]!);
  }
}

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, |relative error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + z / 2);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r / 2 : r / 2;
}

// ---------------------------------------------------------------------------------------------------
// Parsing the compact YAML form. Durations are strings with a unit ("20ms", "1.5s") or numbers (ms).

export interface DistributionIssue {
  /** Path below the distribution node, e.g. ["lognormal", "p99"]. */
  path: (string | number)[];
  message: string;
}

export type DistributionParse =
  | { value: Distribution; issues: [] }
  | { value: undefined; issues: DistributionIssue[] };

const FORMS =
  `a duration ("20ms"), or one of {constant: D}, {uniform: {min, max}}, {exponential: {mean}}, ` +
  `{normal: {mean, stddev}}, {lognormal: {median, p99}}, {lognormal: {mu, sigma}}, {pareto: {scale, shape}}, ` +
  `{empirical: {samples: [D...]}}, {empirical: {percentiles: {p0: D, ..., p100: D}}}`;

class Reader {
  issues: DistributionIssue[] = [];
  duration(raw: unknown, path: (string | number)[]): number {
    if (typeof raw === 'number') {
      if (Number.isFinite(raw) && raw >= 0) return raw;
      this.issues.push({ path, message: `expected a non-negative duration, got ${raw}` });
      return Number.NaN;
    }
    if (typeof raw === 'string') {
      const d = parseDurationMs(raw);
      if (d.ok) return d.value;
      this.issues.push({ path, message: d.message });
      return Number.NaN;
    }
    this.issues.push({ path, message: `expected a duration such as "20ms", got ${describe(raw)}` });
    return Number.NaN;
  }
  number(raw: unknown, path: (string | number)[], what: string, ok: (n: number) => boolean): number {
    if (typeof raw === 'number' && Number.isFinite(raw) && ok(raw)) return raw;
    this.issues.push({ path, message: `expected ${what}, got ${describe(raw)}` });
    return Number.NaN;
  }
  fields(raw: unknown, path: (string | number)[], allowed: string[]): Record<string, unknown> | undefined {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.issues.push({
        path,
        message: `expected a mapping with ${allowed.join(', ')}, got ${describe(raw)}`,
      });
      return undefined;
    }
    const rec = raw as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!allowed.includes(k))
        this.issues.push({
          path: [...path, k],
          message: `unknown field "${k}"; expected ${allowed.join(', ')}`,
        });
    }
    return rec;
  }
  require(rec: Record<string, unknown>, key: string, path: (string | number)[]): unknown {
    if (!(key in rec)) this.issues.push({ path, message: `missing required field "${key}"` });
    return rec[key];
  }
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  if (typeof raw === 'string') return `"${raw}"`;
  return String(raw);
}

/** Parses a distribution from its compact YAML form; never throws. */
export function parseDistribution(raw: unknown): DistributionParse {
  const r = new Reader();
  const d = build(raw, r);
  if (r.issues.length > 0 || d === undefined) {
    if (r.issues.length === 0) r.issues.push({ path: [], message: `expected ${FORMS}` });
    return { value: undefined, issues: r.issues };
  }
  return { value: d, issues: [] };
}

function build(raw: unknown, r: Reader): Distribution | undefined {
  if (typeof raw === 'number' || typeof raw === 'string') {
    const v = r.duration(raw, []);
    return Number.isNaN(v) ? undefined : new Constant(v);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    r.issues.push({ path: [], message: `expected ${FORMS}, got ${describe(raw)}` });
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    r.issues.push({
      path: [],
      message: `expected exactly one distribution kind, got ${keys.length ? keys.join(', ') : 'none'}; ${FORMS}`,
    });
    return undefined;
  }
  const kind = keys[0]!;
  const body = (raw as Record<string, unknown>)[kind];
  const p = [kind];
  switch (kind) {
    case 'constant': {
      const v = r.duration(body, p);
      return Number.isNaN(v) ? undefined : new Constant(v);
    }
    case 'uniform': {
      const f = r.fields(body, p, ['min', 'max']);
      if (!f) return undefined;
      const min = r.duration(r.require(f, 'min', p), [...p, 'min']);
      const max = r.duration(r.require(f, 'max', p), [...p, 'max']);
      if (max < min)
        r.issues.push({ path: [...p, 'max'], message: `max (${max} ms) must be >= min (${min} ms)` });
      return r.issues.length ? undefined : new Uniform(min, max);
    }
    case 'exponential': {
      const f = r.fields(body, p, ['mean']);
      if (!f) return undefined;
      const mean = r.duration(r.require(f, 'mean', p), [...p, 'mean']);
      if (mean === 0) r.issues.push({ path: [...p, 'mean'], message: 'mean must be > 0' });
      return r.issues.length ? undefined : new Exponential(mean);
    }
    case 'normal': {
      const f = r.fields(body, p, ['mean', 'stddev']);
      if (!f) return undefined;
      const mean = r.duration(r.require(f, 'mean', p), [...p, 'mean']);
      const sd = r.duration(r.require(f, 'stddev', p), [...p, 'stddev']);
      if (sd === 0)
        r.issues.push({
          path: [...p, 'stddev'],
          message: 'stddev must be > 0 (use constant for a fixed value)',
        });
      return r.issues.length ? undefined : new TruncatedNormal(mean, sd);
    }
    case 'lognormal': {
      const f = r.fields(body, p, ['median', 'p99', 'mu', 'sigma']);
      if (!f) return undefined;
      if ('mu' in f || 'sigma' in f) {
        if ('median' in f || 'p99' in f) {
          r.issues.push({ path: p, message: 'give either {median, p99} or {mu, sigma}, not both' });
          return undefined;
        }
        const mu = r.number(
          r.require(f, 'mu', p),
          [...p, 'mu'],
          'a number (log of milliseconds)',
          () => true,
        );
        const sigma = r.number(r.require(f, 'sigma', p), [...p, 'sigma'], 'a number > 0', (n) => n > 0);
        return r.issues.length ? undefined : new LogNormal(mu, sigma);
      }
      const median = r.duration(r.require(f, 'median', p), [...p, 'median']);
      const p99 = r.duration(r.require(f, 'p99', p), [...p, 'p99']);
      if (median === 0) r.issues.push({ path: [...p, 'median'], message: 'median must be > 0' });
      else if (p99 <= median)
        r.issues.push({
          path: [...p, 'p99'],
          message: `p99 (${p99} ms) must be greater than the median (${median} ms)`,
        });
      return r.issues.length ? undefined : LogNormal.fromMedianP99(median, p99);
    }
    case 'pareto': {
      const f = r.fields(body, p, ['scale', 'shape']);
      if (!f) return undefined;
      const scale = r.duration(r.require(f, 'scale', p), [...p, 'scale']);
      const shape = r.number(r.require(f, 'shape', p), [...p, 'shape'], 'a tail index > 0', (n) => n > 0);
      if (scale === 0) r.issues.push({ path: [...p, 'scale'], message: 'scale must be > 0' });
      return r.issues.length ? undefined : new Pareto(scale, shape);
    }
    case 'empirical':
      return buildEmpirical(body, r, p);
    default:
      r.issues.push({ path: [kind], message: `unknown distribution "${kind}"; expected ${FORMS}` });
      return undefined;
  }
}

function buildEmpirical(body: unknown, r: Reader, p: string[]): Distribution | undefined {
  const f = r.fields(body, p, ['samples', 'percentiles']);
  if (!f) return undefined;
  if ('samples' in f === 'percentiles' in f) {
    r.issues.push({ path: p, message: 'give exactly one of samples or percentiles' });
    return undefined;
  }
  if ('samples' in f) {
    const raw = f.samples;
    if (!Array.isArray(raw) || raw.length === 0) {
      r.issues.push({ path: [...p, 'samples'], message: 'expected a non-empty list of durations' });
      return undefined;
    }
    const values = raw.map((v, i) => r.duration(v, [...p, 'samples', i]));
    return r.issues.length ? undefined : Empirical.fromSamples(values);
  }
  const pts = f.percentiles;
  if (pts === null || typeof pts !== 'object' || Array.isArray(pts)) {
    r.issues.push({
      path: [...p, 'percentiles'],
      message: `expected a mapping such as {p0: 5ms, p50: 20ms, p100: 300ms}, got ${describe(pts)}`,
    });
    return undefined;
  }
  const points: [number, number][] = [];
  for (const [k, v] of Object.entries(pts)) {
    const m = /^p(\d+(?:\.\d+)?)$/.exec(k);
    const q = m ? Number(m[1]) : Number.NaN;
    if (!m || q > 100) {
      r.issues.push({
        path: [...p, 'percentiles', k],
        message: `expected a key p0..p100 such as p50 or p99.9, got "${k}"`,
      });
      continue;
    }
    points.push([q / 100, r.duration(v, [...p, 'percentiles', k])]);
  }
  points.sort((a, b) => a[0] - b[0]);
  if (points.length < 2 || points[0]![0] !== 0 || points[points.length - 1]![0] !== 1) {
    r.issues.push({
      path: [...p, 'percentiles'],
      message: 'percentiles need p0 (the minimum) and p100 (the maximum) so the tail is bounded',
    });
  }
  for (let i = 1; i < points.length; i++) {
    if (points[i]![1] < points[i - 1]![1]) {
      r.issues.push({
        path: [...p, 'percentiles'],
        message: `values must not decrease: p${points[i]![0] * 100} (${points[i]![1]} ms) < p${points[i - 1]![0] * 100} (${points[i - 1]![1]} ms)`,
      });
      break;
    }
  }
  if (r.issues.length) return undefined;
  return new Empirical(
    points.map((x) => x[0]),
    points.map((x) => x[1]),
    false,
  );
}
