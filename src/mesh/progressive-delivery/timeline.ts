/**
 * What a progressive-delivery controller decided and when: one entry per reconcile that changed or checked
 * something, in the words of the controller's own events (Flagger's "Advance podinfo.test canary weight 20",
 * Argo's step and analysis phases). Plain data for the Result (run/result.ts `progressiveDelivery`).
 */

export type MetricVerdict = 'pass' | 'fail' | 'no-data' | 'inconclusive' | 'error' | 'skipped';

export interface MetricCheck {
  name: string;
  /** The query's value (null when it returned nothing or NaN). */
  value: number | null;
  verdict: MetricVerdict;
}

export type Verdict =
  | 'start'
  | 'advance'
  | 'hold'
  | 'promote'
  | 'finalise'
  | 'succeeded'
  | 'rollback'
  | 'pause'
  | 'measure'
  | 'abort'
  | 'paused-indefinitely';

export interface Decision {
  timeMs: number;
  /** Flagger: analysis tick number (1-based); Argo: the current step index. */
  step: number;
  /** Canary traffic weight after the decision (0-100). */
  weight: number;
  phase: string;
  verdict: Verdict;
  metrics: MetricCheck[];
  message: string;
  /** Flagger's failed-check counter after the decision. */
  failedChecks?: number;
}

/** Requests over the rollout, as Istio's metrics count them (reporter=destination: served by each version). */
export interface RolloutImpact {
  fromMs: number;
  toMs: number;
  /** Per destination workload (`namespace/name`): requests served, 5xx answered, p99 (ms, from buckets). */
  served: {
    workload: string;
    requests: number;
    errors5xx: number;
    errorRate: number;
    p99Ms: number | null;
  }[];
  /** What the callers got back (reporter=source, after retries) for requests to either version. */
  callers: { requests: number; errors5xx: number; errorRate: number; p99Ms: number | null };
}

export interface ControllerResult {
  controller: 'flagger' | 'argo-rollouts';
  kind: 'Canary' | 'Rollout';
  /** `namespace/name` of the Canary or Rollout. */
  name: string;
  /** succeeded | failed (Flagger); healthy | degraded | paused | progressing (Argo, at the end of the run). */
  outcome: string;
  /** When the controller reached its final phase (null: still going when the run ended). */
  finishedAtMs: number | null;
  finalWeight: number;
  decisions: Decision[];
  impact: RolloutImpact;
}
