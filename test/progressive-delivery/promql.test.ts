import { describe, expect, it } from 'vitest';
import { parsePromQL } from '../../src/config/resolve/rollout-promql.js';
import { FLAGGER_ISTIO_QUERIES, render } from '../../src/config/resolve/flagger.js';
import type { IstioSeries, Recorder } from '../../src/mesh/recorder.js';
import { ISTIO_DURATION_BUCKETS_MS } from '../../src/mesh/recorder.js';
import { PrometheusScrapes } from '../../src/mesh/progressive-delivery/prometheus-scrapes.js';
import {
  bucketQuantile,
  evaluatePromQL,
  type PromValue,
} from '../../src/mesh/progressive-delivery/promql-eval.js';

/** A scrape store fed by hand: each series' cumulative count (and per-bucket counts) at each scrape. */
function store(
  series: { labels: Record<string, string>; counts: number[]; bucket?: number }[],
  everyMs = 15_000,
) {
  const s = new PrometheusScrapes(everyMs);
  const live: IstioSeries[] = series.map((x) => ({
    labels: x.labels,
    count: 0,
    buckets: new Array(ISTIO_DURATION_BUCKETS_MS.length).fill(0),
    sumMs: 0,
  }));
  const recorder = { istio: new Map(live.map((l, i) => [String(i), l])) } as unknown as Recorder;
  const n = Math.max(...series.map((x) => x.counts.length));
  for (let k = 0; k < n; k++) {
    series.forEach((x, i) => {
      const l = live[i]!;
      const c = x.counts[k] ?? l.count;
      l.buckets[x.bucket ?? 0]! += c - l.count;
      l.count = c;
    });
    s.scrape(recorder, (k + 1) * everyMs);
  }
  return s;
}

function q(text: string, s: PrometheusScrapes, tMs: number): PromValue {
  const p = parsePromQL(text);
  if (!p.ok) throw new Error(p.message);
  return evaluatePromQL(p.expr, s, tMs);
}

const one = (v: PromValue): number =>
  v.kind === 'scalar' ? v.value : v.samples.length === 1 ? v.samples[0]!.value : Number.NaN;
const dst = {
  reporter: 'destination',
  destination_workload: 'podinfo',
  destination_workload_namespace: 'test',
};

