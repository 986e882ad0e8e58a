import type { Selection } from 'd3';

/** One legend entry: what the page shows and what an export (export/panel-image.ts) redraws. */
export interface LegendEntry {
  key: string;
  label: string;
  color: string;
  /** `solid` line, `dotted` markers (a lower bound), `bar` swatch. */
  style: 'solid' | 'dotted' | 'bar';
}

/**
 * A panel's legend below its plot (d3 data join keyed by entry, text only through .text()); each item
 * carries its colour and style as data attributes so an exported image can draw the same legend.
 */
export function renderLegend(
  root: Selection<HTMLElement, unknown, null, undefined>,
  entries: readonly LegendEntry[],
  notes: readonly string[] = [],
): void {
  const legend = root
    .selectAll<HTMLUListElement, null>('ul.legend')
    .data([null])
    .join('ul')
    .attr('class', 'legend');
  const items = legend
    .selectAll<HTMLLIElement, LegendEntry>('li.item')
    .data(entries, (d) => d.key)
    .join('li')
    .attr('class', 'item')
    .attr('data-color', (d) => d.color)
    .attr('data-style', (d) => d.style);
  items
    .selectAll('span.swatch')
    .data((d) => [d])
    .join('span')
    .attr('class', (d) => `swatch ${d.style}`)
    .style('background', (d) => (d.style === 'dotted' ? 'none' : d.color))
    .style('border', (d) => (d.style === 'dotted' ? `1px dotted ${d.color}` : null));
  items
    .selectAll('span.label')
    .data((d) => [d])
    .join('span')
    .attr('class', 'label')
    .text((d) => d.label);
  legend
    .selectAll('li.base-note')
    .data(notes)
    .join('li')
    .attr('class', 'base-note')
    .text((d) => d);
}
