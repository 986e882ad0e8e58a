import { axisBottom, type ScaleLinear, type Selection } from 'd3';
import type { TimeAxis } from './series.js';

type Svg = Selection<SVGSVGElement, null, HTMLElement, unknown>;

/**
 * What every panel draws the same way over simulated time: the shared x axis (the whole run), the
 * warm-up shaded and labelled (nothing is measured there, so no series has a point inside it), and the
 * cursor at the time slider's position.
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
  const warm = axis.warmupS > 0 ? [axis.warmupS] : [];
  svg
    .selectAll('rect.warmup')
    .data(warm)
    .join('rect')
    .attr('class', 'warmup')
    .attr('x', x(0))
    .attr('width', (d) => Math.max(0, x(d) - x(0)))
    .attr('y', top)
    .attr('height', bottom - top)
    .attr('fill', '#eceff1');
  svg
    .selectAll('text.warmup')
    .data(warm)
    .join('text')
    .attr('class', 'warmup')
    .attr('x', (d) => (x(0) + x(d)) / 2)
    .attr('y', top + 10)
    .attr('text-anchor', 'middle')
    .attr('font-size', 9)
    .attr('fill', '#607d8b')
    .text('warm-up');
  // The band sits under every line and bar.
  svg.selectAll('text.warmup').lower();
  svg.selectAll('rect.warmup').lower();
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