describe('PromQL evaluation over scraped Istio series', () => {
  it('rate() extrapolates like Prometheus: a steady 1/s counter reads exactly 1', () => {
    // scrapes at 15..60 s: 15, 30, 45, 60; range (0, 60]: 4 samples, extrapolated to the counter's zero point.
    const s = store([{ labels: { ...dst, response_code: '200' }, counts: [15, 30, 45, 60] }]);
    expect(one(q('sum(rate(istio_requests_total[1m]))', s, 60_000))).toBeCloseTo(1, 12);
    // increase over 30s: samples at 45 and 60 (30 excluded: left-open), 15 over 15 s, extrapolated by
    // 15 s at the start (within 1.1 x spacing): 30.
    expect(one(q('sum(increase(istio_requests_total[30s]))', s, 60_000))).toBeCloseTo(30, 12);
    expect(one(q('sum(irate(istio_requests_total[5m]))', s, 60_000))).toBeCloseTo(1, 12);
  });

  it('rate() with one sample in range has no result', () => {
    const s = store([{ labels: dst, counts: [15, 30] }]);
    expect(q('rate(istio_requests_total[15s])', s, 30_000)).toEqual({ kind: 'vector', samples: [] });
  });

  it('the request-success-rate ratio counts non-5xx over all responses', () => {
    const s = store([
      { labels: { ...dst, response_code: '200' }, counts: [97, 194, 291, 388] },
      { labels: { ...dst, response_code: '503' }, counts: [3, 6, 9, 12] },
      // another workload: the matcher must leave it out
      {
        labels: { ...dst, destination_workload: 'podinfo-primary', response_code: '500' },
        counts: [50, 100, 150, 200],
      },
    ]);
    const text = render(
      FLAGGER_ISTIO_QUERIES['request-success-rate'],
      {
        namespace: 'test',
        name: 'podinfo',
        target: 'podinfo',
        service: 'podinfo',
        ingress: 'podinfo',
        route: 'podinfo',
        interval: '1m',
      },
      {},
    );
    expect(text.ok).toBe(true);
    const v = q((text as { text: string }).text, s, 60_000);
    expect(one(v)).toBeCloseTo(97, 10);
  });

  it('regex matchers are fully anchored (RE2 full match), != and !~ exclude', () => {
    const s = store([
      { labels: { ...dst, response_code: '200' }, counts: [1, 2] },
      { labels: { ...dst, response_code: '503' }, counts: [1, 2] },
      { labels: { ...dst, response_code: '2503' }, counts: [1, 2] },
    ]);
    const n = (m: string) =>
      (q(`istio_requests_total{${m}}`, s, 30_000) as { samples: unknown[] }).samples.length;
    expect(n('response_code=~"5.*"')).toBe(1);
    expect(n('response_code!~"5.*"')).toBe(2);
    expect(n('response_code!="200"')).toBe(2);
    expect(n('destination_workload=~"podinfo"')).toBe(3);
    expect(n('destination_workload=~"podinf"')).toBe(0);
  });

  it('histogram_quantile interpolates inside the bucket (bucketQuantile)', () => {
    // 100 requests in (0.5, 1] ms and 100 in (5, 10] ms: p50 = the top of the first = 1, p99 in the second.
    expect(
      bucketQuantile(0.5, [
        { le: 0.5, count: 0 },
        { le: 1, count: 100 },
        { le: 5, count: 100 },
        { le: 10, count: 200 },
        { le: Infinity, count: 200 },
      ]),
    ).toBe(1);
    expect(
      bucketQuantile(0.99, [
        { le: 0.5, count: 0 },
        { le: 1, count: 100 },
        { le: 5, count: 100 },
        { le: 10, count: 200 },
        { le: Infinity, count: 200 },
      ]),
    ).toBeCloseTo(5 + 5 * (98 / 100), 12);
    // rank in the +Inf bucket: the last finite upper bound; no observations: NaN.
    expect(
      bucketQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(
      bucketQuantile(0.5, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNaN();
  });

  it('request-duration reads the p99 from the bucket series by le', () => {
    const b25 = ISTIO_DURATION_BUCKETS_MS.indexOf(25);
    const s = store([
      { labels: { ...dst, response_code: '200' }, counts: [100, 200, 300, 400], bucket: b25 },
    ]);
    const text = render(
      FLAGGER_ISTIO_QUERIES['request-duration'],
      {
        namespace: 'test',
        name: 'podinfo',
        target: 'podinfo',
        service: 'podinfo',
        ingress: 'podinfo',
        route: 'podinfo',
        interval: '30s',
      },
      {},
    );
    const v = one(q((text as { text: string }).text, s, 60_000));
    // every request in (10, 25]: p99 = 10 + 15 x 0.99
    expect(v).toBeCloseTo(10 + 15 * 0.99, 10);
  });

  it('no matching series: empty vector, and 0/0 is NaN', () => {
    const s = store([{ labels: { ...dst, response_code: '200' }, counts: [0, 0] }]);
    expect(q('sum(rate(istio_requests_total{destination_workload="nope"}[1m]))', s, 30_000)).toEqual({
      kind: 'vector',
      samples: [],
    });
    expect(
      one(
        q(
          'sum(rate(istio_requests_total{response_code=~"5.*"}[1m])) / sum(rate(istio_requests_total[1m]))',
          s,
          30_000,
        ),
      ),
    ).toBeNaN();
  });

  it("aggregations keep their grouping labels; arithmetic precedence is PromQL's", () => {
    const s = store([
      { labels: { ...dst, response_code: '200' }, counts: [15, 30] },
      { labels: { ...dst, response_code: '503' }, counts: [15, 30] },
    ]);
    const by = q('sum by (response_code) (irate(istio_requests_total[1m]))', s, 30_000) as {
      samples: { labels: object; value: number }[];
    };
    expect(by.samples.map((x) => x.labels)).toEqual([{ response_code: '200' }, { response_code: '503' }]);
    expect(one(q('1 + 2 * 3 - 4 / 2', s, 30_000))).toBe(5);
    expect(one(q('100 - sum(irate(istio_requests_total[1m])) * 10', s, 30_000))).toBe(80);
    expect(one(q('count(istio_requests_total)', s, 30_000))).toBe(2);
  });
});

describe('PromQL parsing: unsupported syntax is a positioned result, never an exception', () => {
  it.each([
    ['sum(rate(istio_requests_total[1m])) > 0.5', 36, 'operator ">"'],
    ['topk(3, istio_requests_total)', 0, 'function or aggregation "topk"'],
    ['rate(istio_requests_total[1m] offset 5m)', 30, 'offset'],
    ['rate(istio_requests_total)', 26, 'range vector'],
    ['sum(rate(x[1m])) / on(le) sum(rate(y[1m]))', 19, 'vector matching "on"'],
    ['istio_requests_total{reporter="source"', 38, 'expected'],
    ['rate(x[5m:1m])', 7, 'subqueries'],
  ])('%s', (text, offset, message) => {
    const p = parsePromQL(text);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.message).toContain(message);
    expect(p.offset).toBe(offset);
  });

  it('parses the documented queries', () => {
    for (const text of [
      'sum(irate(istio_requests_total{reporter="source",destination_service=~"guestbook-svc.default.svc.cluster.local",response_code!~"5.*"}[5m])) / sum(irate(istio_requests_total{reporter="source",destination_service=~"guestbook-svc.default.svc.cluster.local"}[5m]))',
      'histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[1m])) by (le))',
      "sum(rate(istio_requests_total{response_code=~'5.*'}[1m])) # a comment",
    ])
      expect(parsePromQL(text).ok).toBe(true);
  });
});
