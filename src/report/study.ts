/** Renderers of a StudyReport (`run --replications`, `sweep`, `merge`): text table, CSV, JSON. */
import type { StudyReport } from '../run/study/aggregate.js';

export type StudyFormat = 'text' | 'json' | 'csv';
export const STUDY_FORMATS: readonly StudyFormat[] = ['text', 'json', 'csv'];

export function renderStudy(r: StudyReport, format: StudyFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'csv':
      return renderStudyCsv(r);
    case 'text':
      return renderStudyText(r);
  }
}

function num(x: number | null): string {
  if (x === null) return 'n/a';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(4);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Parameter column title: the last path segment (the field's own name). */
export function shortParam(address: string): string {
  const path = address.slice(address.indexOf(':') + 1);
  return (
    path
      .split(/[.[\]"]+/)
      .filter(Boolean)
      .pop() ?? address
  );
}

export function renderStudyText(r: StudyReport): string {
  const head =
    r.kind === 'replications'
      ? `meshsim ${r.meshsim}: scenario ${r.scenario}, ${r.replications} replications (seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}), mean ± 95 % CI\n\n`
      : `meshsim ${r.meshsim}: sweep ${r.name} of scenario ${r.scenario}, ${r.points.length} points (${r.design}) x ${r.replications} replications (common seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}), mean ± 95 % CI\n\n`;
  let body: string;
  if (r.kind === 'replications' && r.points.length === 1) {
    const p = r.points[0]!;
    body = table([
      ['METRIC', 'MEAN', '± 95% CI', 'MIN', 'MAX'],
      ...r.metrics.map((m) => {
        const f = p.figures[m]!;
        return [m, num(f.mean), num(f.ci95), num(f.min), num(f.max)];
      }),
    ]);
  } else {
    body = table([
      ['#', ...r.parameters.map(shortParam), ...r.metrics],
      ...r.points.map((p) => [
        String(p.index),
        ...r.parameters.map((a) => String(p.values[a])),
        ...r.metrics.map((m) => {
          const f = p.figures[m]!;
          return f.ci95 === null ? num(f.mean) : `${num(f.mean)} ±${num(f.ci95)}`;
        }),
      ]),
    ]);
    if (r.parameters.length > 0)
      body += `\n\nParameters:\n${r.parameters.map((a) => `  ${shortParam(a)} = ${a}`).join('\n')}`;
  }
  return `${head}${body}\n`;
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per point: index, parameter values, then mean and 95 % CI half-width of each metric. */
export function renderStudyCsv(r: StudyReport): string {
  const head = ['point', ...r.parameters, ...r.metrics.flatMap((m) => [`${m} mean`, `${m} ci95`])];
  const rows = r.points.map((p) => [
    String(p.index),
    ...r.parameters.map((a) => String(p.values[a])),
    ...r.metrics.flatMap((m) => {
      const f = p.figures[m]!;
      return [f.mean === null ? '' : String(f.mean), f.ci95 === null ? '' : String(f.ci95)];
    }),
  ]);
  return `${[head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
