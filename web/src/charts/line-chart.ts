import {
  axisLeft,
  curveLinear,
  curveStepAfter,
  line as d3line,
  scaleLinear,
  select,
  type Selection,
} from 'd3';
import { signature } from '../ui/redraw.js';
import { type LegendEntry, renderLegend } from './legend.js';
import { PALETTE, yDomain } from './scales.js';
import type { ChartData, Line, TimeAxis } from './series.js';
import { drawCursor, drawTimeFrame, redrawPanel } from './time-frame.js';
import { formatTick, unitTitle } from './units.js';

const W = 420;
const H = 190;
const M = { top: 18, right: 10, bottom: 24, left: 58 };

export interface ChartView {
  data: ChartData;
  /** Baseline run's data for the same chart, drawn dashed underneath. */
  baseline?: ChartData | undefined;
  /** The run's shared x axis and warm-up (the same for every panel). */
  axis: TimeAxis;
  /** Simulated time of the cursor, seconds. */
  cursorS: number;
}

/**
 * A line chart over simulated time (d3 data joins keyed by line key): the run solid, the baseline
 * dashed in the same colour, the warm-up shaded, a cursor at the slider's time; y ticks carry the unit.
 * Sized by viewBox so it fits any column. Drawn again only when its data, baseline or axis changed
 * (redrawPanel); a new cursor alone moves the cursor line.
 */
export function renderLineChart(figure: HTMLElement, v: ChartView): void {
  redrawPanel(
    figure,
    signature([v.data, v.baseline ?? null, v.axis]),
    v.cursorS,
    () => draw(figure, v),
    (svg) => drawCursor(svg, xScale(v.axis), M.top, H - M.bottom, v.cursorS),
  );
}

function xScale(axis: TimeAxis) {
  return scaleLinear()
    .domain(axis.domain)
    .range([M.left, W - M.right]);
}

function draw(figure: HTMLElement, v: ChartView): void {
  const root = select(figure);
  root.attr('data-chart', v.data.id).attr('data-unit', v.data.unit);
  root
    .selectAll('h3')
    .data([v.data.title])
    .join('h3')
    .text((d) => d);
  const svg = root
    .selectAll<SVGSVGElement, null>('svg.plot')
    .data([null])
    .join('svg')
    .attr('class', 'plot')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', v.data.title);
  const all = [...v.data.lines, ...(v.baseline?.lines ?? [])];
  const yd = yDomain(all, v.data.unit);
  const x = xScale(v.axis);
  const y = scaleLinear()
    .domain(yd)
    .range([H - M.bottom, M.top]);
  svg.attr('data-x-domain', v.axis.domain.join(',')).attr('data-y-domain', yd.join(','));
  const color = colorFor(v.data.lines, v.baseline?.lines ?? []);
  drawTimeFrame(svg, x, v.axis, M.top, H - M.bottom, v.cursorS);
  svg
    .selectAll<SVGGElement, null>('g.y')
    .data([null])
    .join('g')
    .attr('class', 'y axis')
    .attr('transform', `translate(${M.left},0)`)
    .call(
      axisLeft(y)
        .ticks(5)
        .tickFormat((d) => formatTick(v.data.unit, Number(d))),
    );
  svg
    .selectAll('text.y-title')
    .data([unitTitle(v.data.unit)])
    .join('text')
    .attr('class', 'y-title')
    .attr('x', 2)
    .attr('y', 9)
    .attr('font-size', 9)
    .attr('fill', '#555')
    .text((d) => d);
  const path = d3line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]))
    .curve(v.data.curve === 'step' ? curveStepAfter : curveLinear);
  drawLines(svg, 'base', v.baseline?.lines ?? [], path, color, true);
  drawLines(
    svg,
    'run',
    v.data.lines.filter((l) => !l.incomplete),
    path,
    color,
    false,
  );
  drawIncomplete(svg, v.data.lines, x, y, color);
  const empty = v.data.lines.every((l) => l.points.length === 0) ? [v.data.empty ?? 'no data'] : [];
  svg
    .selectAll('text.empty')
    .data(empty)
    .join('text')
    .attr('class', 'empty')
    .attr('x', (M.left + W - M.right) / 2)
    .attr('y', (M.top + H - M.bottom) / 2)
    .attr('text-anchor', 'middle')
    .attr('font-size', 10)
    .attr('fill', '#607d8b')
    .text((d) => d);
  renderLegend(
    root,
    v.data.lines.map(
      (l): LegendEntry => ({
        key: l.key,
        label: l.label,
        color: l.incomplete ? color(parentKey(l.key)) : color(l.key),
        style: l.incomplete ? 'dotted' : 'solid',
      }),
    ),
    [...(v.baseline ? ['dashed: baseline'] : []), ...(v.data.notes ?? [])],
  );
}

function drawLines(
  svg: Selection<SVGSVGElement, null, HTMLElement, unknown>,
  cls: string,
  lines: readonly Line[],
  path: (p: [number, number][]) => string | null,
  color: (k: string) => string,
  dashed: boolean,
): void {
  svg
    .selectAll<SVGPathElement, Line>(`path.${cls}`)
    .data(lines, (d) => d.key)
    .join('path')
    .attr('class', cls)
    .attr('data-key', (d) => d.key)
    // The line's highest value and first time, for readers of the page (tests, bench) without the scale.
    .attr('data-max', (d) => String(d.points.reduce((m, p) => Math.max(m, p[1]), 0)))
    .attr('data-first-s', (d) => String(d.points[0]?.[0] ?? ''))
    .attr('fill', 'none')
    .attr('stroke', (d) => color(d.key))
    .attr('stroke-width', dashed ? 1.2 : 1.6)
    .attr('stroke-dasharray', dashed ? '4 3' : null)
    .attr('opacity', dashed ? 0.55 : 1)
    .attr('d', (d) => path(d.points));
}

/**
 * Intervals whose requests were partly cut off by the drain limit: open circles at their (lower-bound)
 * value, each with a tooltip, never joined to the line (a drop there is not a recovery).
 */
function drawIncomplete(
  svg: Selection<SVGSVGElement, null, HTMLElement, unknown>,
  lines: readonly Line[],
  x: (v: number) => number,
  y: (v: number) => number,
  color: (k: string) => string,
): void {
  const points = lines
    .filter((l) => l.incomplete)
    .flatMap((l) => l.points.map((p) => ({ key: l.key, label: l.label, p })));
  svg
    .selectAll<SVGCircleElement, (typeof points)[number]>('circle.incomplete')
    .data(points, (d) => `${d.key}@${d.p[0]}`)
    .join('circle')
    .attr('class', 'incomplete')
    .attr('data-key', (d) => d.key)
    .attr('cx', (d) => x(d.p[0]))
    .attr('cy', (d) => y(d.p[1]))
    .attr('r', 3)
    .attr('fill', 'none')
    .attr('stroke', (d) => color(parentKey(d.key)))
    .attr('stroke-dasharray', '1 1.5')
    .selectAll('title')
    .data((d) => [d])
    .join('title')
    .text((d) => `${d.label}: ${d.p[1]} at ${d.p[0]}s`);
}

/** An incomplete line's markers take the colour of the line they belong to. */
function parentKey(key: string): string {
  return key.endsWith('/incomplete') ? key.slice(0, -'/incomplete'.length) : key;
}

function colorFor(lines: readonly Line[], base: readonly Line[]): (key: string) => string {
  const keys = [...new Set([...lines, ...base].filter((l) => !l.incomplete).map((l) => l.key))];
  return (k) => PALETTE[keys.indexOf(k) % PALETTE.length]!;
}
