import { ISTIO_DURATION_BUCKETS_MS } from '../mesh/recorder.js';
import type { IstioSeriesHistory } from '../run/istio-history.js';
import { cmp } from '../run/collect.js';
import { unixSeconds } from './sim-time.js';

/**
 * Istio's standard metrics as a time series in the OpenMetrics text format (openmetrics.io, OpenMetrics
 * 1.0 "Text Format"), the input of `promtool tsdb create-blocks-from openmetrics`: one MetricFamily per
 * metric (`# TYPE`, `# HELP`), a counter's samples named `<family>_total`, a histogram's `_bucket` (with
 * `le` ending at `+Inf`), `_count` and `_sum`; every sample with its timestamp in seconds; per family the
 * series sorted by their labels, each series' points in time order, and `# EOF` last. A point is one
 * scrape of the series interval (timestamps from the fixed epoch of sim-time.ts).
 */
export function renderOpenMetrics(series: readonly IstioSeriesHistory[]): string {
  const sorted = series.map((s) => ({ s, l: labelText(s.labels) })).sort((a, b) => cmp(a.l, b.l));
  const out: string[] = ['# TYPE istio_requests counter', '# HELP istio_requests Total requests.'];
  for (const { s, l } of sorted)
    for (const p of s.points) out.push(`istio_requests_total{${l}} ${p.count} ${unixSeconds(p.tMs)}`);
  out.push(
    '# TYPE istio_request_duration_milliseconds histogram',
    '# HELP istio_request_duration_milliseconds Request duration in milliseconds.',
  );
  for (const { s, l } of sorted) {
    for (const p of s.points) {
      const ts = unixSeconds(p.tMs);
      let cumulative = 0;
      ISTIO_DURATION_BUCKETS_MS.forEach((le, i) => {
        cumulative += p.buckets[i] ?? 0;
        out.push(`istio_request_duration_milliseconds_bucket{${l},le="${le}"} ${cumulative} ${ts}`);
      });
      out.push(`istio_request_duration_milliseconds_bucket{${l},le="+Inf"} ${p.count} ${ts}`);
      out.push(`istio_request_duration_milliseconds_count{${l}} ${p.count} ${ts}`);
      out.push(`istio_request_duration_milliseconds_sum{${l}} ${+p.sumMs.toFixed(3)} ${ts}`);
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function labelText(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
