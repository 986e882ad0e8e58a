import type { Diagnostic } from '../config/diagnostics.js';

/**
 * What calibration reads from Prometheus data, whatever the input format: one series of one of Istio's
 * standard metrics (istio.io, "Istio Standard Metrics": `istio_requests_total`, a counter, and
 * `istio_request_duration_milliseconds`, a histogram with `_bucket{le}`, `_sum` and `_count`).
 */
export type IstioMetric = 'requests' | 'bucket' | 'sum' | 'count';

export const METRIC_NAMES: Readonly<Record<string, IstioMetric>> = {
  istio_requests_total: 'requests',
  istio_request_duration_milliseconds_bucket: 'bucket',
  istio_request_duration_milliseconds_sum: 'sum',
  istio_request_duration_milliseconds_count: 'count',
};

/** One sample: `t` in seconds since the epoch, or undefined when the input has no timestamp. */
export interface Point {
  t: number | undefined;
  v: number;
}

/**
 * `counter`: raw cumulative values (exposition text, or a query of the metric itself, which keeps
 * `__name__`). `rate`: per-second values of a PromQL function result (rate/irate drop `__name__`;
 * Prometheus docs, "Querying basics": functions over counters return series without the metric name).
 */
export type ValueKind = 'counter' | 'rate';

export interface InputSeries {
  metric: IstioMetric;
  kind: ValueKind;
  /** Labels without `__name__` and `le`. */
  labels: Record<string, string>;
  /** Upper bound of a `_bucket` series (Infinity for +Inf). */
  le?: number;
  points: Point[];
  /** Where the series was read: `file:line:col` or `file (JSON path)`, for duplicate warnings. */
  where: string;
}

/** A parser's output for one file. */
export interface ParsedInput {
  series: InputSeries[];
  diagnostics: Diagnostic[];
  /** meshsim's own export states its window in a comment (report/prometheus.ts): a window hint in ms. */
  windowMsHint?: number;
}

/** Bounds that keep memory bounded whatever the input (docs/calibration.md "Limits"). */
export const CALIBRATE_LIMITS: Readonly<{
  maxFileBytes: number;
  maxSeries: number;
  maxSamples: number;
  maxLineChars: number;
}> = {
  maxFileBytes: 256 * 1024 * 1024,
  maxSeries: 200_000,
  maxSamples: 5_000_000,
  maxLineChars: 1_000_000,
};

export type CalibrateLimits = typeof CALIBRATE_LIMITS;

export function diagnostic(
  code: string,
  severity: Diagnostic['severity'],
  file: string,
  message: string,
  at: { line?: number; column?: number; path?: string } = {},
): Diagnostic {
  return {
    severity,
    code,
    message,
    file,
    line: at.line ?? 0,
    column: at.column ?? 0,
    ...(at.path !== undefined ? { path: at.path } : {}),
  };
}

/** Parses a Prometheus float: Go's ParseFloat forms, NaN and ±Inf (Prometheus text format). */
export function parsePromFloat(s: string): number | undefined {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}
