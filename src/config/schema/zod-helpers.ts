/**
 * Leaf schemas with the messages a Kubernetes user needs (what was expected, what YAML produced, how to
 * fix it). Objects are strict: an unknown field is an error with a did-you-mean, as the API server's
 * strict field validation and Istio's CRD schemas reject them.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { parseDurationMs } from '../../engine/duration.js';
import { didYouMean } from '../suggest.js';

/** Message marker for a missing required field; issues.ts names the field. */
export const MISSING = '\u0000missing';

const YAML11_BOOL_WORDS =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date)
    return 'a timestamp (YAML 1.1 reads unquoted dates such as 2024-01-01 as timestamps: quote the value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `the number ${v}`;
  return `${typeof v === 'number' ? 'the number' : 'the boolean'} ${String(v)}`;
}

/** "expected X, got Y" plus the fix for the usual YAML surprises. */
export function expected(what: string, input: unknown): string {
  if (input === undefined) return MISSING;
  let hint = '';
  if (what.includes('duration') && typeof input === 'number')
    hint = ` (add a unit, e.g. "${input}s" or "${input}ms")`;
  else if (what.includes('string') && (typeof input === 'number' || typeof input === 'boolean'))
    hint =
      typeof input === 'boolean'
        ? ' (YAML 1.1, which Kubernetes uses, reads unquoted yes/no/on/off/true/false as booleans: quote the value)'
        : ' (quote the value: unquoted numbers such as 1.10 or 0777 are read as numbers)';
  else if (
    (what.includes('integer') || what.includes('number')) &&
    typeof input === 'string' &&
    /^-?\d+(\.\d+)?$/.test(input.trim())
  )
    hint = ' (remove the quotes: this field takes a number)';
  else if (what.includes('boolean') && typeof input === 'string' && YAML11_BOOL_WORDS.test(input))
    hint = ' (remove the quotes)';
  return `expected ${what}, got ${describeValue(input)}${hint}`;
}

/** Strict object: unknown keys are reported one per key (issues.ts splits the lines), with suggestions. */
export function obj<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return iss.keys
          .map((k) => {
            const s = didYouMean(k, known);
            return `unknown field "${k}"${s ? ` (did you mean "${s}"?)` : ''}`;
          })
          .join('\n');
      }
      return expected('a mapping', iss.input);
    },
  });
}

export const str = () => z.string({ error: (iss) => expected('a string', iss.input) });
export const nonEmpty = () => str().min(1, { error: 'must not be empty' });
export const bool = () => z.boolean({ error: (iss) => expected('a boolean (true or false)', iss.input) });
export const num = () => z.number({ error: (iss) => expected('a number', iss.input) });

export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number({ error: (iss) => expected('an integer', iss.input) })
    .refine((n) => Number.isInteger(n), { error: (iss) => `expected an integer, got ${String(iss.input)}` })
    .refine((n) => n >= min && n <= max, {
      error: (iss) => `${String(iss.input)} is out of range: must be ${rangeText(min, max)}`,
    });
}

function rangeText(min: number, max: number): string {
  if (max >= Number.MAX_SAFE_INTEGER) return `>= ${min}`;
  if (min <= Number.MIN_SAFE_INTEGER) return `<= ${max}`;
  return `between ${min} and ${max}`;
}

export const uint32 = () => int(0, 4294967295);
export const int32 = () => int(-2147483648, 2147483647);
export const port = () => int(1, 65535);

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: (iss) => expected('a list', iss.input) });
}

export function stringMap() {
  return z.record(z.string(), str(), { error: (iss) => expected('a mapping of strings', iss.input) });
}

export function oneOfEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string({ error: (iss) => expected(`one of ${values.join(', ')}`, iss.input) })
    .refine((v): v is T[number] => (values as readonly string[]).includes(v), {
      error: (iss) => {
        const s = didYouMean(String(iss.input), values);
        return `"${String(iss.input)}" is not one of ${values.join(', ')}${s ? ` (did you mean "${s}"?)` : ''}`;
      },
    }) as unknown as z.ZodType<T[number]>;
}

/**
 * Istio durations (`ValidateDuration`, pkg/config/validation): Go syntax, at least 1 ms and whole
 * milliseconds. `allowZero` for the few fields where 0s means "disabled" (tcp idleTimeout).
 */
export function duration(opts: { allowZero?: boolean } = {}) {
  return z
    .string({ error: (iss) => expected('a duration string such as "10s"', iss.input) })
    .superRefine((s, ctx) => {
      const p = parseDurationMs(s);
      if (!p.ok) {
        ctx.addIssue({ code: 'custom', message: p.message });
        return;
      }
      if (p.value === 0 && opts.allowZero) return;
      if (p.value < 1) ctx.addIssue({ code: 'custom', message: `duration "${s}" must be at least 1ms` });
      else if (Math.abs(p.value - Math.round(p.value)) > 1e-9)
        ctx.addIssue({
          code: 'custom',
          message: `duration "${s}": only durations to ms precision are supported`,
        });
    });
}

export const MAX_REGEX_LENGTH = 1024;

/** RE2 regex as istiod checks it (`validateStringRegexp`): non-empty, <= 1024 characters, compiles. */
export function re2Regex() {
  return str().superRefine((s, ctx) => {
    const problem = regexProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export function regexProblem(s: string): string | undefined {
  if (s.length === 0) return 'regex must not be empty';
  if (s.length > MAX_REGEX_LENGTH)
    return `regex is ${s.length} characters long; the limit is ${MAX_REGEX_LENGTH}`;
  try {
    RE2JS.compile(s);
    return undefined;
  } catch (e) {
    return `invalid RE2 regex "${s.length > 60 ? `${s.slice(0, 60)}...` : s}": ${(e as Error).message}`;
  }
}

/** Istio `Percent` message: `{value: 12.5}`. */
export function percent(check: (v: number) => string | undefined) {
  return obj({ value: num().optional() }).superRefine((p, ctx) => {
    const problem = check(p.value ?? 0);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });
}
