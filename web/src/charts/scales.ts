import { scaleLinear } from 'd3';
import type { Line } from './series.js';
import type { Unit } from './units.js';

/**
 * The y domain a run and its baseline share, so the overlay lines up. A success rate is capped at 100 %
 * (nothing succeeds more than always) and starts at a round value a little under the lowest point, so a
 * dip from 100 % to 97 % is visible; every other unit starts at zero.
 */
export function yDomain(lines: readonly Line[], unit: Unit): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const l of lines)
    for (const [, y] of l.points) {
      if (y > hi) hi = y;
      if (y < lo) lo = y;
    }
  if (unit === 'percent') {
    if (!Number.isFinite(lo)) return [0, 100];
    const gap = 100 - lo;
    const step = gap < 4 ? 1 : gap < 20 ? 5 : 10;
    const bottom = Math.floor((lo - Math.max(0.5, gap * 0.2)) / step) * step;
    return [Math.max(0, Math.min(99, bottom)), 100];
  }
  const top = hi > 0 ? hi * 1.05 : 1;
  const [, niceTop] = scaleLinear().domain([0, top]).nice().domain() as [number, number];
  return [0, niceTop];
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
