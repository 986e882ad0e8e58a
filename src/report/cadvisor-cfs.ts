import type { Result } from '../run/result.js';

/**
 * The CFS counters of containers with a CPU limit as the kubelet's cAdvisor exports them on
 * /metrics/cadvisor (cAdvisor docs/storage/prometheus.md): container_cpu_cfs_periods_total ("Number of
 * elapsed enforcement period intervals"), container_cpu_cfs_throttled_periods_total ("Number of throttled
 * period intervals") and container_cpu_cfs_throttled_seconds_total, labelled container, namespace, pod.
 * Nothing when no container has a limit. Counters cover the whole run, as the kernel's cpu.stat does.
 * NOTE: simplification: throttled seconds are the wall time the container was throttled; the kernel sums
 * the throttled time of each CPU's run queue.
 */
export function renderCadvisorCfs(r: Result, esc: (v: string) => string): string[] {
  const rows: { labels: string; periods: number; throttled: number; seconds: number }[] = [];
  for (const w of r.workloads) {
    const ns = w.workload.slice(0, w.workload.indexOf('/'));
    for (const c of w.cpuThrottling ?? [])
      for (const p of c.pods)
        rows.push({
          labels: `container="${esc(c.container)}",namespace="${esc(ns)}",pod="${esc(p.pod)}"`,
          periods: p.periods,
          throttled: p.throttledPeriods,
          seconds: p.throttledMs / 1000,
        });
  }
  if (rows.length === 0) return [];
  const out = [
    '# HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.',
    '# TYPE container_cpu_cfs_periods_total counter',
  ];
  for (const x of rows) out.push(`container_cpu_cfs_periods_total{${x.labels}} ${x.periods}`);
  out.push(
    '# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.',
    '# TYPE container_cpu_cfs_throttled_periods_total counter',
  );
  for (const x of rows) out.push(`container_cpu_cfs_throttled_periods_total{${x.labels}} ${x.throttled}`);
  out.push(
    '# HELP container_cpu_cfs_throttled_seconds_total Total time duration the container has been throttled.',
    '# TYPE container_cpu_cfs_throttled_seconds_total counter',
  );
  for (const x of rows)
    out.push(`container_cpu_cfs_throttled_seconds_total{${x.labels}} ${+x.seconds.toFixed(6)}`);
  return out;
}
