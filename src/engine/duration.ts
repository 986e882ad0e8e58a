/** Result of parsing user input inside the engine: never throws, the caller positions the message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go/protobuf-style duration ("10s", "1.5s", "250ms", "1h30m") into milliseconds, the form
 * Istio accepts in VirtualService and DestinationRule duration fields.
 */
export function parseDurationMs(text: string): Parsed<number> {
  const s = text.trim();
  if (s === '0') return { ok: true, value: 0 };
  if (s.length === 0) return { ok: false, message: 'empty duration' };
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (m === null) {
      const hint = /^\d+(\.\d+)?$/.test(s) ? ` (add a unit, e.g. "${s}s" or "${s}ms")` : '';
      return { ok: false, message: `invalid duration "${text}" at "${s.slice(start)}"${hint}` };
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return { ok: true, value: total };
}

/** Formats milliseconds the way Istio users write durations: "1.5s", "250ms", "2m". */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}
