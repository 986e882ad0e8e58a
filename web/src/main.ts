import type { Diagnostic } from '../../src/index.js';
import { formatDiagnostic } from '../../src/index.js';
import { renderEjectionTimeline } from './charts/ejection-timeline.js';
import { renderLineChart } from './charts/line-chart.js';
import { type ChartData, chartData, timeAxis } from './charts/series.js';
import { FileEditor } from './editor/editor.js';
import { panelPng, runToCsv } from './export/export.js';
import { panelSvgDocument } from './export/panel-image.js';
import { MeshGraph } from './graph/mesh-graph.js';
import { BUNDLED, DEFAULT_MODEL } from './model/bundled.js';
import { isScenarioText, listScenarios, openScenario, type Workspace } from './model/workspace.js';
import { decodeShare, encodeShare } from './share/codec.js';
import {
  clientTable,
  clusterTable,
  hopTable,
  renderTable,
  subsetTable,
  workloadTable,
} from './tables/summary.js';
import { hideBanner, installGlobalErrorBanner, showBanner } from './ui/banner.js';
import { byId, clear, download, el } from './ui/dom.js';
import { renderKnobs } from './ui/knobs-panel.js';
import { signature, syncChildren } from './ui/redraw.js';
import { renderStudies } from './ui/studies-panel.js';
import { type RunRecord, renderCompare, renderRuns } from './ui/runs-panel.js';
import { SimWorker } from './worker/client.js';
import type { ModelInput } from './worker/protocol.js';
import { appendYamlItem, setYamlValue } from './yaml/edit.js';
import { findKnobs } from './yaml/knobs.js';

installGlobalErrorBanner();

/** Wall-clock figures of the last run, read by bench/web-bench.ts. */
interface Timing {
  /** The simulation in the worker (simulate.ts, RunOutput.wallMs). */
  workerMs: number;
  /** Run click → result received. */
  roundTripMs: number;
  /** Result received → the next animation frame after the redraw. */
  renderMs: number;
  totalMs: number;
  /** The worker's checkModel before the simulation (or its reuse). */
  checkMs: number;
  checkReused: boolean;
  /** postMessage of the result, worker → page (structured clone and delivery). */
  transferMs: number;
  /** The redraw's parts (their JS and the layouts they force), in renderAll's order. */
  parts: Record<string, number>;
}
declare global {
  interface Window {
    /** Read by the browser tests and bench: runs finished, last timing, a file's current text. */
    __meshsim?: { runs: number; timing?: Timing; text?: (path: string) => string | undefined };
  }
}
const textOf = (path: string) => editor.text(path);
window.__meshsim = { runs: 0, text: textOf };

const fatal = (m: string) => showBanner(m);
const checker = new SimWorker(fatal);
const simulator = new SimWorker(fatal);

let ws: Workspace = { scenario: '', files: [] };
let diagnostics: Diagnostic[] = [];
let runs: RunRecord[] = [];
let baseline: number | undefined;
let current: number | undefined;
let compareAB: [number, number] = [0, 0];
let cursorMs = 0;
let inFlight: { cancel: () => void } | undefined;
let pendingLabel: string | undefined;
let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkSeq = 0;
/** Filled by renderAll while a run's redraw is timed (Timing.parts); undefined otherwise. */
let renderParts: Record<string, number> | undefined;

/** Runs one part of the redraw, adding its wall time to renderParts when a run is being timed. */
function part<T>(name: string, f: () => T): T {
  if (renderParts === undefined) return f();
  const t = performance.now();
  const r = f();
  renderParts[name] = (renderParts[name] ?? 0) + performance.now() - t;
  return r;
}

const editor = new FileEditor(byId('editor'), byId('file-tabs'), () => scheduleCheck(350));
const graph = new MeshGraph(byId('graph'));

// --- the model
function input(): ModelInput {
  const seedText = byId<HTMLInputElement>('seed').value.trim();
  const files = ws.files.map((f) => ({ file: f.path, text: editor.text(f.path) ?? f.text }));
  const scenario = files.find((f) => f.file === ws.scenario) ?? { file: ws.scenario, text: '' };
  return {
    scenario,
    manifests: files.filter((f) => f.file !== ws.scenario),
    ...(seedText !== '' && /^\d+$/.test(seedText) ? { seed: Number(seedText) } : {}),
    ...(byId<HTMLInputElement>('simulate-misconfig').checked ? { simulateMisconfig: true } : {}),
  };
}

