import { type Selection, select, zoom, type ZoomBehavior, zoomIdentity } from 'd3';
import type { EjectionResult } from '../../../src/index.js';
import { el } from '../ui/dom.js';
import { drawUnlessSame, forgetDrawn, signature } from '../ui/redraw.js';
import { SidePanel } from '../ui/side-panel.js';
import { graphBinning } from '../worker/graph-data.js';
import type { RunOutput } from '../worker/protocol.js';
import { EDGE_LABELS, type EdgeLabelMode, edgeDetails, edgeLabel, nodeDetails } from './graph-details.js';
import { buildGraph, GRAPH_VIEWS, type GraphModel, type GraphView } from './graph-model.js';
import {
  defineMarkers,
  edgePoints,
  MIN_SCALE,
  NODE_FONT,
  NODE_R,
  placeEdgeLabels,
  shapePath,
  truncate,
} from './graph-render.js';
import { HEALTH_COLOR, HEALTH_WORD } from './health.js';
import { type Layout, layoutGraph } from './layout.js';

/** Graph bins summed for the figures at the cursor (3 bins: 3 s at the default 1 s series interval). */
const WINDOW = 3;
const MAX_H = 560;

const POD_FILL: Record<string, string> = {
  R: '#ffffff',
  S: '#fff9c4',
  U: '#eeeeee',
  C: '#ef9a9a',
  G: '#9e9e9e',
};
const POD_WORD: Record<string, string> = {
  R: 'running',
  S: 'starting',
  U: 'out of endpoints',
  C: 'crashed',
  G: 'gone',
};

/** Client sidecars that have `pod` ejected at simulated time `tMs`. */
export function ejectedBy(
  ejections: readonly EjectionResult[],
  pod: string,
  tMs: number,
  endMs: number,
): number {
  let n = 0;
  for (const e of ejections)
    if (
      e.pod === pod &&
      e.timeMs <= tMs &&
      tMs < (e.durationMs === null ? endMs + 1 : e.timeMs + e.durationMs)
    )
      n++;
  return n;
}

type Selected = { type: 'node' | 'edge'; id: string } | undefined;

/** What a node shows at the cursor besides the model: pods crashed and ejected, its fill, a pod's state. */
interface NodeFigures {
  crashed: number;
  ejected: number;
  fill: string;
  /** The pod's state in words (pod nodes), '' otherwise. */
  pod: string;
}

/**
 * The mesh graph as a Kiali user reads it: a graph type, pods collapsed or expanded, edge labels, health
 * colours, namespace boxes, zoom and pan (d3-zoom) with fit-to-view, and a side panel for the selection,
 * all for the window of graph bins ending at the time cursor.
 */
export class MeshGraph {
  private run: RunOutput | undefined;
  private view: GraphView = 'versionedApp';
  private labels: EdgeLabelMode = 'none';
  private expand = false;
  private selected: Selected;
  private layout: Layout | undefined;
  private layoutKey = '';
  /** Counts layouts: a new layout (and its fit) is part of what the graph was drawn from. */
  private layouts = 0;
  private model: GraphModel | undefined;
  private tMs = 0;
  private readonly svg: Selection<SVGSVGElement, null, null, undefined>;
  private readonly viewport: Selection<SVGGElement, null, null, undefined>;
  private readonly zoomer: ZoomBehavior<SVGSVGElement, null>;
  private readonly panel: SidePanel;

