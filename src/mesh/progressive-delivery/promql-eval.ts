import type { PromExpr } from '../../config/resolve/rollout-promql.js';
import { re2FullMatcher } from '../../envoy/router/string-matcher.js';
import { ISTIO_DURATION_BUCKETS_MS } from '../recorder.js';
import type { PrometheusScrapes, ScrapedSeries } from './prometheus-scrapes.js';

/**
 * An instant query at `tMs` over the scraped Istio series, with Prometheus' semantics
 * (prometheus/prometheus promql/engine.go, functions.go, quantile.go): instant selectors take the latest
 * sample within the 5 m lookback; `rate`/`increase` extrapolate as extrapolatedRate does; `irate` uses
 * the last two samples; aggregations drop the metric name and keep their grouping labels; arithmetic
 * between vectors matches identical label sets; `histogram_quantile` interpolates within the bucket
 * (bucketQuantile). Histogram buckets are the `_bucket` series with `le` labels of Istio's buckets.
 */
export type Sample = { labels: Readonly<Record<string, string>>; value: number };
export type PromValue = { kind: 'scalar'; value: number } | { kind: 'vector'; samples: Sample[] };

const LOOKBACK_MS = 5 * 60_000;
const LE = [...ISTIO_DURATION_BUCKETS_MS.map(String), '+Inf'];

/** One series of a metric family: the labels a selector sees and its value at each scrape. */
interface Source {
  labels: Readonly<Record<string, string>>;
  series: ScrapedSeries;
  value: (i: number) => number;
}

export function evaluatePromQL(expr: PromExpr, store: PrometheusScrapes, tMs: number): PromValue {
  switch (expr.kind) {
    case 'number':
      return { kind: 'scalar', value: expr.value };
    case 'selector': {
      const samples: Sample[] = [];
      for (const s of select(expr, store)) {
        const [lo, hi] = s.series.range(tMs - LOOKBACK_MS, tMs);
        if (hi > lo) samples.push({ labels: s.labels, value: s.value(hi - 1) });
      }
      return { kind: 'vector', samples };
    }
    case 'call':
      return call(expr, store, tMs);
    case 'aggregate':
      return aggregate(expr.op, expr.grouping, expr.labels, vector(evaluatePromQL(expr.expr, store, tMs)));
    case 'binary':
      return binary(expr.op, evaluatePromQL(expr.lhs, store, tMs), evaluatePromQL(expr.rhs, store, tMs));
  }
}

function vector(v: PromValue): Sample[] {
  return v.kind === 'vector' ? v.samples : [{ labels: {}, value: v.value }];
}

function select(sel: Extract<PromExpr, { kind: 'selector' }>, store: PrometheusScrapes): Source[] {
  const out: Source[] = [];
  const family = sel.metric;
  for (const s of store.series) {
    if (family === 'istio_requests_total')
      out.push({ labels: s.labels, series: s, value: (i) => s.count[i]! });
    else if (family === 'istio_request_duration_milliseconds_count')
      out.push({ labels: s.labels, series: s, value: (i) => s.count[i]! });
    else if (family === 'istio_request_duration_milliseconds_sum')
      out.push({ labels: s.labels, series: s, value: (i) => s.sumMs[i]! });
    else if (family === 'istio_request_duration_milliseconds_bucket')
      LE.forEach((le, b) => {
        out.push({
          labels: { ...s.labels, le },
          series: s,
          value: b < ISTIO_DURATION_BUCKETS_MS.length ? (i) => s.cumulative[i]![b]! : (i) => s.count[i]!,
        });
      });
  }
  return out.filter((src) => sel.matchers.every((m) => matches(m, src.labels, family)));
}

function matches(
  m: { name: string; op: string; value: string },
  labels: Readonly<Record<string, string>>,
  family: string,
): boolean {
  // A label the series lacks has the empty value (Prometheus labels.Matcher semantics).
  const v = m.name === '__name__' ? family : (labels[m.name] ?? '');
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return re2FullMatcher(m.value).matches(v);
    default:
      return !re2FullMatcher(m.value).matches(v);
  }
}

function call(expr: Extract<PromExpr, { kind: 'call' }>, store: PrometheusScrapes, tMs: number): PromValue {
  const arg = expr.args[expr.args.length - 1]!;
  if (expr.fn === 'rate' || expr.fn === 'increase' || expr.fn === 'irate') {
    const sel = arg as Extract<PromExpr, { kind: 'selector' }>;
    const rangeMs = sel.rangeMs!;
    const samples: Sample[] = [];
    for (const s of select(sel, store)) {
      const [lo, hi] = s.series.range(tMs - rangeMs, tMs);
      const v =
        expr.fn === 'irate'
          ? instantRate(s, lo, hi)
          : extrapolatedRate(s, lo, hi, tMs - rangeMs, tMs, expr.fn === 'rate');
      if (v !== undefined) samples.push({ labels: s.labels, value: v });
    }
    return { kind: 'vector', samples };
  }
  if (expr.fn === 'histogram_quantile') {
    const q = evaluatePromQL(expr.args[0]!, store, tMs);
    return histogramQuantile(
      q.kind === 'scalar' ? q.value : Number.NaN,
      vector(evaluatePromQL(arg, store, tMs)),
    );
  }
  const v = evaluatePromQL(arg, store, tMs);
  if (expr.fn === 'scalar') {
    const s = vector(v);
    return { kind: 'scalar', value: s.length === 1 ? s[0]!.value : Number.NaN };
  }
  return { kind: 'vector', samples: [{ labels: {}, value: v.kind === 'scalar' ? v.value : Number.NaN }] };
}

