/** Two-sided 95 % Student-t critical values for 1..30 degrees of freedom; above 30 a normal-ish tail. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical95(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY;
  if (df <= 30) return T975[df - 1]!;
  // Cornish-Fisher style correction of z = 1.96; within 0.1 % of the exact value for df > 30.
  return 1.959964 + 2.37227 / df + 2.8225 / (df * df);
}

export interface MeanEstimate {
  mean: number;
  /** Half-width of the 95 % confidence interval. */
  halfWidth: number;
  n: number;
}

/** Mean and 95 % CI of independent observations (replications, batch means). */
export function meanWithCi(values: readonly number[]): MeanEstimate {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, halfWidth: Number.NaN, n };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, halfWidth: Number.POSITIVE_INFINITY, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  return { mean, halfWidth: (tCritical95(n - 1) * sd) / Math.sqrt(n), n };
}

/**
 * Batch means: splits a (possibly autocorrelated) output sequence such as successive waiting times into
 * `batches` contiguous batches and treats the batch averages as independent, the standard way to put a
 * confidence interval on a steady-state mean from one long run.
 */
export function batchMeans(values: ArrayLike<number>, batches = 30): MeanEstimate {
  const size = Math.floor(values.length / batches);
  const means: number[] = [];
  for (let b = 0; b < batches && size > 0; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += values[i]!;
    means.push(s / size);
  }
  return meanWithCi(means);
}
