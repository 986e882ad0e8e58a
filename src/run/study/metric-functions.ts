/**
 * The figures a study, a gate or a tuning objective can name, written like calls:
 * `success_rate(frontend)`, `p99(product-service)`, `count(UO)`, `amplification(backend)`. One table,
 * used by the assertion parser (names and arity, positioned errors) and by the evaluator (metrics.ts).
 * docs/studies.md lists them.
 */
import { ROLLOUT_METRICS } from '../progressive-delivery/rollout-metrics.js';

export type MetricUnit = 'ratio' | 'ms' | 'count' | 'rate';

export interface MetricFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly unit: MetricUnit;
  readonly doc: string;
}

const latency = (q: string): MetricFunction => ({
  minArgs: 1,
  maxArgs: 1,
  unit: 'ms',
  doc: `${q} latency (ms) of a client (end to end) or a service (per try)`,
});

export const METRIC_FUNCTIONS: Readonly<Record<string, MetricFunction>> = {
  success_rate: {
    minArgs: 1,
    maxArgs: 1,
    unit: 'ratio',
    doc: 'share of requests not answered 5xx and not timed out (client), or of tries not 5xx (service)',
  },
  error_rate: { minArgs: 1, maxArgs: 1, unit: 'ratio', doc: '1 - success_rate' },
  p50: latency('median'),
  p75: latency('75th percentile'),
  p90: latency('90th percentile'),
  p99: latency('99th percentile'),
  p999: latency('99.9th percentile'),
  max: latency('maximum'),
  mean: latency('mean'),
  min: latency('minimum'),
  requests: {
    minArgs: 1,
    maxArgs: 1,
    unit: 'count',
    doc: 'requests a client started, or tries (retries and mirrors included) a service received',
  },
  qps: { minArgs: 1, maxArgs: 1, unit: 'rate', doc: 'requests (tries) per second over the measured window' },
  timeouts: { minArgs: 1, maxArgs: 1, unit: 'count', doc: "a client's own timeouts" },
  count: {
    minArgs: 1,
    maxArgs: 2,
    unit: 'count',
    doc: 'client responses with a response flag (UO, URX, UF, UH, UT, ...) or a status code, over every client or one',
  },
  amplification: {
    minArgs: 1,
    maxArgs: 1,
    unit: 'ratio',
    doc: 'tries a service received per request the clients started (retry amplification)',
  },
  ejections: {
    minArgs: 0,
    maxArgs: 1,
    unit: 'count',
    doc: 'outlier ejections (by every client sidecar), of every service or one',
  },
  ejected_healthy: {
    minArgs: 0,
    maxArgs: 0,
    unit: 'ratio',
    doc: 'share of healthy pods (at most 1 % injected errors, not targeted by chaos) ejected at least once',
  },
  stat: {
    minArgs: 1,
    maxArgs: 2,
    unit: 'count',
    doc: 'an Envoy cluster stat (upstream_rq_pending_overflow, ...) summed over clusters, of every service or one',
  },
  // progressive delivery (run/progressive-delivery/rollout-metrics.ts)
  rolled_back: { minArgs: 1, maxArgs: 1, unit: 'ratio', doc: ROLLOUT_METRICS.rolled_back },
  promoted: { minArgs: 1, maxArgs: 1, unit: 'ratio', doc: ROLLOUT_METRICS.promoted },
  rollout_seconds: { minArgs: 1, maxArgs: 1, unit: 'count', doc: ROLLOUT_METRICS.rollout_seconds },
};

/** `fn(arg, ...)` in canonical spelling: the key figures are stored under. */
export interface MetricCall {
  fn: string;
  args: readonly string[];
}

export function formatMetricCall(c: MetricCall): string {
  return `${c.fn}(${c.args.join(', ')})`;
}