/**
 * Prometheus extrapolatedRate (promql/functions.go): the increase between the first and last sample in
 * the range, extrapolated to the range's ends when the samples reach within 110 % of the average sample
 * spacing of them (else by half a spacing), never below the counter's zero point; `rate` divides by the
 * range in seconds. Fewer than two samples: no result.
 */
function extrapolatedRate(
  s: Source,
  lo: number,
  hi: number,
  startMs: number,
  endMs: number,
  isRate: boolean,
): number | undefined {
  if (hi - lo < 2) return undefined;
  const first = s.value(lo);
  const last = s.value(hi - 1);
  const firstT = s.series.tMs[lo]!;
  const lastT = s.series.tMs[hi - 1]!;
  const result = last - first; // simulated counters never reset
  let toStart = (firstT - startMs) / 1000;
  let toEnd = (endMs - lastT) / 1000;
  const sampled = (lastT - firstT) / 1000;
  const avg = sampled / (hi - lo - 1);
  const threshold = avg * 1.1;
  if (toStart >= threshold) toStart = avg / 2;
  const toZero = result > 0 && first >= 0 ? sampled * (first / result) : toStart;
  if (toZero < toStart) toStart = toZero;
  if (toEnd >= threshold) toEnd = avg / 2;
  let factor = (sampled + toStart + toEnd) / sampled;
  if (isRate) factor /= (endMs - startMs) / 1000;
  return result * factor;
}

/** Prometheus instantValue for irate: the last two samples' per-second increase. */
function instantRate(s: Source, lo: number, hi: number): number | undefined {
  if (hi - lo < 2) return undefined;
  const last = s.value(hi - 1);
  const prev = s.value(hi - 2);
  const dt = (s.series.tMs[hi - 1]! - s.series.tMs[hi - 2]!) / 1000;
  if (dt === 0) return undefined;
  return (last < prev ? last : last - prev) / dt;
}

function groupKey(
  labels: Readonly<Record<string, string>>,
  grouping: 'by' | 'without',
  names: readonly string[],
) {
  const kept: Record<string, string> = {};
  const keys = Object.keys(labels).sort();
  for (const k of keys) if ((grouping === 'by') === names.includes(k)) kept[k] = labels[k]!;
  return { key: JSON.stringify(kept), labels: kept };
}

function aggregate(
  op: string,
  grouping: 'by' | 'without',
  names: readonly string[],
  samples: Sample[],
): PromValue {
  const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
  for (const s of samples) {
    const g = groupKey(s.labels, grouping, names);
    let e = groups.get(g.key);
    if (e === undefined) groups.set(g.key, (e = { labels: g.labels, values: [] }));
    e.values.push(s.value);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const v = g.values;
    const sum = v.reduce((a, b) => a + b, 0);
    const value =
      op === 'sum'
        ? sum
        : op === 'avg'
          ? sum / v.length
          : op === 'count'
            ? v.length
            : op === 'min'
              ? Math.min(...v)
              : Math.max(...v);
    out.push({ labels: g.labels, value });
  }
  return { kind: 'vector', samples: out };
}

function binary(op: '+' | '-' | '*' | '/', l: PromValue, r: PromValue): PromValue {
  const f = (a: number, b: number) => (op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b);
  if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', value: f(l.value, r.value) };
  if (l.kind === 'scalar')
    return {
      kind: 'vector',
      samples: (r as { samples: Sample[] }).samples.map((s) => ({
        labels: s.labels,
        value: f(l.value, s.value),
      })),
    };
  if (r.kind === 'scalar')
    return {
      kind: 'vector',
      samples: l.samples.map((s) => ({ labels: s.labels, value: f(s.value, r.value) })),
    };
  // One-to-one matching on the full label set (no on()/ignoring(): the parser refuses them).
  const right = new Map(r.samples.map((s) => [groupKey(s.labels, 'without', []).key, s]));
  const out: Sample[] = [];
  for (const s of l.samples) {
    const m = right.get(groupKey(s.labels, 'without', []).key);
    if (m !== undefined) out.push({ labels: s.labels, value: f(s.value, m.value) });
  }
  return { kind: 'vector', samples: out };
}

/** Prometheus bucketQuantile (promql/quantile.go) per label set without `le`. */
function histogramQuantile(q: number, samples: Sample[]): PromValue {
  const groups = new Map<
    string,
    { labels: Record<string, string>; buckets: { le: number; count: number }[] }
  >();
  for (const s of samples) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const g = groupKey(s.labels, 'without', ['le']);
    let e = groups.get(g.key);
    if (e === undefined) groups.set(g.key, (e = { labels: g.labels, buckets: [] }));
    e.buckets.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count: s.value });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) out.push({ labels: g.labels, value: bucketQuantile(q, g.buckets) });
  return { kind: 'vector', samples: out };
}

export function bucketQuantile(q: number, input: { le: number; count: number }[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const b = [...input].sort((x, y) => x.le - y.le);
  if (b.length < 2 || b[b.length - 1]!.le !== Number.POSITIVE_INFINITY) return Number.NaN;
  // ensureMonotonic: a bucket never holds fewer than the one below it.
  for (let i = 1; i < b.length; i++)
    if (b[i]!.count < b[i - 1]!.count) b[i] = { le: b[i]!.le, count: b[i - 1]!.count };
  const total = b[b.length - 1]!.count;
  if (total === 0) return Number.NaN;
  let rank = q * total;
  let i = 0;
  while (i < b.length - 1 && b[i]!.count < rank) i++;
  if (i === b.length - 1) return b[b.length - 2]!.le;
  if (i === 0 && b[0]!.le <= 0) return b[0]!.le;
  let start = 0;
  let count = b[i]!.count;
  if (i > 0) {
    start = b[i - 1]!.le;
    count -= b[i - 1]!.count;
    rank -= b[i - 1]!.count;
  }
  return start + (b[i]!.le - start) * (rank / count);
}
