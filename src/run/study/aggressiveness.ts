import { parseDurationMs } from '../../engine/index.js';
import type { ParamValue } from './patch.js';
import { levelsOf, type ParameterSpec } from './plan.js';

/**
 * Which way each tunable knob gets more aggressive, so that `meshsim tune` breaks ties toward the gentler
 * setting (an SRE applies the least intrusive change that does the job). `lower`: a lower value acts
 * sooner or limits harder; `higher`: a higher value does. Knobs not listed have no direction.
 *
 * - outlierDetection (Istio DestinationRule OutlierDetection; Envoy outlier_detection.proto):
 *   consecutive5xxErrors / consecutiveGatewayErrors / consecutiveLocalOriginFailures: fewer failures
 *   eject; interval: sweeps more often; baseEjectionTime: ejections last longer; maxEjectionPercent: more
 *   of the pool may go; minHealthPercent: detection stays on with fewer healthy hosts.
 * - connectionPool (Istio ConnectionPoolSettings; Envoy circuit breakers): fewer connections, pending
 *   requests, requests, retries or requests per connection restrict more.
 * - retries (Istio HTTPRetry): more attempts add load; a shorter perTryTimeout gives up sooner.
 * - timeout (Istio HTTPRoute.timeout): a shorter one fails requests sooner.
 */
const DIRECTION: Readonly<Record<string, 'lower' | 'higher'>> = {
  consecutive5xxErrors: 'lower',
  consecutiveGatewayErrors: 'lower',
  consecutiveLocalOriginFailures: 'lower',
  consecutiveErrors: 'lower',
  interval: 'lower',
  baseEjectionTime: 'higher',
  maxEjectionPercent: 'higher',
  minHealthPercent: 'lower',
  maxConnections: 'lower',
  http1MaxPendingRequests: 'lower',
  http2MaxRequests: 'lower',
  maxRequestsPerConnection: 'lower',
  maxRetries: 'lower',
  maxConcurrentStreams: 'lower',
  attempts: 'higher',
  perTryTimeout: 'lower',
  timeout: 'lower',
};

/** The field's own name: the last segment of its address's path. */
export function knobName(p: ParameterSpec): string {
  const segs = p.address.path.filter((s): s is string => typeof s === 'string');
  return segs[segs.length - 1] ?? '';
}

export function directionOf(p: ParameterSpec): 'lower' | 'higher' | undefined {
  return DIRECTION[knobName(p)];
}

function numeric(v: ParamValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const d = parseDurationMs(v);
  return d.ok ? d.value : undefined;
}

/**
 * 0 (gentlest) to 1 (most aggressive) for one knob's value: its position between the smallest and the
 * largest level of the parameter, flipped for `lower` knobs. Undefined for knobs without a direction.
 */
export function knobAggressiveness(p: ParameterSpec, v: ParamValue): number | undefined {
  const dir = directionOf(p);
  const x = numeric(v);
  if (dir === undefined || x === undefined) return undefined;
  const range = p.range ? [p.range.min, p.range.max] : undefined;
  const levels =
    range ??
    levelsOf(p)
      .map(numeric)
      .filter((n): n is number => n !== undefined);
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  if (!(hi > lo)) return 0;
  const t = (x - lo) / (hi - lo);
  return dir === 'higher' ? t : 1 - t;
}

/** A setting's aggressiveness: the sum over knobs with a direction (lower = gentler). */
export function aggressiveness(params: readonly ParameterSpec[], values: readonly ParamValue[]): number {
  let sum = 0;
  params.forEach((p, i) => {
    sum += knobAggressiveness(p, values[i]!) ?? 0;
  });
  return sum;
}
