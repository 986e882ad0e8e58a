import type { IstioSeries, Recorder } from '../mesh/recorder.js';

/** One scrape of one series: the cumulative figures at `tMs` (simulated ms). */
export interface IstioPoint {
  tMs: number;
  count: number;
  sumMs: number;
  /** Per-bucket (not cumulative) counts of istio_request_duration_milliseconds. */
  buckets: number[];
}

/** One series' labels and its points, oldest first (a series starts at the first scrape that saw it). */
export interface IstioSeriesHistory {
  labels: Record<string, string>;
  points: IstioPoint[];
}

/**
 * Istio's standard metrics as Prometheus would have scraped them every series interval: the recorder's
 * cumulative series copied at each scrape, so counters never decrease and a scrape costs O(series), never
 * anything per request. Plain data, for report/openmetrics.
 */
export class IstioHistory {
  private readonly bySeries = new Map<IstioSeries, IstioSeriesHistory>();

  scrape(recorder: Recorder, tMs: number): void {
    for (const s of recorder.istio.values()) {
      let h = this.bySeries.get(s);
      if (h === undefined) this.bySeries.set(s, (h = { labels: s.labels, points: [] }));
      const last = h.points[h.points.length - 1];
      const point = { tMs, count: s.count, sumMs: s.sumMs, buckets: s.buckets.slice() };
      // Timestamps have millisecond resolution: a scrape within the same ms (the drain ending just after
      // an interval) replaces the previous point, so a series never has two samples at one timestamp.
      if (last !== undefined && Math.round(last.tMs) >= Math.round(tMs))
        h.points[h.points.length - 1] = point;
      else h.points.push(point);
    }
  }

  series(): IstioSeriesHistory[] {
    return [...this.bySeries.values()];
  }
}
