import type { Diagnostic } from '../config/diagnostics.js';
import { jsonErrorOffset } from './json-position.js';
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
 * A response of Prometheus' HTTP API, `/api/v1/query` or `/api/v1/query_range` (prometheus.io, "HTTP
 * API": `{status, data: {resultType, result}}`; a vector's result is `[{metric, value: [t, "v"]}]`, a
 * matrix's `[{metric, values: [[t, "v"], ...]}]`, timestamps in seconds, values as strings). The bare
 * `data` object is accepted too. Problems are MSIM3181 with the JSON path of the offending node.
 *
 * A series that keeps `__name__` is the metric itself (raw counter values); one without it is a function
 * result, read as per-second rates (rate()/irate()); its metric is told by `le` (a histogram bucket) and
 * otherwise taken as istio_requests_total (docs/calibration.md "Inputs").
 */
export function parsePrometheusJson(
  file: string,
  text: string,
  limits: CalibrateLimits = CALIBRATE_LIMITS,
): ParsedInput {
  const diagnostics: Diagnostic[] = [];
  const err = (message: string, path: string) => {
    diagnostics.push(diagnostic('MSIM3181', 'error', file, message, { path }));
    return { series: [], diagnostics };
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!.slice(0, 200);
    const pos = lineCol(text, jsonErrorOffset(text));
    diagnostics.push(diagnostic('MSIM3181', 'error', file, `not valid JSON: ${msg}`, pos));
    return { series: [], diagnostics };
  }
  if (!isObject(doc)) return err('expected a Prometheus API response object {status, data}', '$');
  let data: unknown = doc;
  let base = '';
  if ('status' in doc) {
    if (doc.status === 'error')
      return diagnosticOnly(
        diagnostics,
        diagnostic(
          'MSIM3182',
          'error',
          file,
          `the query failed: ${String(doc.errorType ?? '')} ${String(doc.error ?? '')}`.trim(),
          { path: 'status' },
        ),
      );
    if (doc.status !== 'success') return err('status must be "success" or "error"', 'status');
    data = doc.data;
    base = 'data.';
  }
  if (!isObject(data)) return err('expected data: {resultType, result}', base ? 'data' : '$');
  const type = data.resultType;
  if (type === 'scalar' || type === 'string')
    return diagnosticOnly(
      diagnostics,
      diagnostic('MSIM3188', 'warning', file, `a ${type} result has no series: ignored`, {
        path: `${base}resultType`,
      }),
    );
  if (type !== 'vector' && type !== 'matrix')
    return err(`resultType must be vector or matrix, got ${JSON.stringify(type)}`, `${base}resultType`);
  if (!Array.isArray(data.result)) return err('result must be an array', `${base}result`);
  const over = (message: string, path: string) =>
    diagnosticOnly(diagnostics, diagnostic('MSIM3183', 'error', file, message, { path }));
  if (data.result.length > limits.maxSeries)
    return over(
      `${data.result.length} series: more than ${limits.maxSeries}; aggregate in PromQL first (sum by the workload labels)`,
      `${base}result`,
    );
  const series: InputSeries[] = [];
  let samples = 0;
  for (let i = 0; i < data.result.length; i++) {
    const path = `${base}result[${i}]`;
    const r: unknown = data.result[i];
    if (!isObject(r) || !isObject(r.metric)) {
      err('expected {metric: {...}, value|values}', `${path}.metric`);
      continue;
    }
    const labels: Record<string, string> = {};
    let bad = false;
    for (const [k, v] of Object.entries(r.metric)) {
      if (typeof v !== 'string') {
        err('label values are strings', `${path}.metric.${k}`);
        bad = true;
      } else labels[k] = v;
    }
    if (bad) continue;
    const { __name__: name, le: leText, ...rest } = labels;
    const named = name !== undefined;
    const metric = named ? METRIC_NAMES[name] : leText !== undefined ? 'bucket' : 'requests';
    if (metric === undefined) continue;
    let le: number | undefined;
    if (metric === 'bucket') {
      le = leText === undefined ? undefined : parsePromFloat(leText);
      if (le === undefined) {
        err(
          `a bucket series needs a numeric le label, got ${JSON.stringify(leText ?? null)}`,
          `${path}.metric.le`,
        );
        continue;
      }
    }
    const raw = type === 'vector' ? [r.value] : r.values;
    const rawPath = type === 'vector' ? `${path}.value` : `${path}.values`;
    if (!Array.isArray(raw)) {
      err(`expected ${type === 'vector' ? 'value: [t, "v"]' : 'values: [[t, "v"], ...]'}`, rawPath);
      continue;
    }
    const points = [];
    for (let j = 0; j < raw.length; j++) {
      const p: unknown = raw[j];
      const pp = type === 'vector' ? rawPath : `${rawPath}[${j}]`;
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'string') {
        err('expected a sample [unix seconds, "value"]', pp);
        continue;
      }
      const v = parsePromFloat(p[1]);
      if (v === undefined) {
        err(`expected a number as a string, got ${JSON.stringify(p[1])}`, `${pp}[1]`);
        continue;
      }
      points.push({ t: p[0], v });
    }
    samples += points.length;
    if (samples > limits.maxSamples)
      return over(`more than ${limits.maxSamples} samples: use a coarser step`, path);
    const s: InputSeries = {
      metric,
      kind: named ? 'counter' : 'rate',
      labels: rest,
      points,
      where: `${file} (${path})`,
    };
    if (le !== undefined) s.le = le;
    series.push(s);
  }
  return { series, diagnostics };
}

function diagnosticOnly(ds: Diagnostic[], d: Diagnostic): ParsedInput {
  ds.push(d);
  return { series: [], diagnostics: ds };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: offset - last };
}
