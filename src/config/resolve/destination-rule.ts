/** A validated DestinationRule document → DestinationRuleConfig, each present block fully defaulted. */
import {
  resolveConnectionPool,
  resolveLoadBalancer,
  resolveOutlierDetection,
  DEFAULTS,
  ms,
} from '../defaults.js';
import { shortHostToFqdn } from '../hosts.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import type { DestinationRuleDoc, TrafficPolicyDoc } from '../schema/destination-rule.js';
import type { DestinationRuleConfig, ObjectMeta, TrafficPolicy, TrafficPolicyBlocks } from '../types.js';

type BlocksDoc = Pick<TrafficPolicyDoc, 'connectionPool' | 'outlierDetection' | 'loadBalancer' | 'tls'>;

function resolveBlocks(b: BlocksDoc): TrafficPolicyBlocks {
  const out: TrafficPolicyBlocks = {};
  if (b.connectionPool) out.connectionPool = resolveConnectionPool(b.connectionPool);
  if (b.outlierDetection) out.outlierDetection = resolveOutlierDetection(b.outlierDetection);
  if (b.loadBalancer) out.loadBalancer = resolveLoadBalancer(b.loadBalancer);
  if (b.tls) out.tls = { mode: b.tls.mode ?? 'DISABLE' };
  return out;
}

/** `profile`: the Istio version's retryBudget default percent (0.2 % in 1.27-1.29, 20 % since 1.30). */
export function resolveTrafficPolicy(
  tp: TrafficPolicyDoc,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): TrafficPolicy {
  const out: TrafficPolicy = {
    ...resolveBlocks(tp),
    portLevelSettings: (tp.portLevelSettings ?? [])
      .filter((p) => p.port?.number !== undefined)
      .map((p) => ({ port: p.port!.number!, policy: resolveBlocks(p) })),
  };
  if (tp.retryBudget)
    out.retryBudget = {
      percent: tp.retryBudget.percent ?? profile.retryBudgetDefaultPercent,
      // istiod: `MinRetryConcurrency > 0` overrides the default 3 (applyRetryBudget).
      minRetryConcurrency: tp.retryBudget.minRetryConcurrency || DEFAULTS.retryBudgetMinRetryConcurrency,
      ...(tp.retryBudget.budgetInterval !== undefined && ms(tp.retryBudget.budgetInterval, 0) > 0
        ? { budgetIntervalMs: ms(tp.retryBudget.budgetInterval, 0) }
        : {}),
    };
  return out;
}

export function resolveDestinationRule(
  meta: ObjectMeta,
  spec: DestinationRuleDoc['spec'],
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): DestinationRuleConfig {
  const out: DestinationRuleConfig = {
    meta,
    host: shortHostToFqdn(spec.host, meta.namespace),
    subsets: (spec.subsets ?? []).map((s) => ({
      name: s.name,
      labels: { ...(s.labels ?? {}) },
      ...(s.trafficPolicy ? { trafficPolicy: resolveTrafficPolicy(s.trafficPolicy, profile) } : {}),
    })),
    exportTo: [...(spec.exportTo ?? [])],
  };
  if (spec.trafficPolicy) out.trafficPolicy = resolveTrafficPolicy(spec.trafficPolicy, profile);
  if (spec.workloadSelector?.matchLabels) out.workloadSelector = { ...spec.workloadSelector.matchLabels };
  return out;
}
