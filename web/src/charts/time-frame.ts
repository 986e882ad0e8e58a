import { axisBottom, type ScaleLinear, type Selection, select } from 'd3';
import { drawUnlessSame, remember } from '../ui/redraw.js';
import type { TimeAxis, TimeMarker } from './series.js';

type Svg = Selection<SVGSVGElement, null, HTMLElement, unknown>;

/**
 * What every panel draws the same way over simulated time: the shared x axis (the whole run), the
 * warm-up shaded and labelled (nothing is measured there, so no series has a point inside it), the drain
 * after the load stops shaded too, the run's timeline events as markers, and the cursor at the time
 * slider's position.
 */
export function drawTimeFrame(
  svg: Svg,
  x: ScaleLinear<number, number>,
  axis: TimeAxis,
  top: number,
  bottom: number,
  cursorS: number,
): void {
  svg
    .selectAll<SVGGElement, null>('g.x')
    .data([null])
    .join('g')
    .attr('class', 'x axis')
    .attr('transform', `translate(0,${bottom})`)
    .call(
      axisBottom(x)
        .ticks(6)
        .tickFormat((d) => `${d} s`),
    );
  const [d0, d1] = x.domain() as [number, number];
  // Bands: the warm-up (nothing measured) and the drain after the load stops (requests in flight finish).
  const bands = [
    ...(axis.warmupS > 0 ? [{ cls: 'warmup', from: d0, to: axis.warmupS, label: 'warm-up' }] : []),
    ...(axis.loadEndS < d1 ? [{ cls: 'drain', from: axis.loadEndS, to: d1, label: 'drain' }] : []),
  ];
  svg
    .selectAll<SVGRectElement, (typeof bands)[number]>('rect.band')
    .data(bands, (d) => d.cls)
    .join('rect')
    .attr('class', (d) => `band ${d.cls}`)
    .attr('x', (d) => x(d.from))
    .attr('width', (d) => Math.max(0, x(d.to) - x(d.from)))
    .attr('y', top)
    .attr('height', bottom - top)
    .attr('fill', '#eceff1');
  // The warm-up is always labelled; the drain only where its band can hold the word (100 ms is a sliver).
  svg
    .selectAll<SVGTextElement, (typeof bands)[number]>('text.band')
    .data(
      bands.filter((b) => b.cls === 'warmup' || x(b.to) - x(b.from) >= 30),
      (d) => d.cls,
    )
    .join('text')
    .attr('class', (d) => `band ${d.cls}`)
    .attr('x', (d) => (x(d.from) + x(d.to)) / 2)
    .attr('y', top + 10)
    .attr('text-anchor', 'middle')
    .attr('font-size', 9)
    .attr('fill', '#607d8b')
    .text((d) => d.label);
  drawMarkers(svg, x, axis, top, bottom);
  // The bands sit under every line and bar.
  svg.selectAll('text.band').lower();
  svg.selectAll('rect.band').lower();
  drawCursor(svg, x, top, bottom, cursorS);
}

/**
 * Draws a panel over simulated time only when what it shows changed: `signature` stands for everything
 * but the cursor (data, baseline, axis). The same panel with another cursor only moves the cursor line
 * (`moveCursor`, which calls drawCursor): dragging the time slider no longer rebuilds every panel.
 */
export function redrawPanel(
  figure: HTMLElement,
  signature: string,
  cursorS: number,
  draw: () => void,
  moveCursor: (svg: Svg) => void,
): void {
  const drew = drawUnlessSame(figure, signature, draw);
  const plot = figure.querySelector<SVGSVGElement>('svg.plot');
  if (plot === null) return;
  const at = String(cursorS);
  if (drew) remember(plot, at);
  else drawUnlessSame(plot, at, () => moveCursor(select(plot) as unknown as Svg));
}

/** The cursor at the time slider's position (clamped to the axis). */
export function drawCursor(
  svg: Svg,
  x: ScaleLinear<number, number>,
  top: number,
  bottom: number,
  cursorS: number,
): void {
  const [d0, d1] = x.domain() as [number, number];
  svg
    .selectAll('line.cursor')
    .data([Math.max(d0, Math.min(cursorS, d1))])
    .join('line')
    .attr('class', 'cursor')
    .attr('data-s', (d) => String(d))
    .attr('x1', (d) => x(d))
    .attr('x2', (d) => x(d))
    .attr('y1', top)
    .attr('y2', bottom)
    .attr('stroke', '#555')
    .attr('stroke-width', 1);
}

/** Marker colours by event kind: chaos red, its revert grey, rescales blue, rollout decisions purple. */
export const MARKER_COLOR: Record<TimeMarker['kind'], string> = {
  chaos: '#c62828',
  'chaos-revert': '#78909c',
  rescale: '#1565c0',
  rollout: '#6a1b9a',
};

/**
 * The timeline events (chaos, HPA rescales, rollout decisions) as thin dashed verticals with a small
 * triangle on top, each with its event as a tooltip, under the lines so they never hide data. Several
 * events in one pixel column draw as one marker whose tooltip lists them all.
 */
function drawMarkers(
  svg: Svg,
  x: ScaleLinear<number, number>,
  axis: TimeAxis,
  top: number,
  bottom: number,
): void {
  const byPx = new Map<number, { px: number; s: number; kind: TimeMarker['kind']; titles: string[] }>();
  for (const m of axis.markers) {
    const px = Math.round(x(m.s));
    const g = byPx.get(px);
    if (g === undefined) byPx.set(px, { px, s: m.s, kind: m.kind, titles: [m.title] });
    else g.titles.push(m.title);
  }
  const groups = [...byPx.values()];
  const g = svg
    .selectAll<SVGGElement, (typeof groups)[number]>('g.marker')
    .data(groups, (d) => String(d.px))
    .join((enter) => {
      const e = enter.append('g');
      e.append('line');
      e.append('path');
      e.append('title');
      return e;
    })
    .attr('class', (d) => `marker ${d.kind}`)
    .attr('data-s', (d) => String(d.s))
    .attr('data-count', (d) => String(d.titles.length));
  g.select('line')
    .attr('x1', (d) => d.px)
    .attr('x2', (d) => d.px)
    .attr('y1', top)
    .attr('y2', bottom)
    .attr('stroke', (d) => MARKER_COLOR[d.kind])
    .attr('stroke-width', 1)
    .attr('stroke-dasharray', '2 2')
    .attr('opacity', 0.7);
  g.select('path')
    .attr('d', (d) => `M${d.px - 3},${top - 5}L${d.px + 3},${top - 5}L${d.px},${top}Z`)
    .attr('fill', (d) => MARKER_COLOR[d.kind]);
  g.select('title').text((d) => d.titles.join('\n'));
  // Under the lines, in time order: the last marker is lowered first.
  for (const n of g.nodes().reverse()) n.parentNode?.insertBefore(n, n.parentNode.firstChild);
}
