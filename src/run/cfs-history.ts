import type { CfsStat } from '../mesh/cpu-bandwidth.js';
import type { World } from '../mesh/world.js';

/** One scrape of one container's CFS counters (cumulative, as cAdvisor reads cpu.stat). */
export interface CfsPoint {
  tMs: number;
  periods: number;
  throttledPeriods: number;
  throttledMs: number;
}

/** One container's series: cAdvisor's labels and its points, oldest first. */
export interface CfsSeriesHistory {
  labels: { container: string; namespace: string; pod: string };
  points: CfsPoint[];
}

/**
 * The CFS counters of every container with a CPU limit (mesh/container-cpu.ts) as Prometheus would have
 * scraped cAdvisor every series interval, for report/openmetrics. A scrape reads the counters without
 * settling them (periodsAt), so taking it never changes the run.
 */
export class CfsHistory {
  private readonly byContainer = new Map<CfsStat, CfsSeriesHistory>();

  constructor(private readonly world: World) {}

  scrape(tMs: number): void {
    for (const rt of this.world.workloads.values()) {
      const app = rt.config.containers[0]?.name ?? '';
      for (const pod of rt.pods) {
        if (pod.appBandwidth !== null) this.point(pod.appBandwidth, app, pod.namespace, pod.name, tMs);
        if (pod.proxyBandwidth !== null)
          this.point(pod.proxyBandwidth, 'istio-proxy', pod.namespace, pod.name, tMs);
      }
    }
  }

  /** The series of containers whose quota metered CPU (as the JSON result's cpuThrottling). */
  series(): CfsSeriesHistory[] {
    return [...this.byContainer.values()].filter((h) => (h.points.at(-1)?.periods ?? 0) > 0);
  }

  private point(b: CfsStat, container: string, namespace: string, pod: string, tMs: number): void {
    let h = this.byContainer.get(b);
    if (h === undefined) this.byContainer.set(b, (h = { labels: { container, namespace, pod }, points: [] }));
    const point = {
      tMs,
      periods: b.periodsAt(tMs),
      throttledPeriods: b.nrThrottled,
      throttledMs: b.throttledMs,
    };
    const last = h.points[h.points.length - 1];
    // Millisecond timestamps: a scrape within the same ms replaces the previous point (as IstioHistory).
    if (last !== undefined && Math.round(last.tMs) >= Math.round(tMs)) h.points[h.points.length - 1] = point;
    else h.points.push(point);
  }
}
