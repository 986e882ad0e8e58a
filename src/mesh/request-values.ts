/**
 * Per-request values of a load generator's request template (docs/scenario.md "Request values"): each
 * generated header, cookie or query parameter draws from its own named random stream
 * (`values/<generator>/<template>/<target>/<name>`), so adding a generator, or changing one, never
 * reshuffles any other draw (common random numbers). Samplers are built once per resolved generator and
 * shared by every replica: a Zipf population of N values is one table of N cumulative weights, drawn by
 * binary search (O(log N) per request, no allocation but the value string).
 *
 * NOTE: simplification: every value is drawn independently per request; there are no user sessions
 * (one user's header and cookie are not correlated, and a user's requests do not cluster in time).
 */
import type { GeneratedValue, RequestTemplate, ValueGenerator } from '../config/scenario/index.js';
import type { Rng } from '../engine/index.js';
import { type HeaderMap, type HttpRequest, SharedHeaders } from '../envoy/index.js';
import { parseUrl } from './wire.js';

export interface ValueSampler {
  /** Index (0-based) of the value drawn: rank k+1 of a population, entry k of a list. */
  drawIndex(rng: Rng): number;
  value(index: number): string;
}

/** Uniform over prefix1..prefixN: one draw, no table. */
class UniformPopulation implements ValueSampler {
  constructor(
    private readonly prefix: string,
    private readonly count: number,
  ) {}
  drawIndex(rng: Rng): number {
    return rng.int(this.count);
  }
  value(i: number): string {
    return `${this.prefix}${i + 1}`;
  }
}

/** A precomputed cumulative-weight table (Zipf 1/k^s, or a list's weights), inverted by binary search. */
class CumulativeTable implements ValueSampler {
  readonly cdf: Float64Array;
  constructor(
    weights: (i: number) => number,
    n: number,
    private readonly label: (i: number) => string,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.cdf[i] = sum += weights(i);
  }
  drawIndex(rng: Rng): number {
    const cdf = this.cdf;
    const u = rng.next() * cdf[cdf.length - 1]!;
    // First entry whose cumulative weight is above u (a zero weight is never chosen).
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  value(i: number): string {
    return this.label(i);
  }
}

/** The probability of each value (for expected shares in studies and tests). */
export function valueProbabilities(g: ValueGenerator): Float64Array {
  const n = g.kind === 'list' ? g.values.length : g.count;
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = g.kind === 'list' ? g.weights[i]! : g.distribution === 'zipf' ? (i + 1) ** -g.s : 1;
    p[i] = w;
    sum += w;
  }
  for (let i = 0; i < n; i++) p[i]! /= sum;
  return p;
}

const samplers = new WeakMap<ValueGenerator, ValueSampler>();

/** The sampler of a resolved generator, built on first use and shared (the generator is immutable). */
export function samplerFor(g: ValueGenerator): ValueSampler {
  let s = samplers.get(g);
  if (s === undefined) {
    if (g.kind === 'list') {
      const values = g.values;
      s = new CumulativeTable(
        (i) => g.weights[i]!,
        values.length,
        (i) => values[i]!,
      );
    } else if (g.distribution === 'zipf') {
      const { prefix, s: exp } = g;
      s = new CumulativeTable(
        (i) => (i + 1) ** -exp,
        g.count,
        (i) => `${prefix}${i + 1}`,
      );
    } else s = new UniformPopulation(g.prefix, g.count);
    samplers.set(g, s);
  }
  return s;
}

interface BoundValue {
  readonly target: GeneratedValue['target'];
  readonly name: string;
  readonly sampler: ValueSampler;
  readonly rng: Rng;
}

const encode = (s: string) => encodeURIComponent(s);

/**
 * One request template made ready to send: the URL parsed once, the fixed headers (with fixed cookies
 * and query parameters folded in) in one precomputed map, and the generators bound to their streams.
 */
export class RequestPlan {
  readonly method: string;
  readonly authority: string;
  readonly port: number;
  private readonly path: string;
  private readonly fixedHeaders: ReadonlyMap<string, string>;
  /** Fixed part of the Cookie header ("" = none). */
  private readonly fixedCookie: string;
  private readonly values: readonly BoundValue[];

  constructor(t: RequestTemplate, streamName: (v: GeneratedValue) => string, stream: (n: string) => Rng) {
    const u = parseUrl(t.url);
    this.method = t.method;
    this.authority = u.authority;
    this.port = u.port;
    let path = u.path;
    for (const [k, v] of Object.entries(t.queryParams ?? {}))
      path += `${path.includes('?') ? '&' : '?'}${encode(k)}=${encode(v)}`;
    this.path = path;
    const headers = new Map(Object.entries(t.headers));
    const cookieParts = Object.entries(t.cookies ?? {}).map(([k, v]) => `${k}=${v}`);
    const fromHeader = headers.get('cookie');
    this.fixedCookie = [...(fromHeader !== undefined ? [fromHeader] : []), ...cookieParts].join('; ');
    if (this.fixedCookie !== '') headers.set('cookie', this.fixedCookie);
    this.fixedHeaders = headers;
    this.values = (t.generated ?? []).map((v) => ({
      target: v.target,
      name: v.name,
      sampler: samplerFor(v.generator),
      rng: stream(streamName(v)),
    }));
  }

  get generates(): boolean {
    return this.values.length > 0;
  }

  /**
   * The next request. The router writes into the request's headers (x-envoy-attempt-count, route header
   * operations, consumed x-envoy-upstream-rq-timeout-ms), so requests cannot share one map: a fixed
   * template's requests share the fixed map copy-on-write (SharedHeaders), a generating one's get a copy.
   */
  request(): HttpRequest {
    if (this.values.length === 0) return this.with(this.path, new SharedHeaders(this.fixedHeaders));
    const headers = new Map(this.fixedHeaders);
    let path = this.path;
    let cookie = this.fixedCookie;
    for (let i = 0; i < this.values.length; i++) {
      const v = this.values[i]!;
      const value = v.sampler.value(v.sampler.drawIndex(v.rng));
      if (v.target === 'header') headers.set(v.name, value);
      else if (v.target === 'cookie') cookie = `${cookie === '' ? '' : `${cookie}; `}${v.name}=${value}`;
      else path += `${path.includes('?') ? '&' : '?'}${encode(v.name)}=${encode(value)}`;
    }
    if (cookie !== '') headers.set('cookie', cookie);
    return this.with(path, headers);
  }

  private with(path: string, headers: HeaderMap): HttpRequest {
    return { method: this.method, scheme: 'http', authority: this.authority, path, headers, port: this.port };
  }
}
