import { panelSvgDocument } from './panel-image.js';
import type { RunOutput } from '../worker/protocol.js';

/** The run as CSV: one row per interval, one column per series (pure). */
export function runToCsv(run: RunOutput): string {
  const r = run.result;
  const tl = run.timeline;
  const n = tl.intervals;
  const cols: [string, (i: number) => number | string][] = [['t_s', (i) => (i * r.series.intervalMs) / 1000]];
  for (const [k, v] of Object.entries(r.series.subsets)) cols.push([`requests ${k}`, (i) => v[i] ?? 0]);
  for (const [name, pts] of Object.entries(r.series.clients)) {
    cols.push([`${name} requests`, (i) => pts[i]?.requests ?? 0]);
    cols.push([`${name} errors`, (i) => pts[i]?.errors ?? 0]);
    for (const q of ['p50', 'p90', 'p99'] as const) cols.push([`${name} ${q}_ms`, (i) => pts[i]?.[q] ?? 0]);
  }
  cols.push(['upstream_rq_retry', (i) => tl.retries[i] ?? 0]);
  cols.push(['upstream_rq_pending_overflow', (i) => tl.pendingOverflow[i] ?? 0]);
  cols.push(['upstream_rq_retry_overflow', (i) => tl.retryOverflow[i] ?? 0]);
  cols.push(['upstream_rq_pending_active', (i) => tl.pendingActive[i] ?? 0]);
  cols.push(['upstream_rq_active', (i) => tl.rqActive[i] ?? 0]);
  for (const [w, v] of Object.entries(tl.panels.appQueue)) cols.push([`app queue ${w}`, (i) => v[i] ?? 0]);
  const lines = [cols.map(([h]) => csvCell(h)).join(',')];
  for (let i = 0; i < n; i++) lines.push(cols.map(([, f]) => csvCell(f(i))).join(','));
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 quoting; a leading =+-@ is prefixed with ' so spreadsheets never run a cell as a formula. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rasterises a panel (title, plot, legend: panelSvgDocument) to PNG at 2x, through an <img> of the SVG blob (CSP img-src allows blob:). */
export async function panelPng(figure: HTMLElement): Promise<Blob | undefined> {
  const doc = panelSvgDocument(figure);
  if (!doc) return undefined;
  const url = URL.createObjectURL(new Blob([doc.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = doc.width * 2;
    canvas.height = doc.height * 2;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
