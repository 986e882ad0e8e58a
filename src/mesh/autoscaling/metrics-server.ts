import type { Pod } from '../pod.js';
import { PodState } from '../pod.js';

/**
 * What metrics-server serves from the kubelet's cAdvisor counters (the resource metrics API,
 * metrics.k8s.io): each pod's CPU as the rate between its last two scrapes, `metricResolution` apart,
 * with the scrape's timestamp and window; a pod scraped fewer than two times has no metrics yet.
 * Also each pod's inbound request rate over the same window, the custom metric a Prometheus adapter would
 * serve from istio_requests_total.
 * NOTE: simplification: idle CPU counts while the pod is Running at a scrape, for the whole window.
 */
export interface PodMetrics {
  /** Millicores, rounded up as Quantity.MilliValue() rounds. */
  appMilli: number;
  proxyMilli: number;
  /** Inbound requests per second, in milli-units. */
  requestsMilli: number;
  timestampMs: number;
  windowMs: number;
}

interface Samples {
  t: number;
  app: number;
  proxy: number;
  requests: number;
  metrics: PodMetrics | undefined;
}

export class MetricsServer {
  private readonly byPod = new Map<Pod, Samples>();

  /** One scrape of every pod given, at `nowMs`; `idleMilli` is each pod's app idle CPU. */
  scrape(nowMs: number, pods: Iterable<{ pod: Pod; idleMilli: number; requests: number }>): void {
    for (const { pod, idleMilli, requests } of pods) {
      if (pod.state === PodState.Gone) {
        this.byPod.delete(pod);
        continue;
      }
      const prev = this.byPod.get(pod);
      // Under CPU limits, CPU is counted as it runs: bring it up to the scrape (container-cpu.ts).
      pod.appBandwidth?.settle(nowMs);
      pod.proxyBandwidth?.settle(nowMs);
      // Idle CPU is not in the pod's own counter: add the window's share before sampling it.
      if (prev !== undefined && pod.state === PodState.Running)
        pod.appCpuMs += (idleMilli * (nowMs - prev.t)) / 1000;
      const cur: Samples = {
        t: nowMs,
        app: pod.appCpuMs,
        proxy: pod.proxyCpuMs,
        requests,
        metrics: undefined,
      };
      if (prev !== undefined && nowMs > prev.t) {
        const w = nowMs - prev.t;
        cur.metrics = {
          appMilli: milli((cur.app - prev.app) / w),
          proxyMilli: milli((cur.proxy - prev.proxy) / w),
          requestsMilli: milli(((requests - prev.requests) * 1000) / w),
          timestampMs: nowMs,
          windowMs: w,
        };
      }
      this.byPod.set(pod, cur);
    }
  }

  metricsOf(pod: Pod): PodMetrics | undefined {
    return this.byPod.get(pod)?.metrics;
  }
}

/** cores-per-ms ratio (CPU ms per wall ms) to millicores, rounded up; guards binary noise. */
function milli(perMs: number): number {
  const m = perMs * 1000;
  return Math.max(0, Math.ceil(m - 1e-9 * Math.max(1, m)));
}