function openWorkspace(next: Workspace, label: string, seed?: number): void {
  ws = next;
  editor.setFiles(ws.files, ws.scenario);
  byId<HTMLInputElement>('seed').value = seed === undefined ? '' : String(seed);
  runs = [];
  baseline = undefined;
  current = undefined;
  // Another model: the graph forgets its selection and zoom, and the cursor goes to the next run's end.
  cursorMs = 0;
  graph.reset();
  renderAll();
  pendingLabel = label;
  scheduleCheck(0);
}

function openBundled(path: string): void {
  byId<HTMLSelectElement>('model-select').value = path;
  openWorkspace(openScenario(path, BUNDLED), 'opened');
}

function addFiles(files: { path: string; text: string }[]): void {
  const scenario = files.find((f) => isScenarioText(f.text));
  if (scenario) {
    byId<HTMLSelectElement>('model-select').value = '';
    const pool = new Map([...files.map((f) => [f.path, f.text] as [string, string])]);
    const opened = openScenario(scenario.path, pool);
    // Dropped manifests the scenario does not name are kept too (what is open is what runs).
    for (const f of files) if (!opened.files.some((o) => o.path === f.path)) opened.files.push(f);
    openWorkspace(opened, 'opened');
    return;
  }
  for (const f of files) {
    let path = f.path;
    for (let i = 2; ws.files.some((o) => o.path === path); i++)
      path = f.path.replace(/(\.ya?ml)?$/, `-${i}$1`);
    ws.files.push({ path, text: f.text });
    editor.addFile(path, f.text, ws.scenario);
  }
  pendingLabel = 'files added';
  scheduleCheck(0);
}

// --- validation as the user types (in the checker worker, debounced)
function scheduleCheck(delayMs: number): void {
  if (checkTimer !== undefined) clearTimeout(checkTimer);
  checkTimer = setTimeout(() => void check(), delayMs);
}

async function check(): Promise<void> {
  const seq = ++checkSeq;
  const reply = await checker.check(input());
  if (seq !== checkSeq) return;
  diagnostics = reply.diagnostics;
  renderDiagnostics();
  renderKnobPanel();
  if (reply.refused) showBanner(reply.refused);
  // A model runs when it loaded (size known): without errors, or with analysis errors simulated on purpose.
  const errors = reply.size === undefined && diagnostics.some((d) => d.severity === 'error');
  if (pendingLabel !== undefined && !errors && !reply.refused && byId<HTMLInputElement>('auto-run').checked) {
    const label = pendingLabel;
    pendingLabel = undefined;
    void run(label);
  } else if (errors)
    setStatus(
      diagnostics.some((d) => d.severity === 'error' && /^IST|^MSIM1/.test(d.code))
        ? 'The model has errors; see Diagnostics (or tick "Simulate misconfiguration" to watch analysis errors happen).'
        : 'The model has errors; see Diagnostics.',
    );
}

function renderDiagnostics(): void {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  editor.setDiagnostics(byFile);
  const list = byId('diagnostics');
  clear(list);
  for (const d of diagnostics) {
    const li = el('li', {
      class: d.severity,
      'data-file': d.file,
      'data-line': String(d.line),
      'data-code': d.code,
    });
    const b = el('button', { type: 'button' }, formatDiagnostic(d));
    b.addEventListener('click', () => editor.reveal(d.file, d.line, d.column));
    li.append(b);
    list.append(li);
  }
  const e = diagnostics.filter((d) => d.severity === 'error').length;
  const simulated =
    e > 0 && byId<HTMLInputElement>('simulate-misconfig').checked ? ' (simulated on purpose)' : '';
  byId('diag-count').textContent =
    diagnostics.length === 0
      ? 'none'
      : `${e} error${e === 1 ? '' : 's'}${simulated}, ${diagnostics.length - e} other`;
}

byId<HTMLInputElement>('simulate-misconfig').addEventListener('change', () => {
  pendingLabel = 'simulate misconfiguration';
  scheduleCheck(0);
});

