import { format } from 'd3';

/**
 * The units a panel's y axis reads in, after Grafana's (the Istio dashboards use `ops` for request volume,
 * `percentunit` for success rate and `s` for durations): every tick label carries its unit, so a latency
 * axis reads "1.5 s", never a bare "1.5k".
 */
export type Unit = 'req/s' | '/s' | 'percent' | 'ms' | 'requests' | 'pods';

const si = format('~s');
const fixed = (v: number) => (Number.isInteger(v) ? String(v) : format('~r')(+v.toPrecision(3)));

/** A duration in ms as Grafana's `s` unit shows it: ms below one second, s from there on. */
export function formatDurationMs(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) < 1) return `${+(v * 1000).toPrecision(3)} µs`;
  if (Math.abs(v) < 999.5) return `${fixed(v)} ms`;
  return `${fixed(v / 1000)} s`;
}

/** Tick label of a y value in a unit (the unit inside the label, so an exported panel keeps it too). */
export function formatTick(unit: Unit, v: number): string {
  switch (unit) {
    case 'ms':
      return formatDurationMs(v);
    case 'percent':
      return `${fixed(v)} %`;
    case 'req/s':
    case '/s':
      return `${v < 1000 ? fixed(v) : si(v)}/s`;
    case 'requests':
    case 'pods':
      return v < 1000 ? fixed(v) : si(v);
  }
}

/** The axis title printed above the y axis. */
export function unitTitle(unit: Unit): string {
  switch (unit) {
    case 'ms':
      return 'duration';
    case 'percent':
      return '% non-5xx';
    case 'req/s':
      return 'requests/s';
    case '/s':
      return 'per second';
    case 'requests':
      return 'requests';
    case 'pods':
      return 'pods';
  }
}
