/**
 * Simulated time as wall-clock timestamps: simulated ms 0 is SIM_EPOCH (2025-01-01T00:00:00Z), fixed so
 * that the same run prints the same bytes. Access logs (%START_TIME%) and OpenMetrics timestamps use it.
 */
export const SIM_EPOCH_MS = Date.UTC(2025, 0, 1);

/** RFC 3339 with milliseconds in UTC, as Envoy's default %START_TIME% (`2025-01-01T00:00:05.123Z`). */
export function rfc3339(simMs: number): string {
  return new Date(SIM_EPOCH_MS + Math.floor(simMs)).toISOString();
}

/** Seconds since the Unix epoch with millisecond precision (`1735689605.123`), OpenMetrics' timestamp unit. */
export function unixSeconds(simMs: number): string {
  const ms = SIM_EPOCH_MS + Math.round(simMs);
  const frac = ms % 1000;
  return frac === 0
    ? String(ms / 1000)
    : `${Math.floor(ms / 1000)}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}