function renderKnobPanel(): void {
  const files = ws.files.map((f) => ({ path: f.path, text: editor.text(f.path) ?? f.text }));
  renderKnobs(
    byId('knobs'),
    findKnobs(files),
    (k, v) => {
      const text = editor.text(k.file);
      if (text === undefined) return;
      editor.setText(k.file, setYamlValue(text, k.doc, k.path, v));
      pendingLabel = `${k.label} = ${v ?? 'default'}`;
      scheduleCheck(0);
    },
    () => {
      const text = editor.text(ws.scenario) ?? '';
      const target = /^\s{4}([\w.-]+\/[\w.-]+):\s*$/m.exec(text)?.[1] ?? 'default/app';
      const doc = text.split(/^---\s*$/m).findIndex((d) => /^kind:\s*Scenario/m.test(d));
      editor.setText(
        ws.scenario,
        appendYamlItem(text, Math.max(0, doc), ['spec', 'events'], {
          at: '20s',
          target,
          crash: { pods: 1 },
          for: '10s',
        }),
      );
      pendingLabel = `crash ${target} at 20s for 10s`;
      scheduleCheck(0);
    },
  );
}

// --- running
async function run(label: string): Promise<void> {
  inFlight?.cancel();
  const t0 = performance.now();
  const job = simulator.run(input(), (f) => {
    byId<HTMLProgressElement>('progress').value = f;
  });
  inFlight = job;
  setBusy(true);
  setStatus('Simulating…');
  let reply: Awaited<typeof job.done>;
  try {
    reply = await job.done;
  } catch (e) {
    if (inFlight === job) setBusy(false);
    showBanner(e instanceof Error ? e.message : String(e));
    return;
  }
  if (inFlight !== job) return;
  inFlight = undefined;
  setBusy(false);
  if (reply.kind === 'cancelled') {
    setStatus('Cancelled.');
    return;
  }
  if (reply.kind === 'refused') {
    showBanner(reply.message);
    setStatus('Not run.');
    return;
  }
  const t1 = performance.now();
  const transferMs = performance.timeOrigin + t1 - reply.costs.sentAt;
  const misconfig = reply.run.result.simulatedMisconfiguration;
  if (misconfig) showBanner(`Warning: ${misconfig.message}.`);
  else hideBanner();
  const n = (runs.at(-1)?.n ?? 0) + 1;
  runs.push({ n, label, out: reply.run });
  if (runs.length > 12) runs = runs.slice(-12);
  if (baseline === undefined || !runs.some((r) => r.n === baseline)) baseline = n;
  current = n;
  compareAB = [baseline, n];
  if (cursorMs === 0 || cursorMs > reply.run.result.simulatedMs) cursorMs = reply.run.result.simulatedMs;
  const parts: Record<string, number> = {};
  renderParts = parts;
  try {
    renderAll();
  } finally {
    renderParts = undefined;
  }
  const t2a = performance.now();
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  const t2 = performance.now();
  parts.frameWait = t2 - t2a;
  const timing: Timing = {
    workerMs: reply.run.wallMs,
    roundTripMs: t1 - t0,
    renderMs: t2 - t1,
    totalMs: t2 - t0,
    checkMs: reply.costs.checkMs,
    checkReused: reply.costs.reused,
    transferMs,
    parts,
  };
  window.__meshsim = { runs: (window.__meshsim?.runs ?? 0) + 1, timing, text: textOf };
  document.body.dataset.runs = String(window.__meshsim.runs);
  const r = reply.run.result;
  setStatus(
    `Run #${n}: ${r.simulatedMs / 1000} s simulated (${r.events.toLocaleString('en-US')} events) in ${Math.round(timing.workerMs)} ms; drawn in ${Math.round(timing.renderMs)} ms.`,
  );
}

function setBusy(busy: boolean): void {
  document.body.dataset.busy = String(busy);
  byId<HTMLButtonElement>('cancel').disabled = !busy;
  if (!busy) byId<HTMLProgressElement>('progress').value = 0;
}

function setStatus(s: string): void {
  byId('status').textContent = s;
}

