/**
 * A notebook answers one question: narrative, runs and charts, rendered to one self-contained HTML file
 * (inline SVG and CSS, no scripts, no network). `npm run notebook -- notebooks/<name>` runs one;
 * `--short` uses the CI settings (fewer points, replications and seconds).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { ManifestInput } from '../../src/config/load.js';
import {
  applyAssignments,
  type FigureSummary,
  loadInputs,
  type ParamValue,
  parseFieldAddress,
  type StudyInputs,
  summarize,
  type UnitTask,
} from '../../src/run/index.js';
import { runUnits } from '../../src/run/study/pool.js';
import { readStudyInputs } from '../../src/run/study/read-inputs.js';

export type Section =
  | { kind: 'markdown'; text: string }
  | { kind: 'chart'; svg: string }
  | { kind: 'table'; head: string[]; rows: string[][] };

export interface Settings {
  /** CI: a few points, replications and seconds. */
  short: boolean;
  workers: number;
}

export interface Notebook {
  title: string;
  question: string;
  /** `figures`: the numbers the answer rests on (tests check them). */
  run(settings: Settings): Promise<{ answer: string; sections: Section[]; figures: Record<string, number> }>;
}

export const md = (text: string): Section => ({ kind: 'markdown', text });
export const chart = (svg: string): Section => ({ kind: 'chart', svg });
export const table = (head: string[], rows: string[][]): Section => ({ kind: 'table', head, rows });

export function defaultSettings(short: boolean): Settings {
  return { short, workers: availableParallelism() };
}

export async function readModel(path: string, extra: ManifestInput[] = []): Promise<StudyInputs> {
  const r = await readStudyInputs(resolve(path));
  if (r.inputs === undefined) throw new Error(`${path}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return { scenario: r.inputs.scenario, manifests: [...r.inputs.manifests, ...extra] };
}

export interface Point {
  label: string;
  /** field address -> value (a list or map value is written as YAML too). */
  set: Record<string, ParamValue | unknown[]>;
}

/** The inputs of a point: the base texts with its fields written in (validated like user input). */
export function patch(base: StudyInputs, set: Point['set']): StudyInputs {
  const assignments = Object.entries(set).map(([field, value]) => {
    const address = parseFieldAddress(field);
    if (typeof address === 'string') throw new Error(address);
    return { address, value: value as ParamValue };
  });
  const all = applyAssignments([base.scenario, ...base.manifests], assignments);
  if (typeof all === 'string') throw new Error(all);
  const inputs = { scenario: all[0]!, manifests: all.slice(1) };
  const l = loadInputs(inputs);
  if (l.loaded === undefined) throw new Error(`point does not load:\n${l.errors.join('\n')}`);
  return inputs;
}

/**
 * Runs every point `replications` times (seeds seed..seed+R-1, the same at every point: common random
 * numbers) in worker threads and returns each metric's mean and 95 % CI per point.
 */
export async function runPoints(
  base: StudyInputs,
  points: readonly Point[],
  metrics: readonly string[],
  o: { replications: number; durationMs?: number; seed: number; workers: number },
): Promise<Record<string, FigureSummary>[]> {
  const inputs = points.map((p) => patch(base, p.set));
  const tasks: UnitTask[] = [];
  inputs.forEach((inp, i) => {
    for (let r = 0; r < o.replications; r++)
      tasks.push({
        key: `nb/${i}`,
        inputs: inp,
        seed: o.seed + r,
        durationMs: o.durationMs ?? null,
        metrics,
      });
  });
  const figures = await runUnits(tasks, { workers: o.workers });
  return points.map((_, i) => {
    const out: Record<string, FigureSummary> = {};
    metrics.forEach((m, mi) => {
      out[m] = summarize(
        figures.slice(i * o.replications, (i + 1) * o.replications).map((f) => f[mi] ?? null),
      );
    });
    return out;
  });
}

export function fmt(v: number | null, digits = 4): string {
  return v === null ? 'n/a' : String(Number(v.toPrecision(digits)));
}

/** "0.9912 ± 0.0011" */
export function withCi(f: FigureSummary | undefined, digits = 4): string {
  if (f === undefined || f.mean === null) return 'n/a';
  return f.ci95 === null ? fmt(f.mean, digits) : `${fmt(f.mean, digits)} ± ${fmt(f.ci95, 2)}`;
}

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Paragraphs, `code` and **bold**: enough markdown for narrative. */
function markdown(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => {
      const h = /^(#{2,3}) (.*)$/.exec(p);
      const inline = (s: string) =>
        esc(s)
          .replace(/`([^`]+)`/g, '<code>$1</code>')
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
      if (h) return `<h${h[1]!.length}>${inline(h[2]!)}</h${h[1]!.length}>`;
      if (/^- /.test(p))
        return `<ul>${p
          .split(/\n- /)
          .map((li) => `<li>${inline(li.replace(/^- /, ''))}</li>`)
          .join('')}</ul>`;
      return `<p>${inline(p)}</p>`;
    })
    .join('\n');
}

export function renderHtml(
  nb: Notebook,
  answer: string,
  sections: readonly Section[],
  settings: Settings,
): string {
  const body = sections
    .map((s) => {
      if (s.kind === 'markdown') return markdown(s.text);
      if (s.kind === 'chart') return `<figure>${s.svg}</figure>`;
      return `<table><thead><tr>${s.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${s.rows
        .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(nb.title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 860px; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
.question { font-size: 1.1rem; border-left: 4px solid #1f77b4; padding-left: .8rem; }
.answer { background: #f3f8fc; border: 1px solid #cfe3f3; padding: .6rem .9rem; border-radius: 4px; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
code { background: #f4f4f4; padding: 0 .2rem; }
figure { margin: 1rem 0; }
footer { color: #777; font-size: .8rem; margin-top: 2rem; }
</style>
</head>
<body>
<h1>${esc(nb.title)}</h1>
<p class="question"><strong>Question.</strong> ${esc(nb.question)}</p>
<div class="answer"><strong>Answer.</strong> ${markdown(answer)}</div>
${body}
<footer>meshsim notebook, ${settings.short ? 'short (CI) settings' : 'full settings'}; deterministic: the same inputs and seeds give the same figures.</footer>
</body>
</html>
`;
}
