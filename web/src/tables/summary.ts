import type { ClientResult, Result } from '../../../src/index.js';

/** A table as plain data (pure), rendered with textContent only. */
export interface Table {
  id: string;
  caption: string;
  head: string[];
  rows: string[][];
}

const pct = (x: number) => `${(100 * x).toFixed(3)} %`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

function delta(now: number, base: number | undefined, fmt: (d: number) => string): string {
  if (base === undefined) return '';
  const d = now - base;
  if (Math.abs(d) < 1e-9) return '±0';
  return `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
}

/** The measurement window in words, as the text report's header says it. */
export function windowText(r: Result): string {
  const s = (msv: number) => `${+(msv / 1000).toFixed(3)}s`;
  const w = r.window;
  const cut = r.clients.reduce((n, c) => n + c.unfinished.count, 0);
  return `measured: requests started ${s(w.fromMs)}..${s(w.toMs)}, drained until ${s(w.drainedUntilMs)}${
    cut > 0 ? `; drain limit reached: ${cut} unfinished` : ''
  }`;
}

/** fortio-like per-client summary; with a baseline, a Δ column after each figure. */
export function clientTable(r: Result, base?: Result): Table {
  const withBase = base !== undefined;
  const head = ['client', 'requests', 'qps', 'success', 'p50', 'p90', 'p99', 'p99.9', 'codes', 'unfinished'];
  const cols = withBase ? head.flatMap((h, i) => (i === 0 || i >= 8 ? [h] : [h, 'Δ'])) : head;
  const rows = r.clients.map((c) => {
    const b = base?.clients.find((x) => x.name === c.name);
    const figures: [string, number, number | undefined, (d: number) => string][] = [
      [String(c.requests), c.requests, b?.requests, (d) => String(d)],
      [c.qps.toFixed(1), c.qps, b?.qps, (d) => d.toFixed(1)],
      [pct(c.successRate), c.successRate, b?.successRate, (d) => pct(d)],
      ...(['p50', 'p90', 'p99', 'p999'] as const).map(
        (q) =>
          [ms(c.latencyMs[q]), c.latencyMs[q], b?.latencyMs[q], (d: number) => ms(d)] as [
            string,
            number,
            number | undefined,
            (d: number) => string,
          ],
      ),
    ];
    const cells = figures.flatMap(([text, now, was, fmt]) =>
      withBase ? [text, delta(now, was, fmt)] : [text],
    );
    return [c.name, ...cells, codes(c), unfinished(c)];
  });
  return { id: 'clients', caption: `Clients (fortio-like), ${windowText(r)}`, head: cols, rows };
}

/** Codes as the client saw them; -1 is its own timeout (fortio's code). */
function codes(c: ClientResult): string {
  return Object.entries(c.byStatus)
    .map(([code, n]) => `${code}: ${n} (${((100 * n) / Math.max(1, c.requests)).toFixed(1)} %)`)
    .join(', ');
}

function unfinished(c: ClientResult): string {
  const u = c.unfinished;
  return u.count === 0 ? '0' : `${u.count} (oldest ${(u.oldestAgeMs / 1000).toFixed(3)} s)`;
}

const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');

/** Requests by hop as the source sidecar saw them: final codes and response flags (UH, UO, NR, ...). */
export function hopTable(r: Result): Table {
  return {
    id: 'hops',
    caption: "Requests by hop (source sidecar's view)",
    head: ['source', 'service', 'subset', 'requests', 'codes', 'flags'],
    rows: r.hops.map((h) => {
      const flags = Object.fromEntries(Object.entries(h.byFlag).filter(([f]) => f !== '-'));
      return [
        h.source,
        h.service,
        h.subset,
        String(h.requests),
        counts(h.byStatus),
        Object.keys(flags).length === 0 ? '-' : counts(flags),
      ];
    }),
  };
}

/** The app containers per workload: queue wait, longest queue, saturation, rejections. */
export function workloadTable(r: Result): Table {
  return {
    id: 'workloads',
    caption: 'Workloads (app containers)',
    head: ['workload', 'pods', 'served', 'rejected', 'wait avg', 'wait p99', 'max queue', 'saturation'],
    rows: r.workloads.map((w) => [
      w.workload,
      String(w.pods),
      String(w.served),
      String(w.rejected),
      `${w.queueWaitMs.mean} ms`,
      `${w.queueWaitMs.p99} ms`,
      String(w.maxQueueLength),
      `${(100 * w.saturation).toFixed(1)} %`,
    ]),
  };
}

/** Upstream requests by service and subset: the observed split, every try counted. */
export function subsetTable(r: Result, base?: Result): Table {
  const rows: string[][] = [];
  for (const s of r.services) {
    const b = base?.services.find((x) => x.host === s.host);
    for (const [subset, v] of Object.entries(s.bySubset)) {
      const share = v.requests / Math.max(1, s.requests);
      const bv = b?.bySubset[subset];
      const bshare = bv && b ? bv.requests / Math.max(1, b.requests) : undefined;
      const codesText = Object.entries(v.byStatus)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
      rows.push([
        s.host,
        subset,
        String(v.requests),
        pct(share),
        ...(base ? [delta(share, bshare, pct)] : []),
        codesText,
      ]);
    }
  }
  return {
    id: 'subsets',
    caption: 'Upstream requests by service and subset',
    head: ['service', 'subset', 'requests', 'share', ...(base ? ['Δ share'] : []), 'codes'],
    rows,
  };
}

/** Envoy cluster stats that moved (non-zero), summed over client sidecars. */
export function clusterTable(r: Result): Table {
  const rows: string[][] = [];
  for (const c of r.clusters)
    for (const [k, v] of Object.entries(c.stats)) if (v !== 0) rows.push([c.name, k, String(v)]);
  return {
    id: 'clusters',
    caption: 'Envoy cluster stats that moved',
    head: ['cluster', 'stat', 'value'],
    rows,
  };
}

/**
 * A table inside its own horizontally scrolling box: cells never wrap (no letter-per-line columns once Δ
 * columns appear), long lists (codes, flags, cluster names) end in an ellipsis with the whole text as the
 * cell's title. Text only through textContent.
 */
export function renderTable(t: Table): HTMLElement {
  const box = document.createElement('div');
  box.className = 'table-scroll';
  box.dataset.tableBox = t.id;
  const table = document.createElement('table');
  table.dataset.table = t.id;
  const cap = table.createCaption();
  cap.textContent = t.caption;
  const hr = table.createTHead().insertRow();
  for (const h of t.head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    if (h === 'Δ' || h.startsWith('Δ ')) th.className = 'delta';
    hr.append(th);
  }
  const body = table.createTBody();
  for (const r of t.rows) {
    const tr = body.insertRow();
    r.forEach((cell, i) => {
      const td = tr.insertCell();
      td.textContent = cell;
      const h = t.head[i] ?? '';
      if (h === 'Δ' || h.startsWith('Δ ')) td.className = 'delta';
      else if (cell.length > 28) {
        td.className = 'long';
        td.title = cell;
      }
    });
  }
  box.append(table);
  return box;
}
