import type { RequestTrack } from '../worker/series-panels.js';
import type { RunOutput } from '../worker/protocol.js';
import {
  type ChartData,
  type Intervals,
  type Line,
  natural,
  rateLine,
  shortHost,
  shortSubset,
} from './series.js';

/**
 * Panels over `istio_requests_total` as the source sidecars report it (reporter=source): one track per
 * (source workload, destination service, response_code, response_flags), summed into the panel's lines.
 * Titles and legends follow Istio's dashboards (manifests/addons/dashboards/istio-service-dashboard.json):
 * "Client Request Volume" (legend: the service), "Incoming Requests By Source And Response Code" (legend
 * `source.namespace : code`). Every line here sums the same tracks, so the by-code lines add up to the
 * request volume in every interval.
 */
export function requestPanels(run: RunOutput, iv: Intervals): ChartData[] {
  const tracks = run.timeline.panels.requests;
  return [
    {
      id: 'volume',
      title: 'Request Volume',
      unit: 'req/s',
      lines: sumBy(
        tracks,
        (t) => t.service,
        (k) => shortHost(k),
        iv,
      ),
    },
    {
      id: 'codes',
      title: 'Incoming Requests By Source And Response Code',
      unit: 'req/s',
      lines: sumBy(
        tracks,
        (t) => `${t.source} : ${t.code}`,
        (k) => grafanaSource(k),
        iv,
      ),
    },
    {
      id: 'flags',
      title: 'Requests By Response Flag (%RESPONSE_FLAGS%)',
      unit: 'req/s',
      lines: sumBy(
        tracks.filter((t) => t.flags !== '-'),
        (t) => t.flags,
        (k) => k,
        iv,
      ),
      empty: 'no response flags in this run (every one was "-")',
    },
    {
      // Upstream tries (retries and mirrors included) by destination subset: the canary split.
      id: 'split',
      title: 'Outgoing Requests By Destination Subset',
      unit: 'req/s',
      lines: Object.entries(run.result.series.subsets)
        .sort(([a], [b]) => natural(a, b))
        .map(([k, v]) => rateLine(k, shortSubset(k), v, iv)),
    },
  ];
}

/** Sums tracks into one rate line per key (sorted by key for a stable legend). */
function sumBy(
  tracks: readonly RequestTrack[],
  keyOf: (t: RequestTrack) => string,
  labelOf: (key: string) => string,
  iv: Intervals,
): Line[] {
  const sums = new Map<string, number[]>();
  for (const t of tracks) {
    const k = keyOf(t);
    let a = sums.get(k);
    if (a === undefined) sums.set(k, (a = []));
    t.counts.forEach((n, i) => {
      a![i] = (a![i] ?? 0) + n;
    });
  }
  return [...sums.keys()].sort(natural).map((k) => rateLine(k, labelOf(k), fill(sums.get(k)!), iv));
}

function fill(a: number[]): number[] {
  return Array.from(a, (n) => n ?? 0);
}

/** `production/frontend : 200` → `frontend.production : 200`, Grafana's `{{source_workload}}.{{source_workload_namespace}}`. */
function grafanaSource(key: string): string {
  const [src, code] = key.split(' : ');
  const slash = src!.indexOf('/');
  return slash < 0 ? key : `${src!.slice(slash + 1)}.${src!.slice(0, slash)} : ${code}`;
}
