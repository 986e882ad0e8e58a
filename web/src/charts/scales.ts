import { scaleLinear } from 'd3';
import type { Line } from './series.js';

/** The x and y domains shared by a run and its baseline so the overlay lines up. */
export function extents(
  lines: readonly Line[],
  zeroBased = true,
): { x: [number, number]; y: [number, number] } {
  let x1 = 0;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = 0;
  for (const l of lines)
    for (const [x, y] of l.points) {
      if (x > x1) x1 = x;
      if (y > y1) y1 = y;
      if (y < y0) y0 = y;
    }
  const top = y1 > 0 ? y1 * 1.05 : 1;
  const bottom = zeroBased || !Number.isFinite(y0) ? 0 : Math.max(0, y0 - (y1 - y0) * 0.1 - 0.5);
  return { x: [0, x1 || 1], y: [bottom, Math.max(top, bottom + 1)] };
}

/** Error rate → colour: green at 0, amber at 2 %, red from 10 %. */
export const errorColor = scaleLinear<string>()
  .domain([0, 0.02, 0.1])
  .range(['#2e7d32', '#f9a825', '#c62828'])
  .clamp(true);

export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
