/**
 * Kubernetes resource quantities ("100m", "0.5", "2", "1Gi", "1e3"), as apimachinery's
 * `resource.ParseQuantity` reads them (k8s.io/apimachinery/pkg/api/resource/quantity.go): a signed
 * decimal number, then a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E)
 * or a decimal exponent (e3, E-2).
 */
const QUANTITY =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const SCALE: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The quantity's milli-value, rounded up as `Quantity.MilliValue()` rounds ("returns ceil(q * 1000)"),
 * or a message saying what was expected. Numbers (YAML `cpu: 1`) are quantities too.
 */
export function parseMilliQuantity(v: unknown): { milli: number } | { error: string } {
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string')
    return { error: `expected a quantity such as "500m" or "2", got ${typeof v}` };
  const m = QUANTITY.exec(text.trim());
  if (m === null)
    return {
      error: `"${text}" is not a valid quantity: expected a number with an optional suffix (m, k, M, Ki, Mi ..., or an exponent such as e3)`,
    };
  const suffix = m[2] ?? '';
  const scale =
    suffix.startsWith('e') || suffix.startsWith('E') ? 10 ** Number(suffix.slice(1)) : SCALE[suffix]!;
  const milli = Number(m[1]) * scale * 1000;
  if (!Number.isFinite(milli) || Math.abs(milli) > Number.MAX_SAFE_INTEGER)
    return { error: `"${text}" is out of range` };
  // Round up, with a guard against binary noise such as 0.3 * 1000 = 300.00000000000006.
  return { milli: Math.ceil(milli - 1e-9 * Math.max(1, Math.abs(milli))) };
}
