import type { Scenario, WorkloadBehaviour } from '../../config/scenario/types.js';
import type { Distribution, Rng } from '../../engine/index.js';

/**
 * The background of errors and slow responses `meshsim tune` gives healthy pods (docs/studies.md). A
 * model whose healthy pods never fail makes a hair-trigger outlier detector free: consecutive5xxErrors 1
 * ejects nothing healthy and ranks first, advice no SRE would take. Real healthy services fail a little:
 *
 * - errors: 0.1 % 503s, the whole error budget of a 99.9 % availability SLO (Google SRE book, ch. 3
 *   "Embracing Risk", and ch. 4 "Service Level Objectives"): a healthy service may spend it.
 * - slow: 0.1 % of responses take 1 s, the rare slow request an order of magnitude or two above the
 *   median that every large service has (Dean & Barroso, "The Tail at Scale", CACM 2013): GC pauses,
 *   cold caches, noisy neighbours. At 0.1 % it shapes p99.9 and timeouts, not p99.
 *
 * It applies to every workload whose scenario behaviour injects no errors (the scenario says nothing
 * about its failures); a workload with its own `errors`, and chaos events (`set`), keep what they say.
 * Both stay under the 1 % that `ejected_healthy()` counts as healthy.
 *
 * NOTE: simplification: background errors and slow responses are independent per request; real ones
 * come in bursts (a GC pause slows every request in flight).
 */
export interface Background {
  errors: { status: number; rate: number };
  slow: { rate: number; latencyMs: number };
}

export const DEFAULT_BACKGROUND: Background = {
  errors: { status: 503, rate: 0.001 },
  slow: { rate: 0.001, latencyMs: 1000 },
};

/**
 * `base` with probability 1 - rate, a constant `latencyMs` with probability `rate`: one uniform draw per
 * sample like every meshsim distribution (u below 1 - rate is rescaled into base's quantile), so adding
 * the tail keeps every stream aligned (common random numbers).
 */
export class WithSlowTail implements Distribution {
  readonly kind: Distribution['kind'];
  readonly mean: number;
  constructor(
    private readonly base: Distribution,
    private readonly rate: number,
    private readonly latencyMs: number,
  ) {
    this.kind = base.kind;
    this.mean = (1 - rate) * base.mean + rate * latencyMs;
  }
  quantile(u: number): number {
    const body = 1 - this.rate;
    return u < body ? this.base.quantile(u / body) : this.latencyMs;
  }
  sample(rng: Rng): number {
    return this.quantile(rng.next());
  }
}

function withTail(b: WorkloadBehaviour, bg: Background): WorkloadBehaviour {
  if (b.errors.some((e) => e.rate > 0)) return b;
  return {
    ...b,
    errors: bg.errors.rate > 0 ? [{ status: bg.errors.status, rate: bg.errors.rate }] : [],
    latency: bg.slow.rate > 0 ? new WithSlowTail(b.latency, bg.slow.rate, bg.slow.latencyMs) : b.latency,
  };
}

/** The scenario with the background on every workload that injects no errors of its own. */
export function withBackground(s: Scenario, bg: Background): Scenario {
  const workloads = new Map<string, WorkloadBehaviour>();
  for (const [k, b] of s.workloads) workloads.set(k, withTail(b, bg));
  return { ...s, workloads, defaultBehaviour: withTail(s.defaultBehaviour, bg) };
}
