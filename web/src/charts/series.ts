import type { RunOutput } from '../worker/protocol.js';

/** One line of a chart: [simulated seconds, value] points. */
export interface Line {
  key: string;
  label: string;
  points: [number, number][];
  /**
   * The points are intervals some of whose requests the drain limit cut off: their percentiles miss the
   * slowest requests (a lower bound, not a recovery). Drawn as separate dotted markers, never joined to
   * the line.
   */
  incomplete?: boolean;
}

export interface ChartData {
  id: string;
  title: string;
  unit: string;
  lines: Line[];
  /** Whether the y axis starts at zero (false: it starts near the lowest value, e.g. success rate). */
  zeroBased?: boolean;
}

const perSecond = (n: number, intervalMs: number) => (n * 1000) / intervalMs;

/** Short subset key for legends: `product-service/v2` from `product-service.production.svc.cluster.local/v2`. */
export function shortSubset(key: string): string {
  const slash = key.lastIndexOf('/');
  const host = key.slice(0, slash);
  return `${host.split('.')[0]}/${key.slice(slash + 1)}`;
}

/**
 * The charts of one run, as plain data (pure: the same run gives the same lines). Requests/s by
 * destination subset (the canary split), success rate and latency percentiles per client, retries and
 * circuit-breaker overflows per second, pending requests.
 */
export function chartData(run: RunOutput): ChartData[] {
  const r = run.result;
  const iv = r.series.intervalMs;
  const t = (i: number) => (i * iv) / 1000;
  const clients = Object.entries(r.series.clients);
  const many = clients.length > 1;
  return [
    {
      id: 'split',
      title: 'Requests/s by destination subset',
      unit: 'req/s',
      lines: Object.entries(r.series.subsets).map(([k, v]) => ({
        key: k,
        label: shortSubset(k),
        points: v.map((n, i) => [t(i), perSecond(n, iv)] as [number, number]),
      })),
    },
    {
      id: 'success',
      title: 'Success rate',
      unit: '%',
      zeroBased: false,
      lines: clients.map(([name, pts]) => ({
        key: name,
        label: name,
        points: pts
          .filter((p) => p.requests > 0)
          .map((p) => [p.t / 1000, (100 * (p.requests - p.errors)) / p.requests] as [number, number]),
      })),
    },
    {
      id: 'latency',
      title: 'Latency p50 / p90 / p99',
      unit: 'ms',
      lines: clients.flatMap(([name, pts]) =>
        (['p50', 'p90', 'p99'] as const).flatMap((q) => {
          const label = many ? `${name} ${q}` : q;
          const complete: Line = {
            key: `${name}/${q}`,
            label,
            points: pts
              .filter((p) => p.requests > 0 && p.unfinished === 0)
              .map((p) => [p.t / 1000, p[q]] as [number, number]),
          };
          const cut = pts.filter((p) => p.unfinished > 0);
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
    {
      id: 'retries',
      title: 'Retries/s (upstream_rq_retry)',
      unit: 'retries/s',
      lines: [line('retries', 'retries', run.timeline.retries, iv)],
    },
    {
      id: 'overflow',
      title: 'Circuit-breaker overflows/s',
      unit: '/s',
      lines: [
        line('pending', 'upstream_rq_pending_overflow', run.timeline.pendingOverflow, iv),
        line('retry', 'upstream_rq_retry_overflow', run.timeline.retryOverflow, iv),
      ],
    },
    {
      id: 'pending',
      title: 'Pending requests (upstream_rq_pending_active)',
      unit: 'requests',
      lines: [
        {
          key: 'pending',
          label: 'pending (end of interval)',
          points: run.timeline.pendingActive.map((v, i) => [t(i + 1), v] as [number, number]),
        },
      ],
    },
  ];
}

function line(key: string, label: string, counts: number[], iv: number): Line {
  return {
    key,
    label,
    points: counts.map((n, i) => [(i * iv) / 1000, perSecond(n, iv)] as [number, number]),
  };
}
