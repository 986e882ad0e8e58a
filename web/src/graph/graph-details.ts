import type { EjectionResult } from '../../../src/index.js';
import type { PanelSection } from '../ui/side-panel.js';
import { histogramQuantile } from '../worker/graph-data.js';
import type { Agg, GEdge, GNode } from './graph-model.js';
import { errorPercents, HEALTH_WORD, type Health } from './health.js';

/** Edge label modes, Kiali's "Edge Labels" display menu (kiali.io/docs/features/topology). */
export type EdgeLabelMode = 'none' | 'rps' | 'percent' | 'p95';
export const EDGE_LABELS: readonly { value: EdgeLabelMode; label: string }[] = [
  { value: 'none', label: 'No edge labels' },
  { value: 'rps', label: 'Request rate (rps)' },
  { value: 'percent', label: 'Request distribution (%)' },
  { value: 'p95', label: 'Response time (p95)' },
];

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : ms >= 10 ? `${ms.toFixed(0)}ms` : `${ms.toFixed(1)}ms`;
}

/**
 * An edge's label in a mode. Response time is the 95th percentile, Kiali's default response-time
 * percentile; the distribution is the share of the source node's requests, with the 5xx share after it.
 */
export function edgeLabel(e: GEdge, mode: EdgeLabelMode, spanS: number): string {
  if (mode === 'none' || e.stats.requests === 0) return '';
  if (mode === 'rps') return `${(e.stats.requests / spanS).toFixed(1)} rps`;
  if (mode === 'p95') return fmtMs(histogramQuantile(0.95, e.stats.latency));
  const err = errorPercents(e.stats.codes).e5xx;
  return `${e.share.toFixed(1)}%${err > 0 ? ` · ${err.toFixed(1)}% err` : ''}`;
}

function traffic(a: Agg, spanS: number, h: Health): PanelSection {
  const p = errorPercents(a.codes);
  return {
    heading: 'HTTP requests',
    rows: [
      ['Requests', a.requests.toLocaleString('en-US')],
      ['Rate', `${(a.requests / spanS).toFixed(2)} rps`],
      ['Errors (5xx)', `${p.e5xx.toFixed(2)} %`],
      ['Errors (4xx)', `${p.e4xx.toFixed(2)} %`],
      ['Health', HEALTH_WORD[h]],
      ['p50', fmtMs(histogramQuantile(0.5, a.latency))],
      ['p95', fmtMs(histogramQuantile(0.95, a.latency))],
      ['p99', fmtMs(histogramQuantile(0.99, a.latency))],
    ],
  };
}

function counts(heading: string, m: ReadonlyMap<string | number, number>, total: number): PanelSection {
  return {
    heading,
    rows: [...m]
      .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1))
      .map(([k, v]) => [
        k === '-' ? '- (none)' : String(k),
        `${v.toLocaleString('en-US')} (${((100 * v) / Math.max(1, total)).toFixed(1)} %)`,
      ]),
  };
}

const ENVOY_NAMES: [string, string][] = [
  ['upstream_rq_retry', 'Retries (upstream_rq_retry)'],
  ['upstream_rq_pending_overflow', 'Pending overflow (upstream_rq_pending_overflow)'],
  ['upstream_rq_retry_overflow', 'Retry overflow (upstream_rq_retry_overflow)'],
  ['upstream_cx_overflow', 'Connection overflow (upstream_cx_overflow)'],
  ['outlier_detection.ejections_enforced_total', 'Ejections (outlier_detection.ejections_enforced_total)'],
];

function envoy(a: Agg): PanelSection {
  return {
    heading: 'Envoy cluster stats (client sidecars)',
    rows: ENVOY_NAMES.map(([k, label]) => [label, (a.envoy.get(k) ?? 0).toLocaleString('en-US')]),
  };
}

/** Ejections that started in the window on the given pods (the ejection timeline has them all). */
function ejections(
  list: readonly EjectionResult[],
  pods: ReadonlySet<string>,
  fromMs: number,
  toMs: number,
): PanelSection {
  const rows: [string, string][] = list
    .filter((e) => pods.has(e.pod) && e.timeMs >= fromMs && e.timeMs < toMs)
    .slice(0, 20)
    .map((e) => [`${e.pod} by ${e.client}`, `${(e.timeMs / 1000).toFixed(1)} s, ${e.reason}`]);
  return { heading: 'Outlier ejections in the window', rows };
}

export interface DetailWindow {
  spanS: number;
  fromMs: number;
  toMs: number;
  ejections: readonly EjectionResult[];
}

export function edgeDetails(e: GEdge, from: GNode, to: GNode, w: DetailWindow): PanelSection[] {
  return [
    traffic(e.stats, w.spanS, e.health),
    counts('Response codes', e.stats.codes, e.stats.requests),
    counts('Response flags', e.stats.flags, e.stats.requests),
    // Source → service edges carry the client sidecars' cluster stats; service → destination edges do not.
    ...(e.stats.envoy.size > 0 ? [envoy(e.stats)] : []),
    ejections(w.ejections, to.pods, w.fromMs, w.toMs),
    {
      heading: 'Edge',
      rows: [
        ['From', from.title],
        ['To', to.title],
        ['Share of source', `${e.share.toFixed(1)} %`],
      ],
    },
  ];
}

export function nodeDetails(n: GNode, w: DetailWindow): PanelSection[] {
  const a = n.inbound.requests > 0 ? n.inbound : n.outbound;
  const s: PanelSection[] = [
    {
      ...traffic(a, w.spanS, n.health),
      heading: n.inbound.requests > 0 ? 'Inbound HTTP requests' : 'Outbound HTTP requests',
    },
    counts('Response codes', a.codes, a.requests),
    counts('Response flags', a.flags, a.requests),
  ];
  if (n.outbound.envoy.size > 0 || n.inbound.envoy.size > 0) {
    const m = n.outbound.envoy.size > 0 ? n.outbound : n.inbound;
    s.push({
      ...envoy(m),
      heading:
        n.outbound.envoy.size > 0
          ? 'Envoy cluster stats (its sidecars, outbound)'
          : 'Envoy cluster stats (clients of it)',
    });
  }
  s.push(ejections(w.ejections, n.pods, w.fromMs, w.toMs));
  if (n.reason) s.unshift({ heading: 'Why', rows: [['No pod answered', n.reason]] });
  return s;
}
