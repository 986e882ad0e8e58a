import type { RunOutput } from '../worker/protocol.js';
import type { ChartData, Intervals, Line } from './series.js';

/**
 * Success rate and duration per client (load generator), from the Result's series: requests that started
 * in the interval. Intervals of the warm-up have no point (nothing is measured there).
 */
export function clientPanels(run: RunOutput, iv: Intervals): ChartData[] {
  const clients = Object.entries(run.result.series.clients);
  const many = clients.length > 1;
  const measured = (p: { t: number }) => p.t >= iv.warmupMs;
  return [
    {
      // Istio Service Dashboard: "Client Success Rate (non-5xx responses)" (unit percentunit).
      id: 'success',
      title: 'Request Success Rate (non-5xx responses)',
      unit: 'percent',
      lines: clients.map(([name, pts]) => ({
        key: name,
        label: name,
        points: pts
          .filter((p) => measured(p) && p.requests > 0)
          .map((p) => [p.t / 1000, (100 * (p.requests - p.errors)) / p.requests] as [number, number]),
      })),
    },
    {
      // Istio Service Dashboard: "Client Request Duration", legends P50 / P90 / P99 (unit s).
      id: 'latency',
      title: 'Request Duration',
      unit: 'ms',
      lines: clients.flatMap(([name, pts]) =>
        (['p50', 'p90', 'p99'] as const).flatMap((q) => {
          const label = many ? `${name} ${q.toUpperCase()}` : q.toUpperCase();
          const complete: Line = {
            key: `${name}/${q}`,
            label,
            points: pts
              .filter((p) => measured(p) && p.requests > 0 && p.unfinished === 0)
              .map((p) => [p.t / 1000, p[q]] as [number, number]),
          };
          const cut = pts.filter((p) => measured(p) && p.unfinished > 0);
          if (cut.length === 0) return [complete];
          const lower: Line = {
            key: `${name}/${q}/incomplete`,
            label: `${label} ≥ (requests cut off by the drain limit)`,
            points: cut.map((p) => [p.t / 1000, p[q]] as [number, number]),
            incomplete: true,
          };
          return [complete, lower];
        }),
      ),
    },
  ];
}
