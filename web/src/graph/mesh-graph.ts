import { linkHorizontal, scaleSqrt, select } from 'd3';
import type { EjectionResult } from '../../../src/index.js';
import { errorColor } from '../charts/scales.js';
import type { RunOutput } from '../worker/protocol.js';
import { edgeWindow, type GraphLayout, type GraphLink, type GraphNode, layoutGraph } from './layout.js';

const WIDTH = 860;
const WINDOW = 3;

const POD_FILL: Record<string, string> = {
  R: '#e3f2fd',
  S: '#fff9c4',
  U: '#eeeeee',
  C: '#c62828',
  G: '#9e9e9e',
};
const POD_WORD: Record<string, string> = {
  R: 'running',
  S: 'starting',
  U: 'out of endpoints',
  C: 'crashed',
  G: 'gone',
};

/** Sidecars that have `pod` ejected at simulated time `tMs`. */
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

/**
 * The mesh at simulated time t: links sized by request rate and coloured by error rate over the last few
 * intervals; pods filled by state (crashed, starting, gone) and ringed when some client ejected them.
 */
export class MeshGraph {
  private layout: GraphLayout | undefined;
  private run: RunOutput | undefined;

  constructor(private readonly host: HTMLElement) {}

  setRun(run: RunOutput): void {
    this.run = run;
    this.layout = layoutGraph(run.timeline.edges, run.timeline.pods, WIDTH);
  }

  render(tMs: number): void {
    const run = this.run;
    const layout = this.layout;
    if (!run || !layout) return;
    const tl = run.timeline;
    const i = Math.min(tl.intervals - 1, Math.max(0, Math.floor(tMs / tl.intervalMs)));
    const spanS = (Math.min(WINDOW, i + 1) * tl.intervalMs) / 1000;
    let max = 1;
    for (const l of layout.links) for (const v of l.edge.requests) if (v > max) max = v;
    const width = scaleSqrt()
      .domain([0, max / (tl.intervalMs / 1000)])
      .range([0.5, 14]);
    const svg = select(this.host)
      .selectAll<SVGSVGElement, null>('svg')
      .data([null])
      .join('svg')
      .attr('xmlns', 'http://www.w3.org/2000/svg')
      .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
      .attr('role', 'img')
      .attr('aria-label', 'Mesh graph: clients, services, subsets and pods');
    const path = linkHorizontal<GraphLink, GraphNode>()
      .source((l) => l.source)
      .target((l) => l.target)
      .x((n) => n.x)
      .y((n) => n.y);
    const links = svg
      .selectAll<SVGPathElement, GraphLink>('path.link')
      .data(layout.links, (l) => l.id)
      .join('path')
      .attr('class', 'link')
      .attr('fill', 'none')
      .attr('d', (l) => path(l))
      .each(function (l) {
        const w = edgeWindow(l.edge, i, WINDOW);
        const rate = w.requests / spanS;
        const err = w.requests === 0 ? 0 : w.errors / w.requests;
        select(this)
          .attr('stroke-width', width(rate))
          .attr('stroke', w.requests === 0 ? '#cfd8dc' : errorColor(err))
          .attr('data-rate', rate.toFixed(1))
          .attr('data-error-rate', err.toFixed(4));
      });
    links
      .selectAll('title')
      .data((l) => [l])
      .join('title')
      .text((l) => {
        const w = edgeWindow(l.edge, i, WINDOW);
        const err = w.requests === 0 ? 0 : (100 * w.errors) / w.requests;
        return `${l.source.label} → ${l.target.label}: ${(w.requests / spanS).toFixed(1)} req/s, ${err.toFixed(2)} % errors`;
      });
    const pods = new Map(tl.pods.map((p) => [p.name, p]));
    const nodes = svg
      .selectAll<SVGGElement, GraphNode>('g.node')
      .data(layout.nodes, (n) => n.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', (n) => `node ${n.kind}`);
        g.append('circle');
        g.append('text').attr('class', 'name');
        g.append('text').attr('class', 'badge');
        g.append('title');
        return g;
      })
      .attr('transform', (n) => `translate(${n.x},${n.y})`);
    nodes.each(function (n) {
      const g = select(this);
      let fill =
        n.kind === 'client'
          ? '#b3e5fc'
          : n.kind === 'svc'
            ? '#d1c4e9'
            : n.kind === 'subset'
              ? '#c8e6c9'
              : '#e3f2fd';
      let ring = '#455a64';
      let badge = '';
      let state = '';
      if (n.kind === 'pod') {
        const code = pods.get(n.label)?.states[i] ?? 'R';
        fill = POD_FILL[code] ?? fill;
        state = POD_WORD[code] ?? '';
        const ej = ejectedBy(run.result.ejections, n.label, tMs, run.result.simulatedMs);
        if (ej > 0) {
          ring = '#ef6c00';
          badge = `ejected by ${ej}`;
        } else if (code !== 'R') badge = state;
        g.attr('data-state', code).attr('data-ejected', String(ej));
      }
      g.select('circle')
        .attr('r', n.kind === 'pod' ? 6 : 8)
        .attr('fill', fill)
        .attr('stroke', ring)
        .attr('stroke-width', ring === '#ef6c00' ? 3 : 1);
      g.select('text.name')
        .attr('x', n.kind === 'pod' ? 9 : -11)
        .attr('y', n.kind === 'pod' ? 0 : -10)
        .attr('dy', '0.35em')
        .attr('text-anchor', n.kind === 'pod' ? 'start' : 'middle')
        .text(n.label);
      g.select('text.badge')
        .attr('x', 9)
        .attr('y', 11)
        .attr('font-size', 9)
        .attr('fill', badge.startsWith('ejected') || state === 'crashed' ? '#b71c1c' : '#555')
        .text(badge);
      g.select('title').text(`${n.kind} ${n.id.slice(n.id.indexOf(':') + 1)}${state ? ` (${state})` : ''}`);
    });
  }
}
