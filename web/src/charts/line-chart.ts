import { axisBottom, axisLeft, line as d3line, scaleLinear, select, type Selection } from 'd3';
import { extents, PALETTE } from './scales.js';
import type { ChartData, Line } from './series.js';

const W = 420;
const H = 190;
const M = { top: 8, right: 10, bottom: 24, left: 46 };

export interface ChartView {
  data: ChartData;
  /** Baseline run's data for the same chart, drawn dashed underneath. */
  baseline?: ChartData | undefined;
  /** Simulated time of the cursor, seconds. */
  cursorS: number;
}

/**
 * A line chart over simulated time (d3 data joins keyed by line key): the run solid, the baseline
 * dashed in the same colour, a cursor at the slider's time. Sized by viewBox so it fits any column.
 */
export function renderLineChart(figure: HTMLElement, v: ChartView): void {
  const root = select(figure);
  root.attr('data-chart', v.data.id);
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
  const { x: xd, y: yd } = extents(all, v.data.zeroBased ?? true);
  const x = scaleLinear()
    .domain(xd)
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain(yd)
    .nice()
    .range([H - M.bottom, M.top]);
  const color = colorFor(v.data.lines, v.baseline?.lines ?? []);
  svg
    .selectAll<SVGGElement, null>('g.x')
    .data([null])
    .join('g')
    .attr('class', 'x axis')
    .attr('transform', `translate(0,${H - M.bottom})`)
    .call(
      axisBottom(x)
        .ticks(6)
        .tickFormat((d) => `${d}s`),
    );
  svg
    .selectAll<SVGGElement, null>('g.y')
    .data([null])
    .join('g')
    .attr('class', 'y axis')
    .attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).ticks(5, 's'));
  const path = d3line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
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
  svg
    .selectAll('line.cursor')
    .data([v.cursorS])
    .join('line')
    .attr('class', 'cursor')
    .attr('x1', (d) => x(Math.min(d, xd[1])))
    .attr('x2', (d) => x(Math.min(d, xd[1])))
    .attr('y1', M.top)
    .attr('y2', H - M.bottom)
    .attr('stroke', '#555')
    .attr('stroke-width', 1);
  const legend = root
    .selectAll<HTMLUListElement, null>('ul.legend')
    .data([null])
    .join('ul')
    .attr('class', 'legend');
  const items = legend
    .selectAll<HTMLLIElement, Line>('li')
    .data(v.data.lines, (d) => d.key)
    .join('li');
  items
    .selectAll('span.swatch')
    .data((d) => [d])
    .join('span')
    .attr('class', (d) => (d.incomplete ? 'swatch incomplete' : 'swatch'))
    .style('background', (d) => (d.incomplete ? 'none' : color(d.key)))
    .style('border', (d) => (d.incomplete ? `1px dotted ${color(parentKey(d.key))}` : null));
  items
    .selectAll('span.label')
    .data((d) => [d])
    .join('span')
    .attr('class', 'label')
    .text((d) => d.label);
  legend
    .selectAll('li.base-note')
    .data(v.baseline ? ['dashed: baseline'] : [])
    .join('li')
    .attr('class', 'base-note')
    .text((d) => d);
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
