import type { IstioSeries, Recorder } from '../recorder.js';

/**
 * Istio's standard metrics as a Prometheus server holds them: every series' cumulative values at each
 * scrape, oldest first. Scrapes happen every `scrapeIntervalMs` (15 s: the `scrape_interval` of Istio's
 * Prometheus addon, samples/addons/prometheus.yaml); a series appears at the first scrape after its
 * first request, as a new target's counter does. A scrape copies O(series) numbers, nothing per request.
 */
export class ScrapedSeries {
  readonly tMs: number[] = [];
  readonly count: number[] = [];
  readonly sumMs: number[] = [];
  /** Cumulative bucket counts per scrape (the `_bucket{le}` values below +Inf). */
  readonly cumulative: Float64Array[] = [];

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  push(tMs: number, s: IstioSeries): void {
    const c = new Float64Array(s.buckets.length);
    let acc = 0;
    for (let i = 0; i < s.buckets.length; i++) c[i] = acc += s.buckets[i]!;
    this.tMs.push(tMs);
    this.count.push(s.count);
    this.sumMs.push(s.sumMs);
    this.cumulative.push(c);
  }

  /** Indices of the scrapes in (fromMs, toMs]: Prometheus 3 range selection is left-open. */
  range(fromMs: number, toMs: number): [number, number] {
    let lo = 0;
    while (lo < this.tMs.length && this.tMs[lo]! <= fromMs) lo++;
    let hi = lo;
    while (hi < this.tMs.length && this.tMs[hi]! <= toMs) hi++;
    return [lo, hi];
  }
}

export class PrometheusScrapes {
  readonly series: ScrapedSeries[] = [];
  private readonly index = new Map<IstioSeries, ScrapedSeries>();

  constructor(readonly scrapeIntervalMs: number) {}

  scrape(recorder: Recorder, tMs: number): void {
    for (const s of recorder.istio.values()) {
      let h = this.index.get(s);
      if (h === undefined) {
        h = new ScrapedSeries(s.labels);
        this.index.set(s, h);
        this.series.push(h);
      }
      h.push(tMs, s);
    }
  }
}
