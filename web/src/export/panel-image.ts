/**
 * A panel as a standalone image: its title above the plot and its legend below it, inside one SVG, so an
 * exported SVG or PNG reads on its own (the y ticks already carry the unit). Built with DOM methods and
 * textContent only: names from manifests are data, never markup.
 */
const NS = 'http://www.w3.org/2000/svg';
const PAD = 8;
const TITLE_H = 20;
const ROW_H = 14;
/** Approximate width of one 10 px character, for wrapping legend items into rows. */
const CHAR_W = 5.6;

export interface LegendItem {
  label: string;
  color: string;
  /** solid line, dotted marker (a lower bound) or a bar swatch. */
  style: string;
}

/** The panel's title and legend as drawn on the page (the h3 and the legend's items). */
export function panelParts(figure: HTMLElement): { title: string; legend: LegendItem[] } {
  const title = figure.querySelector('h3')?.textContent ?? '';
  const legend = [...figure.querySelectorAll<HTMLLIElement>('ul.legend li')].map((li) => ({
    label: li.querySelector('.label')?.textContent ?? li.textContent ?? '',
    color: li.dataset.color ?? '#888',
    style: li.dataset.style ?? 'note',
  }));
  return { title, legend };
}

/** Lays legend items out in rows that fit `width` (pure). */
export function legendRows(
  items: readonly LegendItem[],
  width: number,
): { item: LegendItem; x: number; row: number }[] {
  const out: { item: LegendItem; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 16 + item.label.length * CHAR_W + 12;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    out.push({ item, x, row });
    x += w;
  }
  return out;
}

/** A standalone SVG document of a panel: white background, title, the plot, the legend. */
export function panelSvgDocument(
  figure: HTMLElement,
): { svg: string; width: number; height: number } | undefined {
  const plot = figure.querySelector<SVGSVGElement>('svg.plot');
  if (!plot) return undefined;
  const vb = plot.viewBox.baseVal;
  const { title, legend } = panelParts(figure);
  const width = vb.width + 2 * PAD;
  const rows = legendRows(legend, vb.width);
  const legendH = rows.length === 0 ? 0 : (rows.at(-1)!.row + 1) * ROW_H + 4;
  const height = TITLE_H + vb.height + legendH + PAD;
  const doc = document.createElementNS(NS, 'svg');
  doc.setAttribute('xmlns', NS);
  doc.setAttribute('width', String(width));
  doc.setAttribute('height', String(height));
  doc.setAttribute('viewBox', `0 0 ${width} ${height}`);
  doc.setAttribute('font-family', 'system-ui, sans-serif');
  doc.setAttribute('font-size', '10');
  doc.append(node('rect', { width: '100%', height: '100%', fill: 'white' }));
  doc.append(
    node('text', { class: 'title', x: String(PAD), y: '14', 'font-size': '12', 'font-weight': '600' }, title),
  );
  const inner = plot.cloneNode(true) as SVGSVGElement;
  inner.setAttribute('x', String(PAD));
  inner.setAttribute('y', String(TITLE_H));
  inner.setAttribute('width', String(vb.width));
  inner.setAttribute('height', String(vb.height));
  doc.append(inner);
  const g = node('g', { class: 'legend', transform: `translate(${PAD},${TITLE_H + vb.height + 4})` });
  for (const { item, x, row } of rows) {
    const y = row * ROW_H + 8;
    if (item.style === 'note')
      g.append(node('text', { x: String(x), y: String(y + 3), fill: '#555' }, item.label));
    else {
      const swatch =
        item.style === 'bar'
          ? node('rect', { x: String(x), y: String(y - 4), width: '12', height: '8', fill: item.color })
          : node('line', {
              x1: String(x),
              x2: String(x + 12),
              y1: String(y),
              y2: String(y),
              stroke: item.color,
              'stroke-width': '2',
              ...(item.style === 'dotted' ? { 'stroke-dasharray': '1 2' } : {}),
            });
      g.append(swatch, node('text', { x: String(x + 16), y: String(y + 3) }, item.label));
    }
  }
  doc.append(g);
  return { svg: new XMLSerializer().serializeToString(doc), width, height };
}

function node(tag: string, attrs: Record<string, string>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
