import type { RunOutput } from '../worker/protocol.js';
import { clientTable, renderTable, subsetTable } from '../tables/summary.js';
import { clear, el } from './dom.js';
import { signature, syncChildren } from './redraw.js';

export interface RunRecord {
  n: number;
  label: string;
  out: RunOutput;
}

/** Run history: pick the baseline the charts overlay (radio buttons, keyboard-operable). */
export function renderRuns(
  host: HTMLElement,
  runs: readonly RunRecord[],
  baseline: number | undefined,
  onBaseline: (n: number) => void,
): void {
  clear(host);
  if (runs.length === 0) return;
  const fs = el('fieldset', { class: 'run-list' });
  fs.append(el('legend', {}, 'Runs (baseline is overlaid dashed, deltas in the tables)'));
  for (const r of runs) {
    const c = r.out.result.clients[0];
    const id = `run-${r.n}`;
    const row = el('div', { class: 'run-row' });
    const radio = el('input', { type: 'radio', name: 'baseline', id, value: String(r.n) });
    radio.checked = r.n === baseline;
    radio.addEventListener('change', () => onBaseline(r.n));
    row.append(radio);
    const summary = c
      ? `#${r.n} ${r.label}: success ${(100 * c.successRate).toFixed(2)} %, p99 ${c.latencyMs.p99.toFixed(1)} ms, ejections ${r.out.result.ejections.length}`
      : `#${r.n} ${r.label}`;
    row.append(el('label', { for: id }, summary));
    fs.append(row);
  }
  host.append(fs);
}

/**
 * Two runs side by side (selects A and B), each with its tables; B shows deltas against A. A column
 * whose run and tables did not change keeps its DOM (redraw.ts).
 */
export function renderCompare(
  host: HTMLElement,
  runs: readonly RunRecord[],
  a: number,
  b: number,
  onPick: (a: number, b: number) => void,
): void {
  if (runs.length < 2) {
    clear(host);
    return;
  }
  const pick = (label: string, value: number, set: (n: number) => void) => {
    const sel = el('select', { 'aria-label': label });
    for (const r of runs) {
      const o = el('option', { value: String(r.n) }, `#${r.n} ${r.label}`);
      o.selected = r.n === value;
      sel.append(o);
    }
    sel.addEventListener('change', () => set(Number(sel.value)));
    return el('label', {}, `${label} `).appendChild(sel).parentElement!;
  };
  const bar = () => {
    const e = el('div', { class: 'compare-pick' });
    e.append(
      pick('Run A', a, (n) => onPick(n, b)),
      pick('Run B', b, (n) => onPick(a, n)),
    );
    return e;
  };
  const ra = runs.find((r) => r.n === a);
  const rb = runs.find((r) => r.n === b);
  const head = [
    { signature: 'title', make: () => el('h2', {}, 'Compare two runs') },
    { signature: signature(['pick', runs.map((r) => [r.n, r.label]), a, b]), make: bar },
  ];
  if (!ra || !rb) {
    syncChildren(host, head);
    return;
  }
  syncChildren(host, [...head, { signature: 'cols', make: () => el('div', { class: 'compare-cols' }) }]);
  syncChildren(
    host.lastElementChild!,
    (
      [
        [ra, undefined],
        [rb, ra],
      ] as const
    ).map(([r, base]) => {
      const tables = [
        clientTable(r.out.result, base?.out.result),
        subsetTable(r.out.result, base?.out.result),
      ];
      return {
        signature: signature([r.n, r.label, tables]),
        make: () => {
          const col = el('div', { class: 'compare-col', 'data-run': String(r.n) });
          col.append(el('h3', {}, `#${r.n} ${r.label}`));
          for (const t of tables) col.append(renderTable(t));
          return col;
        },
      };
    }),
  );
}
