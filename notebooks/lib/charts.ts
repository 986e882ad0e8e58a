/**
 * SVG charts as strings, drawn with d3's scales and path generators (which need no DOM), so a notebook
 * renders in Node, in CI and in the browser alike.
 */
import { line, scaleLinear, scaleLog, scalePoint } from 'd3';

export interface Series {
  name: string;
  points: readonly (readonly [number, number | null])[];
}

export interface LineChartSpec {
  title: string;
  x: { label: string; log?: boolean; categories?: readonly string[] };
  y: { label: string; min?: number; max?: number; format?: (v: number) => string };
  series: readonly Series[];
  /** Horizontal reference lines (an SLO). */
  rules?: readonly { y: number; label: string }[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e5)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

export function lineChart(spec: LineChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 320;
  const m = { top: 32, right: 150, bottom: 48, left: 64 };
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null));
  for (const r of spec.rules ?? []) ys.push(r.y);
  const yMin = spec.y.min ?? Math.min(...ys);
  const yMax = spec.y.max ?? Math.max(...ys);
  const pad = yMax === yMin ? Math.max(1, Math.abs(yMax) * 0.1) : 0;
  const y = scaleLinear()
    .domain([yMin - pad, yMax + pad])
    .nice()
    .range([H - m.bottom, m.top]);
  const cats = spec.x.categories;
  const xLin = spec.x.log
    ? scaleLog()
        .domain([Math.min(...xs), Math.max(...xs)])
        .range([m.left, W - m.right])
    : scaleLinear()
        .domain([
          Math.min(...xs),
          Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs),
        ])
        .range([m.left, W - m.right]);
  const xCat = cats
    ? scalePoint<string>()
        .domain([...cats])
        .range([m.left, W - m.right])
        .padding(0.3)
    : null;
  const xOf = (v: number) => (xCat ? (xCat(cats![v] ?? '') ?? m.left) : xLin(v));
  const yf = spec.y.format ?? fmt;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<text x="${m.left}" y="18" font-size="13" font-weight="600">${esc(spec.title)}</text>`,
  );
  for (const t of y.ticks(5)) {
    const py = y(t);
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${py + 4}" text-anchor="end">${esc(yf(t))}</text>`,
    );
  }
  const xTicks: { v: number; label: string }[] = xCat
    ? cats!.map((c, i) => ({ v: i, label: c }))
    : (spec.x.log ? xLin.ticks(6) : xLin.ticks(6)).map((v) => ({ v, label: fmt(v) }));
  for (const t of xTicks) {
    const px = xOf(t.v);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${H - m.bottom}" y2="${H - m.bottom + 4}" stroke="#333"/>`,
      `<text x="${px}" y="${H - m.bottom + 16}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(spec.x.label)}</text>`,
    `<text transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.y.label)}</text>`,
  );
  for (const r of spec.rules ?? []) {
    const py = y(r.y);
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${py}" y2="${py}" stroke="#777" stroke-dasharray="4 3"/>`,
      `<text x="${W - m.right + 4}" y="${py + 4}" fill="#555">${esc(r.label)}</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p): p is readonly [number, number] => p[1] !== null);
    const d = line<readonly [number, number]>()
      .x((p) => xOf(p[0]))
      .y((p) => y(p[1]))(pts);
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts)
      parts.push(
        `<circle cx="${xOf(p[0])}" cy="${y(p[1])}" r="3" fill="${color}"><title>${esc(`${s.name}: ${fmt(p[1])}`)}</title></circle>`,
      );
    const ly = m.top + 14 * i;
    parts.push(
      `<rect x="${W - m.right + 10}" y="${ly - 8}" width="10" height="10" fill="${color}"/>`,
      `<text x="${W - m.right + 24}" y="${ly + 1}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
