import type { Result } from '../run/result.js';
import { pct, table } from './text-table.js';

/**
 * The text report's CFS table (docs/autoscaling.md "CPU limits"): per workload and limited container, its
 * limit and the periods throttled over the periods counted, what dashboards read from cAdvisor's
 * container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total. Nothing without limits.
 */
export function cpuThrottlingBlock(r: Result): string[] {
  const rows = [['WORKLOAD', 'CONTAINER', 'LIMIT', 'PERIODS', 'THROTTLED', 'SHARE', 'THROTTLED TIME']];
  for (const w of r.workloads)
    for (const c of w.cpuThrottling ?? [])
      rows.push([
        w.workload,
        c.container,
        `${c.limitMilli}m`,
        String(c.periods),
        String(c.throttledPeriods),
        pct(c.periods > 0 ? c.throttledPeriods / c.periods : 0),
        `${(c.throttledMs / 1000).toFixed(3)}s`,
      ]);
  if (rows.length === 1) return [];
  return [
    '',
    'CPU limits (CFS bandwidth control, whole run, summed over pods: periods throttled of periods counted):',
    ...table(rows),
  ];
}
