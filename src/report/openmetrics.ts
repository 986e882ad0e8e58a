import { ISTIO_DURATION_BUCKETS_MS } from '../mesh/recorder.js';
import type { CfsSeriesHistory } from '../run/cfs-history.js';
import type { IstioSeriesHistory } from '../run/istio-history.js';
import { cmp } from '../run/collect.js';
import { unixSeconds } from './sim-time.js';

/**
 * Istio's standard metrics as a time series in the OpenMetrics text format (openmetrics.io, OpenMetrics
 * 1.0 "Text Format"), the input of `promtool tsdb create-blocks-from openmetrics`: one MetricFamily per
 * metric (`# TYPE`, `# HELP`), a counter's samples named `<family>_total`, a histogram's `_bucket` (with
 * `le` ending at `+Inf`), `_count` and `_sum`; every sample with its timestamp in seconds; per family the
 * series sorted by their labels, each series' points in time order, and `# EOF` last. A point is one
 * scrape of the series interval (timestamps from the fixed epoch of sim-time.ts). Containers with a CPU
 * limit add cAdvisor's CFS counters (`cfs`, docs/autoscaling.md "CPU limits") as the same kind of series.
 */
export function renderOpenMetrics(
  series: readonly IstioSeriesHistory[],
  cfs: readonly CfsSeriesHistory[] = [],
): string {
  return [...openMetricsChunks(series, cfs)].join('');
}

/**
 * renderOpenMetrics' text as chunks (newline-terminated), one per series of each family: a long run of a
 * large mesh scrapes thousands of series hundreds of times, gigabytes of text, more than one string
 * holds (issue #14). The chunks joined are renderOpenMetrics' text.
 */
export function* openMetricsChunks(
  series: readonly IstioSeriesHistory[],
  cfs: readonly CfsSeriesHistory[] = [],
): Generator<string> {
  const sorted = series.map((s) => ({ s, l: labelText(s.labels) })).sort((a, b) => cmp(a.l, b.l));
  yield '# TYPE istio_requests counter\n# HELP istio_requests Total requests.\n';
  for (const { s, l } of sorted) {
    const out: string[] = [];
    for (const p of s.points) out.push(`istio_requests_total{${l}} ${p.count} ${unixSeconds(p.tMs)}`);
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
  yield '# TYPE istio_request_duration_milliseconds histogram\n# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n';
  for (const { s, l } of sorted) {
    const out: string[] = [];
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
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
  if (cfs.length > 0) yield `${cfsFamilies(cfs).join('\n')}\n`;
  yield '# EOF\n';
}

function labelText(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/** cAdvisor's container_cpu_cfs_* counters, one family each, series sorted by labels. */
function cfsFamilies(cfs: readonly CfsSeriesHistory[]): string[] {
  const sorted = cfs.map((s) => ({ s, l: labelText(s.labels) })).sort((a, b) => cmp(a.l, b.l));
  const out: string[] = [];
  const family = (name: string, help: string, value: (p: CfsSeriesHistory['points'][number]) => number) => {
    out.push(`# TYPE ${name} counter`, `# HELP ${name} ${help}`);
    for (const { s, l } of sorted)
      for (const p of s.points) out.push(`${name}_total{${l}} ${value(p)} ${unixSeconds(p.tMs)}`);
  };
  family('container_cpu_cfs_periods', 'Number of elapsed enforcement period intervals.', (p) => p.periods);
  family(
    'container_cpu_cfs_throttled_periods',
    'Number of throttled period intervals.',
    (p) => p.throttledPeriods,
  );
  family(
    'container_cpu_cfs_throttled_seconds',
    'Total time duration the container has been throttled.',
    (p) => +(p.throttledMs / 1000).toFixed(6),
  );
  return out;
}
