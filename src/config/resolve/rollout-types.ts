/**
 * Resolved progressive-delivery config: Flagger `Canary` / `MetricTemplate` (flagger.app/v1beta1) and Argo
 * Rollouts `Rollout` / `AnalysisTemplate` (argoproj.io/v1alpha1), with the projects' defaults applied and
 * every query and condition parsed. Durations in ms, weights 0-100.
 */
import type { ObjectMeta, SourceRef } from '../types.js';
import type { ConditionExpr } from './argo-rollouts-condition.js';
import type { PromExpr } from './rollout-promql.js';

/** One Flagger metric check (pkg/controller/scheduler_metrics.go runBuiltinMetricChecks / runMetricChecks). */
export interface CanaryMetricConfig {
  name: string;
  /** `request-duration` compares whole milliseconds (observers/istio.go GetRequestDuration truncates). */
  kind: 'request-success-rate' | 'request-duration' | 'template';
  /** The metric's range (`interval`, default 1m: v1beta1 GetMetricInterval). */
  intervalMs: number;
  queryText: string;
  query: PromExpr;
  /** thresholdRange; the deprecated `threshold` is a minimum. */
  min?: number;
  max?: number;
}

export interface CanaryConfig {
  meta: ObjectMeta;
  /** The Deployment under test: Flagger's "canary" workload (`namespace/name`). */
  target: string;
  /** `namespace/<target>-primary`: the copy Flagger creates and promotes into. */
  primary: string;
  /** Services Flagger generates (pkg/router/kubernetes_default.go): FQDNs. */
  apexHost: string;
  primaryHost: string;
  canaryHost: string;
  /** The VirtualService Flagger generates, named after the apex service (pkg/router/istio.go). */
  virtualService: { name: string; namespace: string };
  /** analysis.interval (default 60s, at least 10s: v1beta1 GetAnalysisInterval). */
  intervalMs: number;
  /** Failed checks before rollback (default 1: GetAnalysisThreshold). */
  threshold: number;
  maxWeight: number;
  stepWeight: number;
  stepWeights: readonly number[];
  stepWeightPromotion: number;
  iterations: number;
  strategy: 'canary' | 'ab-testing';
  skipAnalysis: boolean;
  metrics: readonly CanaryMetricConfig[];
}

/** One AnalysisTemplate metric after argument substitution (Argo pkg/apis/rollouts/v1alpha1 Metric). */
export interface AnalysisMetricConfig {
  name: string;
  template: string;
  /** null: a single measurement (EffectiveCount 1 when no interval). */
  intervalMs: number | null;
  initialDelayMs: number;
  /** null: measure until the run is terminated. */
  count: number | null;
  successCondition?: ConditionExpr;
  failureCondition?: ConditionExpr;
  successConditionText?: string;
  failureConditionText?: string;
  /** Default 0 (no failures tolerated); -1 disables. */
  failureLimit: number;
  inconclusiveLimit: number;
  /** Default 4 (utils/defaults DefaultConsecutiveErrorLimit). */
  consecutiveErrorLimit: number;
  /** 0 = disabled. */
  consecutiveSuccessLimit: number;
  queryText: string;
  /** Absent for a provider other than prometheus (not simulated: its measurements succeed). */
  query?: PromExpr;
  dryRun: boolean;
}

export interface AnalysisRunConfig {
  templates: readonly string[];
  metrics: readonly AnalysisMetricConfig[];
}

export type RolloutStep =
  | { kind: 'setWeight'; weight: number }
  /** durationMs null: paused until promoted by hand (`pause: {}`). */
  | { kind: 'pause'; durationMs: number | null }
  | { kind: 'analysis'; run: AnalysisRunConfig }
  /** A step kind meshsim does not simulate (experiment, setCanaryScale ...): completes at once. */
  | { kind: 'skipped'; what: string };

export interface RolloutConfig {
  meta: ObjectMeta;
  replicas: number;
  /** The stable and canary ReplicaSets' workload keys (`namespace/name`). */
  stableWorkload: string;
  canaryWorkload: string;
  steps: readonly RolloutStep[];
  /** Background analysis (strategy.canary.analysis), from `startingStep` (default 0). */
  background?: { run: AnalysisRunConfig; startingStep: number };
  /** The VirtualService routes the controller rewrites (trafficRouting.istio). */
  /** `path`: where the reference is written in the Rollout, for diagnostics. */
  virtualServices: readonly { name: string; namespace: string; routes: readonly string[]; path: string }[];
  split:
    | { kind: 'subset'; canarySubset: string; stableSubset: string; destinationRule: string }
    | { kind: 'host'; canaryHost: string; stableHost: string };
}

/** A MetricTemplate as written: rendered per Canary metric (pkg/metrics/observers/render.go). */
export interface MetricTemplateConfig {
  meta: ObjectMeta;
  provider: string;
  query: string;
  querySource: SourceRef;
}

/** An AnalysisTemplate as written: its args are substituted per Rollout reference. */
export interface AnalysisTemplateConfig {
  meta: ObjectMeta;
  args: readonly { name: string; value?: string }[];
  metrics: readonly {
    name: string;
    interval?: string;
    initialDelay?: string;
    count?: number | string;
    successCondition?: string;
    failureCondition?: string;
    failureLimit?: number | string;
    inconclusiveLimit?: number | string;
    consecutiveErrorLimit?: number | string;
    consecutiveSuccessLimit?: number | string;
    provider: string;
    query: string;
    dryRun: boolean;
  }[];
}

/** What MeshConfig carries for the controllers (absent when the manifests have none). */
export interface ProgressiveDeliveryConfig {
  canaries: readonly CanaryConfig[];
  rollouts: readonly RolloutConfig[];
}
