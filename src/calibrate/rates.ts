import type { Diagnostic } from '../config/diagnostics.js';
import { diagnostic, type InputSeries, type IstioMetric, type ParsedInput } from './series.js';

/** One series reduced to its per-second rate over the observation window. */
export interface RatedSeries {
  metric: IstioMetric;
  labels: Record<string, string>;
  le?: number;
  ratePerS: number;
}

export interface Rated {
  series: RatedSeries[];
  /** The window the rates cover, in seconds, when it is known (for counts and tolerances). */
  windowS: number | undefined;
  diagnostics: Diagnostic[];
}

/**
 * Turns every input into rates. Raw counters with timestamps (a query_range of the metric, OpenMetrics
 * with timestamps) give their increase over the common span, resets counted as Prometheus' increase()
 * counts them (a drop starts again from 0); a series first seen after the span's start is counted from
 * 0 (it was created in the window). Raw counters without timestamps (exposition text, an instant query of
 * the metric) are totals over `windowMs` (--window, or the window meshsim's own export states). Function
 * results (no `__name__`) are per-second already; several points are averaged.
 * NOTE: simplification: no extrapolation to the window's edges (Prometheus' increase() extrapolates).
 */
export function toRates(
  inputs: readonly { file: string; parsed: ParsedInput }[],
  windowMs: number | undefined,
): Rated {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  const unique: InputSeries[] = [];
  let hintMs: number | undefined;
  for (const { file, parsed } of inputs) {
    hintMs ??= parsed.windowMsHint;
    for (const s of parsed.series) {
      const key = `${s.metric}\u0000${s.le ?? ''}\u0000${s.kind}\u0000${JSON.stringify(Object.entries(s.labels).sort())}`;
      const first = seen.get(key);
      if (first !== undefined) {
        diagnostics.push(
          diagnostic(
            'MSIM3185',
            'warning',
            file,
            `series given twice (first at ${first}): the first is used`,
            { path: s.where },
          ),
        );
        continue;
      }
      seen.set(key, s.where);
      unique.push(s);
    }
  }
  let tFirst = Number.POSITIVE_INFINITY;
  let tLast = Number.NEGATIVE_INFINITY;
  for (const s of unique) {
    if (s.kind !== 'counter' || s.points.length < 2) continue;
    for (const p of s.points)
      if (p.t !== undefined) {
        tFirst = Math.min(tFirst, p.t);
        tLast = Math.max(tLast, p.t);
      }
  }
  const spanS = tLast > tFirst ? tLast - tFirst : undefined;
  const totalS = windowMs !== undefined ? windowMs / 1000 : hintMs !== undefined ? hintMs / 1000 : undefined;
  const series: RatedSeries[] = [];
  let missingWindow: InputSeries | undefined;
  for (const s of unique) {
    if (s.points.length === 0) continue;
    let ratePerS: number;
    if (s.kind === 'rate') ratePerS = s.points.reduce((a, p) => a + p.v, 0) / s.points.length;
    else if (spanS !== undefined && s.points.length >= 2 && s.points.every((p) => p.t !== undefined))
      ratePerS = increase(s, tFirst) / spanS;
    else if (totalS !== undefined) ratePerS = s.points[s.points.length - 1]!.v / totalS;
    else {
      missingWindow ??= s;
      continue;
    }
    if (!Number.isFinite(ratePerS) || ratePerS < 0) continue;
    const r: RatedSeries = { metric: s.metric, labels: s.labels, ratePerS };
    if (s.le !== undefined) r.le = s.le;
    series.push(r);
  }
  if (missingWindow)
    diagnostics.push(
      diagnostic(
        'MSIM3184',
        'error',
        missingWindow.where.split(/[: ]/)[0]!,
        'counter totals without timestamps need the window they cover: pass --window (e.g. --window 5m)',
        { path: missingWindow.where },
      ),
    );
  return { series, windowS: windowMs !== undefined ? windowMs / 1000 : (spanS ?? totalS), diagnostics };
}

function increase(s: InputSeries, tFirst: number): number {
  const pts = s.points;
  // A series created inside the window started from 0 (its first sample is already an increase).
  let inc = pts[0]!.t! > tFirst + 1e-6 ? pts[0]!.v : 0;
  let prev = pts[0]!.v;
  for (let i = 1; i < pts.length; i++) {
    const v = pts[i]!.v;
    inc += v >= prev ? v - prev : v;
    prev = v;
  }
  return inc;
}