// --- drawing
function renderAll(): void {
  const cur = runs.find((r) => r.n === current);
  const base = baseline !== current ? runs.find((r) => r.n === baseline) : undefined;
  part('runs', () =>
    renderRuns(byId('runs'), runs, baseline, (n) => {
      baseline = n;
      renderAll();
    }),
  );
  const charts = byId('charts');
  const tables = byId('tables');
  if (!cur) {
    clear(charts);
    clear(tables);
    graph.clear();
    clear(byId('compare'));
    return;
  }
  const slider = byId<HTMLInputElement>('time');
  slider.max = String(cur.out.result.simulatedMs);
  slider.step = String(cur.out.timeline.intervalMs);
  slider.value = String(cursorMs);
  graph.setRun(cur.out);
  drawTimeDependent(cur, base);
  part('tables', () => {
    const r = cur.out.result;
    const b = base?.out.result;
    // A table whose rows did not change (a rerun of the same model) keeps its DOM.
    syncChildren(
      tables,
      [clientTable(r, b), hopTable(r), subsetTable(r, b), workloadTable(r), clusterTable(r)].map((t) => ({
        signature: signature(t),
        make: () => renderTable(t),
      })),
    );
  });
  part('compare', () =>
    renderCompare(byId('compare'), runs, compareAB[0], compareAB[1], (a, b) => {
      compareAB = [a, b];
      renderAll();
    }),
  );
}

function drawTimeDependent(cur: RunRecord, base: RunRecord | undefined): void {
  byId('time-out').textContent = `${(cursorMs / 1000).toFixed(1)} s`;
  part('graph', () => graph.render(Math.max(0, cursorMs - 1)));
  part('charts', () => drawCharts(cur, base));
}

/** Each run's panel data, computed once: a run is never changed after it arrives, and chartData is pure. */
const chartsByRun = new WeakMap<RunRecord['out'], ChartData[]>();
function chartsOf(out: RunRecord['out']): ChartData[] {
  let d = chartsByRun.get(out);
  if (d === undefined) chartsByRun.set(out, (d = chartData(out)));
  return d;
}

function drawCharts(cur: RunRecord, base: RunRecord | undefined): void {
  const charts = byId('charts');
  const data = chartsOf(cur.out);
  const baseData = base ? chartsOf(base.out) : [];
  const axis = timeAxis(cur.out);
  for (const d of data)
    chartFigure(charts, d.id, (fig) =>
      renderLineChart(fig, {
        data: d,
        baseline: baseData.find((b): b is ChartData => b.id === d.id),
        axis,
        cursorS: cursorMs / 1000,
      }),
    );
  chartFigure(
    charts,
    'ejections',
    (fig) => renderEjectionTimeline(fig, cur.out.result.ejections, axis, cursorMs / 1000),
    true,
  );
}

function chartFigure(parent: HTMLElement, id: string, draw: (fig: HTMLElement) => void, wide = false): void {
  let fig = parent.querySelector<HTMLElement>(`figure[data-id="${id}"]`);
  if (!fig) {
    fig = el('figure', { class: wide ? 'chart wide' : 'chart', 'data-id': id });
    const body = el('div', { class: 'chart-body' });
    const tools = el('div', { class: 'chart-tools' });
    const svgBtn = el('button', { type: 'button', 'aria-label': `Export ${id} chart as SVG` }, 'SVG');
    const pngBtn = el('button', { type: 'button', 'aria-label': `Export ${id} chart as PNG` }, 'PNG');
    // Exports carry the panel's title and legend (export/panel-image.ts), not only the plot.
    svgBtn.addEventListener('click', () => {
      const doc = panelSvgDocument(body);
      if (doc) download(`meshsim-${id}.svg`, new Blob([doc.svg], { type: 'image/svg+xml' }));
    });
    pngBtn.addEventListener('click', () => {
      void panelPng(body).then((b) => b && download(`meshsim-${id}.png`, b));
    });
    tools.append(svgBtn, pngBtn);
    fig.append(body, tools);
    parent.append(fig);
  }
  draw(fig.querySelector<HTMLElement>('.chart-body')!);
}