  constructor(host: HTMLElement) {
    const bar = el('div', { class: 'graph-controls', role: 'toolbar', 'aria-label': 'Graph display' });
    const viewSel = el('select', { 'aria-label': 'Graph type', title: 'Graph type (as Kiali\u2019s)' });
    for (const v of GRAPH_VIEWS) viewSel.append(el('option', { value: v.value }, v.label));
    viewSel.value = this.view;
    viewSel.addEventListener('change', () => {
      this.view = viewSel.value as GraphView;
      this.selectNone();
      this.draw();
    });
    const labelSel = el('select', { 'aria-label': 'Edge labels', title: 'Edge labels' });
    for (const v of EDGE_LABELS) labelSel.append(el('option', { value: v.value }, v.label));
    labelSel.addEventListener('change', () => {
      this.labels = labelSel.value as EdgeLabelMode;
      this.draw();
    });
    const expand = el('input', { type: 'checkbox', id: 'graph-expand' });
    expand.addEventListener('change', () => {
      this.expand = expand.checked;
      this.selectNone();
      this.draw();
    });
    const expandLabel = el('label', {
      class: 'check',
      title: 'Draw every pod instead of its workload / version',
    });
    expandLabel.append(expand, document.createTextNode(' Expand pods'));
    const fit = el('button', { type: 'button', title: 'Fit the graph to the view' }, 'Fit');
    fit.addEventListener('click', () => this.fit());
    const legend = el('span', {
      class: 'graph-legend',
      title: 'Kiali default health: 5xx > 0 % degraded, > 10 % failure; 4xx > 10 % degraded, > 20 % failure',
    });
    for (const h of ['healthy', 'degraded', 'failure', 'idle'] as const) {
      const s = el('span', { class: 'graph-legend-item' }, HEALTH_WORD[h]);
      s.style.borderColor = HEALTH_COLOR[h];
      legend.append(s);
    }
    bar.append(viewSel, labelSel, expandLabel, fit, legend);
    const body = el('div', { class: 'graph-body' });
    host.append(bar, body);
    const svg = select(body).append('svg').datum(null);
    this.svg = svg as unknown as Selection<SVGSVGElement, null, null, undefined>;
    this.svg
      .attr('xmlns', 'http://www.w3.org/2000/svg')
      .attr('class', 'mesh-graph')
      .attr('role', 'group')
      .attr('aria-label', 'Mesh graph: drag to pan, wheel to zoom; Tab to a node or edge, Enter for details');
    defineMarkers(this.svg);
    this.viewport = this.svg.append('g').attr('class', 'viewport') as unknown as Selection<
      SVGGElement,
      null,
      null,
      undefined
    >;
    this.zoomer = zoom<SVGSVGElement, null>()
      .scaleExtent([MIN_SCALE, 4])
      .on('zoom', (ev) => {
        this.viewport.attr('transform', ev.transform.toString());
        this.svg.attr('data-scale', ev.transform.k.toFixed(3));
      });
    this.svg.call(this.zoomer).on('dblclick.zoom', null);
    this.panel = new SidePanel(body, () => {
      this.selected = undefined;
      this.paintSelection();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.panel.open) this.panel.close();
    });
  }

  /** A new model was opened: forget the selection and the zoom (the cursor is main's). */
  reset(): void {
    this.selectNone();
    this.layoutKey = '';
  }

  /** No run to show (a model with errors, or none yet). */
  clear(): void {
    this.run = undefined;
    this.model = undefined;
    this.layoutKey = '';
    this.viewport.selectAll('*').remove();
    forgetDrawn(this.viewport.node()!);
    this.selectNone();
  }

  setRun(run: RunOutput): void {
    this.run = run;
  }

  render(tMs: number): void {
    this.tMs = tMs;
    this.draw();
  }

  private window(): { lo: number; hi: number; spanS: number; fromMs: number; toMs: number } {
    const tl = this.run!.timeline;
    const b = graphBinning(tl.intervalMs, tl.intervals);
    const hi = Math.min(b.bins - 1, Math.max(0, Math.floor(this.tMs / b.binMs)));
    const lo = Math.max(0, hi - WINDOW + 1);
    const toMs = Math.min(this.run!.result.simulatedMs, (hi + 1) * b.binMs);
    return { lo, hi, spanS: Math.max(1e-9, (toMs - lo * b.binMs) / 1000), fromMs: lo * b.binMs, toMs };
  }

  private draw(): void {
    const run = this.run;
    if (!run) return;
    const w = this.window();
    const model = buildGraph(run.timeline.edges, this.view, this.expand, w.lo, w.hi);
    this.model = model;
    // The same nodes and edges (a what-if re-run) keep their places and the zoom.
    const key = `${this.view}|${this.expand}|${model.nodes.map((n) => n.id).join(' ')}|${model.edges.map((e) => e.id).join(' ')}`;
    const relayout = key !== this.layoutKey;
    if (relayout) {
      this.layout = layoutGraph(model);
      this.layoutKey = key;
      this.layouts++;
    }
    const l = this.layout!;
    const figures = this.nodeFigures(model, run);
    // The same picture (a rerun of the same model, the cursor within the same bins and pod states) keeps
    // its DOM: no attribute rewritten, no label measured again.
    drawUnlessSame(
      this.viewport.node()!,
      signature([this.layouts, this.view, this.expand, this.labels, w.spanS, model, figures]),
      () => {
        this.drawBoxes(l);
        this.drawEdges(model, l, w.spanS);
        this.drawNodes(model, l, figures);
        const texts = new Map(model.edges.map((e) => [e.id, edgeLabel(e, this.labels, w.spanS)]));
        placeEdgeLabels(this.viewport, l, model.edges, texts);
        if (relayout) this.fit();
      },
    );
    this.paintSelection();
  }

  /** Per node, in model order: its pods' states at the cursor's interval and ejections at the cursor. */
  private nodeFigures(model: GraphModel, run: RunOutput): NodeFigures[] {
    const states = new Map(run.timeline.pods.map((p) => [p.name, p.states]));
    const interval = Math.min(
      run.timeline.intervals - 1,
      Math.max(0, Math.floor(this.tMs / run.timeline.intervalMs)),
    );
    return model.nodes.map((n) => {
      let crashed = 0;
      let ejected = 0;
      let fill = n.kind === 'missing' ? '#fdecea' : '#ffffff';
      for (const p of n.pods) {
        const code = states.get(p)?.[interval] ?? 'R';
        if (code === 'C') crashed++;
        if (ejectedBy(run.result.ejections, p, this.tMs, run.result.simulatedMs) > 0) ejected++;
        if (n.kind === 'pod') fill = POD_FILL[code] ?? fill;
      }
      const pod = n.kind === 'pod' ? POD_WORD[states.get(n.label)?.[interval] ?? 'R']! : '';
      return { crashed, ejected, fill, pod };
    });
  }

  /** Fits the whole graph, never below MIN_SCALE (labels stay ≥ 10 px; beyond that, pan). */
  fit(): void {
    const l = this.layout;
    if (!l) return;
    const node = this.svg.node()!;
    const width = node.clientWidth || 800;
    const k0 = Math.min(1.25, width / l.width);
    const height = Math.round(Math.min(MAX_H, Math.max(200, l.height * Math.max(k0, MIN_SCALE))));
    this.svg.attr('height', height);
    const k = Math.max(MIN_SCALE, Math.min(1.25, width / l.width, height / l.height));
    const tx = Math.max(0, (width - l.width * k) / 2);
    const ty = Math.max(0, (height - l.height * k) / 2);
    this.svg.call(this.zoomer.transform, zoomIdentity.translate(tx, ty).scale(k));
  }

  private drawBoxes(l: Layout): void {
    const g = this.viewport
      .selectAll<SVGGElement, (typeof l.boxes)[number]>('g.ns-box')
      .data(l.boxes, (b) => b.namespace)
      .join((enter) => {
        const e = enter.insert('g', ':first-child').attr('class', 'ns-box');
        e.append('rect');
        e.append('text');
        return e;
      })
      .attr('data-namespace', (b) => b.namespace);
    g.select('rect')
      .attr('x', (b) => b.x + 4)
      .attr('y', (b) => b.y)
      .attr('width', (b) => b.width - 8)
      .attr('height', (b) => b.height)
      .attr('rx', 6);
    g.select('text')
      .attr('class', 'ns-title')
      .attr('x', (b) => b.x + 12)
      .attr('y', (b) => b.y + 15)
      .attr('font-size', NODE_FONT)
      .text((b) => `namespace ${b.namespace}`);
  }

  private drawEdges(model: GraphModel, l: Layout, spanS: number): void {
    let max = 1e-9;
    for (const e of model.edges) max = Math.max(max, e.stats.requests);
    const g = this.viewport
      .selectAll<SVGGElement, (typeof model.edges)[number]>('g.edge')
      .data(model.edges, (e) => e.id)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'edge').attr('tabindex', 0).attr('role', 'button');
        e.append('path').attr('class', 'hit');
        e.append('path').attr('class', 'line');
        e.append('title');
        e.on('click', (_, d) => this.select({ type: 'edge', id: d.id }));
        e.on('keydown', (ev: KeyboardEvent, d) => {
          if (ev.key === 'Enter' || ev.key === ' ') this.select({ type: 'edge', id: d.id });
        });
        return e;
      });
    const d = (e: (typeof model.edges)[number]) => {
      const p = edgePoints(l, e);
      return `M${p[0]},${p[1]} C${p[2]},${p[3]} ${p[4]},${p[5]} ${p[6]},${p[7]}`;
    };
    g.attr('data-source', (e) => e.source)
      .attr('data-target', (e) => e.target)
      .attr('data-health', (e) => e.health)
      .attr('data-requests', (e) => String(e.stats.requests))
      .attr('aria-label', (e) => `Edge ${e.source} to ${e.target}`);
    g.select('path.hit').attr('d', d);
    g.select('path.line')
      .attr('d', d)
      .attr('stroke', (e) => HEALTH_COLOR[e.health])
      .attr('stroke-width', (e) => (e.stats.requests === 0 ? 1 : 1.5 + 5 * Math.sqrt(e.stats.requests / max)))
      .attr('stroke-dasharray', (e) => (e.stats.requests === 0 ? '4 3' : null))
      .attr('marker-end', (e) => `url(#arrow-${e.health})`);
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    g.select('title').text((e) => {
      const from = byId.get(e.source)!.title;
      const to = byId.get(e.target)!.title;
      return `${from} → ${to}: ${edgeLabel(e, 'rps', spanS) || '0 rps'}, ${edgeLabel(e, 'percent', spanS) || '0%'} of source, p95 ${edgeLabel(e, 'p95', spanS) || '–'} (${HEALTH_WORD[e.health]})`;
    });
  }

  private drawNodes(model: GraphModel, l: Layout, figures: readonly NodeFigures[]): void {
    const g = this.viewport
      .selectAll<SVGGElement, (typeof model.nodes)[number]>('g.node')
      .data(model.nodes, (n) => n.id)
      .join((enter) => {
        const e = enter.append('g').attr('tabindex', 0).attr('role', 'button');
        e.append('path').attr('class', 'shape');
        e.append('text').attr('class', 'name');
        e.append('text').attr('class', 'badge');
        e.append('title');
        e.on('click', (_, d) => this.select({ type: 'node', id: d.id }));
        e.on('keydown', (ev: KeyboardEvent, d) => {
          if (ev.key === 'Enter' || ev.key === ' ') this.select({ type: 'node', id: d.id });
        });
        return e;
      })
      .attr('class', (n) => `node ${n.kind}`)
      .attr('transform', (n) => `translate(${l.nodes.get(n.id)!.x},${l.nodes.get(n.id)!.y})`);
    g.each((n, i, all) => {
      const s = select(all[i]!);
      const { crashed, ejected, fill, pod } = figures[i]!;
      const badge = [crashed > 0 ? `${crashed} crashed` : '', ejected > 0 ? `${ejected} ejected` : '']
        .filter(Boolean)
        .join(', ');
      s.attr('data-health', n.health)
        .attr('data-ejected', String(ejected))
        .attr('data-crashed', String(crashed));
      s.attr('aria-label', `${n.kind} ${n.title}, ${HEALTH_WORD[n.health]}`);
      s.select('path.shape')
        .attr('d', shapePath(n.kind))
        .attr('fill', fill)
        .attr('stroke', ejected > 0 ? '#ef6c00' : HEALTH_COLOR[n.health])
        .attr('stroke-width', ejected > 0 ? 4 : 2.5)
        .attr('stroke-dasharray', n.kind === 'missing' || n.kind === 'unknown' ? '4 2' : null);
      s.select('text.name')
        .attr('y', NODE_R + 14)
        .attr('text-anchor', 'middle')
        .attr('font-size', NODE_FONT)
        .text(truncate(n.label));
      // The second line: version (or a missing subset's answer), then crashed / ejected pods.
      s.select('text.badge')
        .attr('y', NODE_R + 27)
        .attr('text-anchor', 'middle')
        .attr('font-size', NODE_FONT)
        .attr('class', badge ? 'badge alert' : 'badge')
        .text(truncate([n.sub, badge].filter(Boolean).join(' · ')));
      s.select('title').text(
        `${n.title}${pod ? ` (${pod})` : ''}: ${HEALTH_WORD[n.health]}${badge ? `; ${badge}` : ''}`,
      );
    });
  }

  private select(s: Selected): void {
    this.selected = s;
    this.paintSelection();
  }

  private selectNone(): void {
    this.selected = undefined;
    this.panel.close();
  }

  private paintSelection(): void {
    const s = this.selected;
    this.viewport
      .selectAll<SVGGElement, { id: string }>('g.node')
      .classed('selected', (n) => s?.type === 'node' && n.id === s.id);
    this.viewport
      .selectAll<SVGGElement, { id: string }>('g.edge')
      .classed('selected', (e) => s?.type === 'edge' && e.id === s.id);
    const m = this.model;
    if (!s || !m || !this.run) return;
    const w = { ...this.window(), ejections: this.run.result.ejections };
    const at = `${(w.fromMs / 1000).toFixed(1)}–${(w.toMs / 1000).toFixed(1)} s simulated`;
    if (s.type === 'node') {
      const n = m.nodes.find((x) => x.id === s.id);
      if (n) this.panel.show(n.title, `${n.kind} · ${at}`, nodeDetails(n, w));
      else this.panel.close();
      return;
    }
    const e = m.edges.find((x) => x.id === s.id);
    const from = e && m.nodes.find((x) => x.id === e.source);
    const to = e && m.nodes.find((x) => x.id === e.target);
    if (e && from && to)
      this.panel.show(`${from.label} → ${to.label}`, `edge · ${at}`, edgeDetails(e, from, to, w));
    else this.panel.close();
  }
}
