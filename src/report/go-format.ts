/**
 * Go's fmt verbs that fortio's text output uses, so meshsim's lines read exactly like fortio's:
 * `%g` / `%.Ng` (Go `strconv.FormatFloat` with 'g': shortest or N significant digits, trailing zeros
 * dropped, exponent form when the exponent is < -4 or >= the precision, 6 for the shortest form) and
 * `time.Duration.String()` (`1m40.026212379s`, `5.098196115s`, `455.218ms`).
 */
export function goG(x: number, precision?: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
  const sign = x < 0 ? '-' : '';
  const e = precision === undefined ? Math.abs(x).toExponential() : Math.abs(x).toExponential(precision - 1);
  const [mant, expStr] = e.split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(expStr);
  const nd = digits.length;
  const dp = exp + 1;
  let eprec = precision ?? 6;
  if (precision !== undefined && eprec > nd && nd >= dp) eprec = nd;
  if (precision === undefined) eprec = 6;
  if (exp < -4 || exp >= eprec) {
    const m = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= nd) return `${sign}${digits}${'0'.repeat(dp - nd)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** Go's `time.Duration.String()` of a duration in ms (kept to the nanosecond, as Go's Duration is). */
export function goDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1e3) out = `${ns}ns`;
  else if (ns < 1e6) out = `${trimFraction(ns, 1e3)}µs`;
  else if (ns < 1e9) out = `${trimFraction(ns, 1e6)}ms`;
  else {
    const h = Math.floor(ns / 3.6e12);
    const m = Math.floor((ns % 3.6e12) / 6e10);
    const s = trimFraction(ns % 6e10, 1e9);
    out = `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
  }
  return neg ? `-${out}` : out;
}

/** `ns / unit` with the fraction's trailing zeros dropped (integers exact: no floating-point division). */
function trimFraction(ns: number, unit: number): string {
  const whole = Math.floor(ns / unit);
  const frac = ns - whole * unit;
  if (frac === 0) return String(whole);
  const width = Math.round(Math.log10(unit));
  return `${whole}.${String(frac).padStart(width, '0').replace(/0+$/, '')}`;
}
