/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 * Sampling by inversion uses exactly one uniform per draw and is monotone in it, so two runs that
 * differ only in a distribution's parameters keep their draws aligned (common random numbers).
 *
 * Every latency draw passes through here, so the coefficients are literals in Horner form: no array
 * loads or bounds checks per call, and nothing allocated. The arithmetic (order of operations) is the
 * same as the tabulated form, so draws are bit-identical.
 */
const P_LOW = 0.02425;

/** Acklam's tail: q = sqrt(-2 ln p) for the lower tail (coefficients c1..c6 over d1..d4). */
function tail(q: number): number {
  return (
    (((((-0.007784894002430293 * q + -0.3223964580411365) * q + -2.400758277161838) * q +
      -2.549732539343734) *
      q +
      4.374664141464968) *
      q +
      2.938163982698783) /
    ((((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q + 3.754408661907416) * q +
      1)
  );
}

export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p <= 1 - P_LOW) {
    // Central region: a1..a6 over b1..b5 in r = (p - 0.5)^2.
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((-39.69683028665376 * r + 220.9460984245205) * r + -275.9285104469687) * r + 138.357751867269) *
        r +
        -30.66479806614716) *
        r +
        2.506628277459239) *
        q) /
      (((((-54.47609879822406 * r + 161.5858368580409) * r + -155.6989798598866) * r + 66.80131188771972) *
        r +
        -13.28068155288572) *
        r +
        1)
    );
  }
  return -tail(Math.sqrt(-2 * Math.log(1 - p)));
}

/** z such that P(Z <= z) = 0.99. */
export const Z99 = 2.3263478740408408;
