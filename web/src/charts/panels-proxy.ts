import type { RunOutput } from '../worker/protocol.js';
import { type ChartData, type Intervals, type Line, natural, rateLine } from './series.js';

/**
 * Panels over what a scrape of every sidecar's Envoy `/stats` reads at each interval boundary (counters
 * differenced per interval, gauges as they are), and the app containers' queues read the same way.
 * Gauges are drawn at the interval's end; none inside the warm-up.
 */
export function proxyPanels(run: RunOutput, iv: Intervals): ChartData[] {
  const tl = run.timeline;
  const gauge = (key: string, label: string, values: readonly number[]): Line => {
    const points: [number, number][] = [];
    values.forEach((v, i) => {
      if ((i + 1) * iv.ms >= iv.warmupMs) points.push([iv.start(i + 1), v]);
    });
    return { key, label, points };
  };
  return [
    {
      id: 'retries',
      title: 'Retries (upstream_rq_retry)',
      unit: '/s',
      lines: [rateLine('retries', 'upstream_rq_retry', tl.retries, iv)],
    },
    {
      id: 'overflow',
      title: 'Circuit-breaker overflows',
      unit: '/s',
      lines: [
        rateLine('pending', 'upstream_rq_pending_overflow', tl.pendingOverflow, iv),
        rateLine('retry', 'upstream_rq_retry_overflow', tl.retryOverflow, iv),
      ],
    },
    {
      id: 'inflight',
      title: 'In-flight Requests (upstream_rq_active, upstream_rq_pending_active)',
      unit: 'requests',
      lines: [
        gauge('active', 'upstream_rq_active (all client sidecars)', tl.rqActive),
        gauge('pending', 'upstream_rq_pending_active (waiting for a connection)', tl.pendingActive),
      ],
    },
    {
      id: 'queue',
      title: 'App Queue Length By Workload',
      unit: 'requests',
      lines: Object.entries(tl.panels.appQueue)
        .sort(([a], [b]) => natural(a, b))
        .map(([w, v]) => gauge(w, `${w} queued`, v)),
    },
  ];
}