// --- wiring
function wire(): void {
  const select = byId<HTMLSelectElement>('model-select');
  select.append(el('option', { value: '' }, '(your files)'));
  for (const s of listScenarios(BUNDLED))
    select.append(el('option', { value: s.path }, `${s.name} (${s.path.replace(/^models\//, '')})`));
  select.addEventListener('change', () => openBundled(select.value));
  byId('run').addEventListener('click', () => void run('manual'));
  byId('cancel').addEventListener('click', () => inFlight?.cancel());
  byId('time').addEventListener('input', () => {
    cursorMs = Number(byId<HTMLInputElement>('time').value);
    const cur = runs.find((r) => r.n === current);
    if (cur) drawTimeDependent(cur, baseline !== current ? runs.find((r) => r.n === baseline) : undefined);
  });
  byId('export-json').addEventListener('click', () => {
    const cur = runs.find((r) => r.n === current);
    if (cur)
      download(
        'meshsim-run.json',
        new Blob([JSON.stringify({ result: cur.out.result, timeline: cur.out.timeline }, null, 2)], {
          type: 'application/json',
        }),
      );
  });
  byId('export-csv').addEventListener('click', () => {
    const cur = runs.find((r) => r.n === current);
    if (cur) download('meshsim-run.csv', new Blob([runToCsv(cur.out)], { type: 'text/csv' }));
  });
  byId('share').addEventListener('click', async () => {
    const token = await encodeShare(input());
    history.replaceState(null, '', `#run=${token}`);
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      showBanner(
        `Share link copied (${url.length.toLocaleString('en-US')} characters): it carries the scenario and manifests.`,
        'info',
      );
    } catch {
      showBanner('Share link is in the address bar: it carries the scenario and manifests.', 'info');
    }
  });
  window.addEventListener('hashchange', () => void openFromHash());
  // Files: picker, drop, paste.
  const fileInput = byId<HTMLInputElement>('file-input');
  byId('open-files').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => void readFiles(fileInput.files));
  const overlay = byId('drop-overlay');
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) overlay.hidden = true;
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    overlay.hidden = true;
    void readFiles(e.dataTransfer?.files ?? null);
  });
  const dialog = byId<HTMLDialogElement>('paste-dialog');
  byId('paste-open').addEventListener('click', () => {
    byId<HTMLTextAreaElement>('paste-text').value = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    const text = byId<HTMLTextAreaElement>('paste-text').value;
    if (dialog.returnValue !== 'add' || text.trim() === '') return;
    let n = 1;
    while (ws.files.some((f) => f.path === `pasted-${n}.yaml`)) n++;
    addFiles([{ path: isScenarioText(text) ? `pasted-${n}.scenario.yaml` : `pasted-${n}.yaml`, text }]);
  });
  // Input tabs (Editor / What-if / Studies), arrow keys move between them.
  const tabs = [byId('tab-editor'), byId('tab-whatif'), byId('tab-studies')];
  const show = (i: number) =>
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      byId(t.getAttribute('aria-controls')!).hidden = i !== j;
      if (i === j) t.focus();
    });
  void renderStudies(byId('studies'), byId<HTMLIFrameElement>('study-frame'));
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => show(i));
    t.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') show((i + 1) % tabs.length);
      if (e.key === 'ArrowLeft') show((i + tabs.length - 1) % tabs.length);
    });
  });
}

async function readFiles(list: FileList | null): Promise<void> {
  if (!list || list.length === 0) return;
  const files = [...list].filter((f) => /\.ya?ml$/i.test(f.name) && f.size < 4_000_000);
  if (files.length === 0) {
    showBanner('Only .yaml / .yml files under 4 MB can be opened.');
    return;
  }
  addFiles(await Promise.all(files.map(async (f) => ({ path: f.name, text: await f.text() }))));
}

async function openFromHash(): Promise<boolean> {
  const m = /^#run=(.+)$/.exec(location.hash);
  if (!m) return false;
  const decoded = await decodeShare(m[1]!);
  if (!decoded.ok) {
    showBanner(decoded.message);
    return false;
  }
  const { scenario, manifests, seed } = decoded.input;
  byId<HTMLSelectElement>('model-select').value = '';
  openWorkspace(
    {
      scenario: scenario.file,
      files: [
        { path: scenario.file, text: scenario.text },
        ...manifests.map((f) => ({ path: f.file, text: f.text })),
      ],
    },
    'shared',
    seed,
  );
  return true;
}

wire();
if (!(await openFromHash()))
  openBundled(BUNDLED.has(DEFAULT_MODEL) ? DEFAULT_MODEL : (listScenarios(BUNDLED)[0]?.path ?? ''));
