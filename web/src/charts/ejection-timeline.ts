import { scaleBand, scaleLinear, select } from 'd3';
import type { EjectionResult } from '../../../src/index.js';
import { signature } from '../ui/redraw.js';
import { type LegendEntry, renderLegend } from './legend.js';
import type { TimeAxis } from './series.js';
import { drawCursor, drawTimeFrame, redrawPanel } from './time-frame.js';

const W = 860;
const M = { top: 18, right: 10, bottom: 24, left: 200 };
const ROW = 16;

export interface EjectionBar {
  row: string;
  startS: number;
  endS: number;
  open: boolean;
  title: string;
}

/** Ejections as bars: one row per (client sidecar → ejected pod), from ejection to un-ejection. */
export function ejectionBars(ejections: readonly EjectionResult[], simulatedMs: number): EjectionBar[] {
  return ejections.map((e) => {
    const end = e.durationMs === null ? simulatedMs : e.timeMs + e.durationMs;
    return {
      row: `${e.client} → ${e.pod}`,
      startS: e.timeMs / 1000,
      endS: end / 1000,
      open: e.durationMs === null,
      title: `${e.client} ejected ${e.pod} (${e.host}) at ${(e.timeMs / 1000).toFixed(3)} s for ${
        e.durationMs === null ? 'the rest of the run' : `${(e.durationMs / 1000).toFixed(1)} s`
      }: ${e.reason}, ejection time ${e.ejectionTimeMs} ms`,
    };
  });
}

/**
 * The ejection timeline on the panels' shared x axis: the whole run, the warm-up shaded, the cursor. Drawn
 * again only when its ejections or axis changed (redrawPanel); a new cursor alone moves the cursor line.
 */
export function renderEjectionTimeline(
  figure: HTMLElement,
  ejections: readonly EjectionResult[],
  axis: TimeAxis,
  cursorS: number,
): void {
  const bars = ejectionBars(ejections, axis.domain[1] * 1000);
  const rows = [...new Set(bars.map((b) => b.row))].sort();
  const h = M.top + M.bottom + Math.max(1, rows.length) * ROW;
  redrawPanel(
    figure,
    signature([bars, axis]),
    cursorS,
    () => draw(figure, bars, rows, h, axis, cursorS),
    (svg) => drawCursor(svg, xScale(axis), M.top, h - M.bottom, cursorS),
  );
}

function xScale(axis: TimeAxis) {
  return scaleLinear()
    .domain(axis.domain)
    .range([M.left, W - M.right]);
}

function draw(
  figure: HTMLElement,
  bars: readonly EjectionBar[],
  rows: readonly string[],
  h: number,
  axis: TimeAxis,
  cursorS: number,
): void {
  const root = select(figure).attr('data-chart', 'ejections').attr('data-count', String(bars.length));
  root
    .selectAll('h3')
    .data(['Ejections (outlier detection)'])
    .join('h3')
    .text((d) => d);
  const svg = root
    .selectAll<SVGSVGElement, null>('svg.plot')
    .data([null])
    .join('svg')
    .attr('class', 'plot')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('viewBox', `0 0 ${W} ${h}`)
    .attr('role', 'img')
    .attr('aria-label', `Ejection timeline: ${bars.length} ejections`);
  const x = xScale(axis);
  svg.attr('data-x-domain', axis.domain.join(','));
  const y = scaleBand()
    .domain(rows)
    .range([M.top, h - M.bottom])
    .padding(0.2);
  drawTimeFrame(svg, x, axis, M.top, h - M.bottom, cursorS);
  svg
    .selectAll('text.row')
    .data(rows, (d) => d as string)
    .join('text')
    .attr('class', 'row')
    .attr('x', M.left - 4)
    .attr('y', (d) => (y(d) ?? 0) + y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .text((d) => d);
  const rect = svg
    .selectAll<SVGRectElement, EjectionBar>('rect.bar')
    .data(bars)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (d) => x(d.startS))
    .attr('width', (d) => Math.max(1.5, x(d.endS) - x(d.startS)))
    .attr('y', (d) => y(d.row) ?? 0)
    .attr('height', y.bandwidth())
    .attr('fill', (d) => (d.open ? '#c62828' : '#ef6c00'));
  rect
    .selectAll('title')
    .data((d) => [d.title])
    .join('title')
    .text((d) => d);
  svg
    .selectAll('text.empty')
    .data(bars.length === 0 ? ['no ejections in this run'] : [])
    .join('text')
    .attr('class', 'empty')
    .attr('x', (M.left + W - M.right) / 2)
    .attr('text-anchor', 'middle')
    .attr('y', M.top + ROW / 2)
    .attr('dy', '0.35em')
    .attr('font-size', 11)
    .text((d) => d);
  // The legend, as the line charts have it (an exported panel keeps it).
  renderLegend(root, LEGEND);
}

const LEGEND: LegendEntry[] = [
  {
    key: 'ejected',
    color: '#ef6c00',
    label: 'ejected (client sidecar → pod), until un-ejected',
    style: 'bar',
  },
  { key: 'open', color: '#c62828', label: 'still ejected at the end of the run', style: 'bar' },
];
