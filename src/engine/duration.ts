/** Result of parsing user input inside the engine: never throws, the caller positions the message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Nanoseconds per unit, Go's `unitMap` (golang/go src/time/format.go): µs is U+00B5 or U+03BC. */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
/** Go's `time.Duration` is an int64 of nanoseconds: ParseDuration refuses anything larger. */
const MAX_NS = (1n << 63n) - 1n;
/** Fraction digits that can still change the result at ns precision (Go stops accumulating too). */
const MAX_FRACTION_DIGITS = 18;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Parses a duration exactly as Go's `time.ParseDuration` (golang/go src/time/format.go) accepts it,
 * which is how Istio reads VirtualService and DestinationRule durations: `[-+]?([0-9]*(\.[0-9]*)?unit)+`
 * with units ns, us, µs, ms, s, m, h; "0" alone needs no unit; no spaces; anything above Go's int64
 * nanoseconds (about 292 years) is refused as overflow. Returns milliseconds. Negative durations, which
 * Go's syntax allows, are refused here: no meshsim or Istio duration field accepts them (Istio's
 * `ValidateDuration`, pkg/config/validation, requires at least 1ms).
 */
export function parseDurationMs(text: string): Parsed<number> {
  if (typeof text !== 'string') return { ok: false, message: 'expected a duration string such as "10s"' };
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    message: `invalid duration ${JSON.stringify(shown)}: ${why}`,
  });
  let i = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    i = 1;
  }
  const rest = text.slice(i);
  if (rest === '0') return { ok: true, value: 0 };
  if (rest === '') return bad('empty');
  if (/^\d+(\.\d*)?$/.test(rest))
    return bad(`a unit is required (Go's time.ParseDuration needs one): write "${rest}s" or "${rest}ms"`);
  let total = 0n;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!(c === 46 || isDigit(c)))
      return bad(
        c === 32 || c === 9
          ? 'spaces are not allowed (Go and Istio reject them)'
          : `expected a number at ${JSON.stringify(text.slice(i, i + 10))}`,
      );
    const intStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    const hasInt = i > intStart;
    const intDigits = text.slice(intStart, i).replace(/^0+/, '');
    let fracDigits = '';
    let hasFrac = false;
    if (text[i] === '.') {
      i++;
      const fracStart = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      fracDigits = text.slice(fracStart, i);
      hasFrac = fracDigits.length > 0;
    }
    // Go: `if !pre && !post` (no digit before or after the point) is an error.
    if (!hasInt && !hasFrac) return bad('a number is required before the unit');
    const unitStart = i;
    while (i < text.length && text[i] !== '.' && !isDigit(text.charCodeAt(i))) i++;
    const unit = text.slice(unitStart, i);
    if (unit === '') return bad('missing unit (ns, us, ms, s, m or h)');
    const ns = UNIT_NS[unit];
    if (ns === undefined)
      return bad(
        /\s/.test(unit)
          ? 'spaces are not allowed (Go and Istio reject them)'
          : `unknown unit ${JSON.stringify(unit)} (use ns, us, ms, s, m or h)`,
      );
    // Go refuses an integer part above 2^63 outright (leadingInt overflow), before multiplying.
    if (intDigits.length > 19) return bad("overflow: above Go's largest duration (about 292 years)");
    let part = BigInt(intDigits === '' ? '0' : intDigits) * ns;
    if (hasFrac) {
      const f = fracDigits.slice(0, MAX_FRACTION_DIGITS);
      part += (BigInt(f) * ns) / 10n ** BigInt(f.length);
    }
    total += part;
    if (total > MAX_NS) return bad("overflow: above Go's largest duration (about 292 years)");
  }
  if (negative && total > 0n) return bad('negative durations are not allowed');
  return { ok: true, value: Number(total) / 1e6 };
}

/** Formats milliseconds the way Istio users write durations: "1.5s", "250ms", "2m". */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}
