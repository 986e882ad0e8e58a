import type { Diagnostic } from '../config/diagnostics.js';
import {
  CALIBRATE_LIMITS,
  type CalibrateLimits,
  diagnostic,
  type InputSeries,
  METRIC_NAMES,
  type ParsedInput,
  parsePromFloat,
} from './series.js';

/**
 * The Prometheus text exposition format (prometheus.io, "Exposition formats": `name{l="v",...} value
 * [timestamp]`, timestamps in integer milliseconds) and OpenMetrics 1.0 text (openmetrics.io: the same
 * sample lines, timestamps in seconds, exemplars after ` # `, `# EOF` last). A file that ends in `# EOF`
 * is read as OpenMetrics. Only Istio's request metrics are kept; every line is still checked, and a bad
 * line is a positioned MSIM3180 (file:line:col), never an exception.
 */
export function parseExposition(
  file: string,
  text: string,
  limits: CalibrateLimits = CALIBRATE_LIMITS,
): ParsedInput {
  const diagnostics: Diagnostic[] = [];
  const series = new Map<string, InputSeries>();
  const lines = text.split('\n');
  const openMetrics = lines.some((l) => l.trim() === '# EOF');
  let windowMsHint: number | undefined;
  let samples = 0;
  let over = false;
  for (let i = 0; i < lines.length && !over; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    if (raw.length > limits.maxLineChars) {
      diagnostics.push(
        diagnostic('MSIM3183', 'error', file, `line longer than ${limits.maxLineChars} characters`, {
          line: lineNo,
          column: 1,
        }),
      );
      return { series: [], diagnostics };
    }
    if (raw.trim() === '') continue;
    if (raw.startsWith('#')) {
      const w = /^# meshsim window: requests started ([\d.]+)ms\.\.([\d.]+)ms/.exec(raw);
      if (w) windowMsHint = Number(w[2]) - Number(w[1]);
      continue;
    }
    const s = parseSampleLine(raw);
    if ('error' in s) {
      diagnostics.push(diagnostic('MSIM3180', 'error', file, s.error, { line: lineNo, column: s.col }));
      continue;
    }
    const metric = METRIC_NAMES[s.name];
    if (metric === undefined) continue;
    const { le: leText, ...labels } = s.labels;
    let le: number | undefined;
    if (metric === 'bucket') {
      le = leText === undefined ? undefined : parsePromFloat(leText);
      if (le === undefined) {
        diagnostics.push(
          diagnostic(
            'MSIM3180',
            'error',
            file,
            `a _bucket sample needs a numeric le label, got ${JSON.stringify(leText ?? null)}`,
            {
              line: lineNo,
              column: s.labelsCol,
            },
          ),
        );
        continue;
      }
    }
    const t = s.timestamp === undefined ? undefined : openMetrics ? s.timestamp : s.timestamp / 1000;
    const key = `${s.name}\u0000${leText ?? ''}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
    let ser = series.get(key);
    if (ser === undefined) {
      if (series.size >= limits.maxSeries) over = true;
      ser = { metric, kind: 'counter', labels, points: [], where: `${file}:${lineNo}:1` };
      if (le !== undefined) ser.le = le;
      series.set(key, ser);
    }
    if (++samples > limits.maxSamples) over = true;
    ser.points.push({ t, v: s.value });
    if (over)
      diagnostics.push(
        diagnostic(
          'MSIM3183',
          'error',
          file,
          `more than ${limits.maxSeries} series or ${limits.maxSamples} samples: aggregate in PromQL first (sum by the workload labels)`,
          { line: lineNo, column: 1 },
        ),
      );
  }
  return {
    series: [...series.values()],
    diagnostics,
    ...(windowMsHint !== undefined ? { windowMsHint } : {}),
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  labelsCol: number;
  value: number;
  timestamp: number | undefined;
}

/** One sample line; an error names its 1-based column. */
export function parseSampleLine(line: string): Sample | { error: string; col: number } {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!name) return { error: 'expected a metric name', col: 1 };
  let pos = name[0].length;
  const labels: Record<string, string> = {};
  const labelsCol = pos + 1;
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!ln) return { error: 'expected a label name or }', col: pos + 1 };
      pos += ln[0].length;
      if (line[pos] !== '=') return { error: `expected = after label ${ln[0]}`, col: pos + 1 };
      pos++;
      if (line[pos] !== '"') return { error: `expected a quoted value for label ${ln[0]}`, col: pos + 1 };
      const start = pos;
      pos++;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) return { error: `unterminated value of label ${ln[0]}`, col: start + 1 };
        if (c === '"') break;
        if (c === '\\') {
          const n = line[pos + 1];
          if (n === 'n') value += '\n';
          else if (n === '\\' || n === '"') value += n;
          else return { error: `invalid escape \\${n ?? ''} in label ${ln[0]}`, col: pos + 1 };
          pos += 2;
          continue;
        }
        value += c;
        pos++;
      }
      pos++;
      if (ln[0] in labels) return { error: `label ${ln[0]} given twice`, col: start - ln[0].length };
      labels[ln[0]] = value;
      while (line[pos] === ' ') pos++;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') return { error: 'expected , or } after a label', col: pos + 1 };
    }
  }
  if (line[pos] !== ' ' && line[pos] !== '\t') return { error: 'expected a space and a value', col: pos + 1 };
  // Exemplars (OpenMetrics) follow " # ": not needed.
  const rest = line.slice(pos).split(' # ')[0]!;
  const fields = rest.trim().split(/[ \t]+/);
  const valueCol = pos + 1 + (rest.length - rest.trimStart().length);
  const value = parsePromFloat(fields[0] ?? '');
  if (value === undefined)
    return { error: `expected a number, got ${JSON.stringify(fields[0] ?? '')}`, col: valueCol };
  let timestamp: number | undefined;
  if (fields.length > 1) {
    timestamp = parsePromFloat(fields[1]!);
    if (timestamp === undefined || !Number.isFinite(timestamp))
      return {
        error: `expected a timestamp, got ${JSON.stringify(fields[1])}`,
        col: line.indexOf(fields[1]!, valueCol) + 1,
      };
  }
  if (fields.length > 2)
    return { error: 'unexpected text after the timestamp', col: line.lastIndexOf(fields[2]!) + 1 };
  return { name: name[0], labels, labelsCol, value, timestamp };
}
