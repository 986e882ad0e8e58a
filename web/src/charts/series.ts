import type { TimelineEventKind } from '../../../src/index.js';
import type { RunOutput } from '../worker/protocol.js';
import { clientPanels } from './panels-clients.js';
import { proxyPanels } from './panels-proxy.js';
import { requestPanels } from './panels-requests.js';
import { replicasPanel } from './panels-workloads.js';
import type { Unit } from './units.js';

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
  /** The panel's title, as Istio's Grafana dashboards name the same panel where they have one. */
  title: string;
  unit: Unit;
  lines: Line[];
  /** Shown inside the plot when the run has no line for this panel (e.g. no response flags). */
  empty?: string;
  /** Lines of text under the legend (what the panel's markers mean ...). */
  notes?: string[];
  /** `step`: a count that changes at an instant (replicas), drawn flat until the next point. */
  curve?: 'step';
}

/** What every panel of one run shares: the x domain (the whole simulated run) and the warm-up. */
export interface TimeAxis {
  /** [0, simulated seconds]: the same for every panel, the ejection timeline included. */
  domain: [number, number];
  warmupS: number;
  /** The load stops here (window.toMs): after it only the drain finishes requests in flight. */
  loadEndS: number;
  /** The run's timeline events (Result.timelineEvents), marked on every panel at their time. */
  markers: TimeMarker[];
}

export interface TimeMarker {
  s: number;
  kind: TimelineEventKind;
  /** The tooltip: time, who acted, on what, and what happened. */
  title: string;
}

export function timeAxis(run: RunOutput): TimeAxis {
  const r = run.result;
  return {
    domain: [0, Math.max(r.simulatedMs, 1) / 1000],
    warmupS: r.warmupMs / 1000,
    loadEndS: r.window.toMs / 1000,
    markers: (r.timelineEvents ?? []).map((e) => ({
      s: e.timeMs / 1000,
      kind: e.kind,
      title: `${e.timeMs / 1000} s · ${e.source}${e.target && e.target !== e.source.split(' ')[1] ? ` → ${e.target}` : ''}: ${e.text}`,
    })),
  };
}

/** Per-interval helpers shared by the panel builders. */
export interface Intervals {
  ms: number;
  warmupMs: number;
  /** Start of interval i, simulated seconds. */
  start: (i: number) => number;
  /**
   * Whether interval i is a whole interval of measured load: it starts at or after the warm-up's end (no
   * point before: nothing is measured there) and before the load stops (the drain's short tail would read
   * as a fall to 0 requests/s).
   */
  measured: (i: number) => boolean;
  perSecond: (n: number) => number;
}

export function intervals(run: RunOutput): Intervals {
  const ms = run.result.series.intervalMs;
  const warmupMs = run.result.warmupMs;
  const loadEndMs = run.result.window.toMs;
  return {
    ms,
    warmupMs,
    start: (i) => (i * ms) / 1000,
    measured: (i) => i * ms >= warmupMs && i * ms < loadEndMs,
    perSecond: (n) => (n * 1000) / ms,
  };
}

/** A per-interval counter as a rate line, without the warm-up's intervals. */
export function rateLine(key: string, label: string, counts: readonly number[], iv: Intervals): Line {
  const points: [number, number][] = [];
  counts.forEach((n, i) => {
    if (iv.measured(i)) points.push([iv.start(i), iv.perSecond(n)]);
  });
  return { key, label, points };
}

/** Legend order as a reader expects it: svc-2 before svc-10. */
export const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Short subset key for legends: `product-service/v2` from `product-service.production.svc.cluster.local/v2`. */
export function shortSubset(key: string): string {
  const slash = key.lastIndexOf('/');
  const host = key.slice(0, slash);
  return `${host.split('.')[0]}/${key.slice(slash + 1)}`;
}

/** `product-service.production` from `product-service.production.svc.cluster.local` (Grafana's legend). */
export function shortHost(fqdn: string): string {
  return fqdn.replace(/\.svc\.cluster\.local$/, '');
}

/**
 * The panels of one run, as plain data (pure: the same run gives the same lines), in the order of
 * Istio's service dashboard: request volume, success rate, duration, requests by code and by flag, then
 * the proxies' and apps' gauges, the replicas per workload. The ejection timeline is drawn separately
 * (ejection-timeline.ts).
 */
export function chartData(run: RunOutput): ChartData[] {
  const iv = intervals(run);
  const [volume, ...byRequest] = requestPanels(run, iv);
  return [volume!, ...clientPanels(run, iv), ...byRequest, ...proxyPanels(run, iv), replicasPanel(run, iv)];
}
