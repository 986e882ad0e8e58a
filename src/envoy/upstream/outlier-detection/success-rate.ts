/**
 * Success-rate and failure-percentage detection constants: Envoy's defaults, which istiod never changes
 * (Envoy outlier_detection_impl.cc ejection step 6). Istio sets enforcing_success_rate to 0 and leaves enforcing_failure_percentage
 * at 0, so these only ever produce `ejections_detected_*` stats.
 */
export const SUCCESS_RATE_MINIMUM_HOSTS = 5;
export const SUCCESS_RATE_REQUEST_VOLUME = 100;
/** success_rate_stdev_factor 1900 / 1000. */
export const SUCCESS_RATE_STDEV_FACTOR = 1.9;
export const FAILURE_PERCENTAGE_THRESHOLD = 85;
export const FAILURE_PERCENTAGE_MINIMUM_HOSTS = 5;
export const FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;

/**
 * Envoy's successRateEjectionThreshold: mean − factor × population standard deviation of the valid
 * hosts' success rates (percent).
 */
export function successRateEjectionThreshold(
  rates: readonly number[],
  factor = SUCCESS_RATE_STDEV_FACTOR,
): number {
  let sum = 0;
  for (const r of rates) sum += r;
  const mean = sum / rates.length;
  let variance = 0;
  for (const r of rates) variance += (r - mean) * (r - mean);
  variance /= rates.length;
  return mean - factor * Math.sqrt(variance);
}
