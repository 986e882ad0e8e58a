import { select, type Selection } from 'd3';
import type { GEdge, GNode, NodeKind } from './graph-model.js';
import { HEALTH_COLOR, HEALTH_WORD, type Health } from './health.js';
import type { Layout } from './layout.js';

export const NODE_R = 14;
/** Label sizes in layout units; the zoom never goes below MIN_SCALE, so on screen they stay ≥ 10 px. */
export const NODE_FONT = 12;
export const EDGE_FONT = 12;
export const MIN_SCALE = 10 / 12;
const LABEL_CHARS = 18;

/** Kiali's legend: service triangle, workload and pod circle, app rounded rectangle, service entry diamond. */
export function shapePath(kind: NodeKind): string {
  const r = NODE_R;
  switch (kind) {
    case 'service':
      return `M0,${-r} L${r * 1.05},${r * 0.8} L${-r * 1.05},${r * 0.8} Z`;
    case 'external':
      return `M0,${-r} L${r},0 L0,${r} L${-r},0 Z`;
    case 'app':
    case 'versionedApp':
    case 'missing': {
      const w = r * 1.2;
      const h = r * 0.9;
      const k = 5;
      return `M${-w + k},${-h} H${w - k} Q${w},${-h} ${w},${-h + k} V${h - k} Q${w},${h} ${w - k},${h} H${-w + k} Q${-w},${h} ${-w},${h - k} V${-h + k} Q${-w},${-h} ${-w + k},${-h} Z`;
    }
    default:
      return `M${r},0 A${r},${r} 0 1,1 ${-r},0 A${r},${r} 0 1,1 ${r},0 Z`;
  }
}

/** Shortens a label in the middle, so pods of one workload (same prefix) stay tellable apart. */
export function truncate(s: string, n = LABEL_CHARS): string {
  if (s.length <= n) return s;
  const tail = Math.floor((n - 1) / 2);
  return `${s.slice(0, n - 1 - tail)}…${s.slice(s.length - tail)}`;
}

/** The edge's curve: a horizontal S from the source's right to the target's left; a loop back arcs above. */
export function edgePoints(
  l: Layout,
  e: GEdge,
): [number, number, number, number, number, number, number, number] {
  const s = l.nodes.get(e.source)!;
  const t = l.nodes.get(e.target)!;
  if (t.x > s.x) {
    const x1 = s.x + NODE_R;
    const x2 = t.x - NODE_R - 4;
    const m = (x1 + x2) / 2;
    return [x1, s.y, m, s.y, m, t.y, x2, t.y];
  }
  const lift = 40 + Math.abs(s.x - t.x) / 4;
  return [s.x, s.y - NODE_R, s.x, s.y - lift, t.x, t.y - lift, t.x, t.y - NODE_R - 4];
}

export function bezier(p: readonly number[], t: number): [number, number] {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return [a * p[0]! + b * p[2]! + c * p[4]! + d * p[6]!, a * p[1]! + b * p[3]! + c * p[5]! + d * p[7]!];
}

export function defineMarkers(svg: Selection<SVGSVGElement, null, null, undefined>): void {
  const defs = svg.selectAll('defs').data([null]).join('defs');
  defs
    .selectAll('marker')
    .data(Object.keys(HEALTH_COLOR) as Health[])
    .join('marker')
    .attr('id', (h) => `arrow-${h}`)
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 8)
    .attr('refY', 5)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('markerUnits', 'userSpaceOnUse')
    .attr('orient', 'auto')
    .selectAll('path')
    .data((h) => [h])
    .join('path')
    .attr('d', 'M0,0 L10,5 L0,10 Z')
    .attr('fill', (h) => HEALTH_COLOR[h]);
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Places edge labels where they collide with no node label and no other edge label: along the curve at
 * t = .5, .35, .65, .25, .75; a label with no free place is hidden (its figures stay in the edge's title).
 */
export function placeEdgeLabels(
  viewport: Selection<SVGGElement, null, null, undefined>,
  l: Layout,
  edges: readonly GEdge[],
  texts: ReadonlyMap<string, string>,
): void {
  const taken: Rect[] = [];
  viewport.selectAll<SVGTextElement, GNode>('g.node text').each(function () {
    const b = this.getBBox();
    const p = (this.parentNode as SVGGElement).transform.baseVal.consolidate()?.matrix;
    taken.push({ x: b.x + (p?.e ?? 0), y: b.y + (p?.f ?? 0), w: b.width, h: b.height });
  });
  for (const n of l.nodes.values())
    taken.push({ x: n.x - NODE_R, y: n.y - NODE_R, w: 2 * NODE_R, h: 2 * NODE_R });
  viewport
    .selectAll<SVGGElement, GEdge>('g.edge-label')
    .data(
      edges.filter((e) => (texts.get(e.id) ?? '') !== ''),
      (e) => e.id,
    )
    .join((enter) => {
      const g = enter.append('g').attr('class', 'edge-label');
      g.append('rect').attr('rx', 3);
      g.append('text').attr('font-size', EDGE_FONT).attr('text-anchor', 'middle').attr('dy', '0.35em');
      return g;
    })
    .attr('data-edge', (e) => e.id)
    .each(function (e) {
      const g = select(this);
      const text = g.select<SVGTextElement>('text').text(texts.get(e.id)!);
      const p = edgePoints(l, e);
      const w = text.node()!.getComputedTextLength() + 6;
      const h = EDGE_FONT + 4;
      for (const t of [0.5, 0.35, 0.65, 0.25, 0.75]) {
        const [x, y] = bezier(p, t);
        const r = { x: x - w / 2, y: y - h / 2, w, h };
        if (!taken.some((o) => overlaps(o, r))) {
          taken.push(r);
          g.attr('display', null).attr('data-hidden', null);
          text.attr('x', x).attr('y', y);
          g.select('rect').attr('x', r.x).attr('y', r.y).attr('width', w).attr('height', h);
          return;
        }
      }
      g.attr('display', 'none').attr('data-hidden', 'true');
    });
}

export function healthTitle(h: Health): string {
  return HEALTH_WORD[h];
}
