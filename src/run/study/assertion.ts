import { didYouMean } from '../../config/suggest.js';
import { formatMetricCall, METRIC_FUNCTIONS, type MetricCall } from './metric-functions.js';

/**
 * CI gates: `success_rate(frontend) >= 0.999`, `p99(product-service) < 250ms`, `count(UO) == 0`.
 * A tiny recursive-descent parser over one line; every error carries the 1-based column it points at.
 *
 *   assertion := call op number unit?
 *   call      := name '(' [arg (',' arg)*] ')'
 *   op        := '>=' | '<=' | '>' | '<' | '==' | '!='
 *   unit      := 'ms' | 's' | '%'          (latencies are compared in ms, '%' divides by 100)
 */
export type Comparison = '>=' | '<=' | '>' | '<' | '==' | '!=';

export interface Assertion {
  /** The text as written (trimmed). */
  source: string;
  metric: MetricCall;
  op: Comparison;
  /** Threshold in the metric's unit (ms for latencies, 0..1 for ratios). */
  threshold: number;
}

export interface ParseError {
  message: string;
  /** 1-based column in the assertion text. */
  column: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

const OPS: readonly Comparison[] = ['>=', '<=', '==', '!=', '>', '<'];
const ARG = /[A-Za-z0-9_.\-/|:*]/;

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  fail(message: string, at = this.i): { ok: false; error: ParseError } {
    return { ok: false, error: { message, column: at + 1 } };
  }
}

function parseCall(c: Cursor): Parsed<MetricCall> {
  c.ws();
  const start = c.i;
  while (/[a-z0-9_]/i.test(c.peek())) c.i++;
  const fn = c.s.slice(start, c.i);
  if (fn === '') return c.fail('expected a metric such as success_rate(frontend), p99(svc) or count(UO)');
  const spec = METRIC_FUNCTIONS[fn];
  if (spec === undefined) {
    const hint = didYouMean(fn, Object.keys(METRIC_FUNCTIONS));
    return c.fail(
      `unknown metric "${fn}"${hint ? `; did you mean "${hint}"?` : ''} (known: ${Object.keys(METRIC_FUNCTIONS).join(', ')})`,
      start,
    );
  }
  c.ws();
  if (c.peek() !== '(') return c.fail(`expected "(" after ${fn}`);
  c.i++;
  const args: string[] = [];
  c.ws();
  if (c.peek() === ')') c.i++;
  else {
    for (;;) {
      c.ws();
      const a0 = c.i;
      let arg: string;
      const q = c.peek();
      if (q === '"' || q === "'") {
        const end = c.s.indexOf(q, c.i + 1);
        if (end < 0) return c.fail('unterminated quoted argument');
        arg = c.s.slice(c.i + 1, end);
        c.i = end + 1;
      } else {
        while (ARG.test(c.peek())) c.i++;
        arg = c.s.slice(a0, c.i);
      }
      if (arg === '') return c.fail('expected an argument (a client, a service, a flag or a stat name)');
      args.push(arg);
      c.ws();
      if (c.peek() === ',') {
        c.i++;
        continue;
      }
      if (c.peek() === ')') {
        c.i++;
        break;
      }
      return c.fail(c.i >= c.s.length ? `missing ")" to close ${fn}(` : 'expected "," or ")"');
    }
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
    return c.fail(`${fn} takes ${want} argument${spec.maxArgs === 1 ? '' : 's'}, got ${args.length}`, start);
  }
  return { ok: true, value: { fn, args } };
}

/** Parses a bare metric call (sweep `metrics:`, tune objectives). */
export function parseMetric(text: string): Parsed<MetricCall> {
  const c = new Cursor(text);
  const r = parseCall(c);
  if (!r.ok) return r;
  c.ws();
  if (c.i < c.s.length) return c.fail('unexpected text after the metric');
  return r;
}

export function parseAssertion(text: string): Parsed<Assertion> {
  const c = new Cursor(text);
  const call = parseCall(c);
  if (!call.ok) return call;
  c.ws();
  const op = OPS.find((o) => c.s.startsWith(o, c.i));
  if (op === undefined)
    return c.fail(
      c.s.startsWith('=', c.i)
        ? 'use "==" to compare for equality'
        : 'expected a comparison operator (>=, <=, >, <, ==, !=)',
    );
  c.i += op.length;
  c.ws();
  const n0 = c.i;
  const m = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(c.s.slice(c.i));
  if (m === null) return c.fail('expected a number');
  c.i += m[0].length;
  let threshold = Number(m[0]);
  c.ws();
  const u0 = c.i;
  const unit = /^(ms|s|%)(?![A-Za-z])/.exec(c.s.slice(c.i))?.[0];
  const kind = METRIC_FUNCTIONS[call.value.fn]!.unit;
  if (unit !== undefined) {
    c.i += unit.length;
    if ((unit === 'ms' || unit === 's') && kind !== 'ms')
      return c.fail(`${call.value.fn} is not a latency; "${unit}" does not apply`, u0);
    if (unit === '%' && kind !== 'ratio')
      return c.fail(`${call.value.fn} is not a ratio; "%" does not apply`, u0);
    if (unit === 's') threshold *= 1000;
    if (unit === '%') threshold /= 100;
  } else if (kind === 'ms' && /[a-z]/i.test(c.peek())) {
    return c.fail('latency unit must be ms or s', u0);
  }
  c.ws();
  if (c.i < c.s.length) return c.fail('unexpected text after the threshold');
  if (!Number.isFinite(threshold)) return c.fail('threshold is not a finite number', n0);
  return { ok: true, value: { source: text.trim(), metric: call.value, op, threshold } };
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (op) {
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** "assertion 'x': column 7: message" plus the line and a caret under the column. */
export function formatParseError(text: string, e: ParseError, label = 'assertion'): string {
  return `${label} "${text}": column ${e.column}: ${e.message}\n  ${text}\n  ${' '.repeat(e.column - 1)}^`;
}

export { formatMetricCall };
