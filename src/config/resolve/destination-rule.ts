/** A validated DestinationRule document → DestinationRuleConfig, each present block fully defaulted. */
import {
  resolveConnectionPool,
  resolveLoadBalancer,
  resolveOutlierDetection,
  DEFAULTS,
} from '../defaults.js';
import { shortHostToFqdn } from '../hosts.js';
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

export function resolveTrafficPolicy(tp: TrafficPolicyDoc): TrafficPolicy {
  const out: TrafficPolicy = {
    ...resolveBlocks(tp),
    portLevelSettings: (tp.portLevelSettings ?? [])
      .filter((p) => p.port?.number !== undefined)
      .map((p) => ({ port: p.port!.number!, policy: resolveBlocks(p) })),
  };
  if (tp.retryBudget)
    out.retryBudget = {
      percent: tp.retryBudget.percent ?? DEFAULTS.retryBudgetPercent,
      minRetryConcurrency: tp.retryBudget.minRetryConcurrency ?? DEFAULTS.retryBudgetMinRetryConcurrency,
    };
  return out;
}

export function resolveDestinationRule(
  meta: ObjectMeta,
  spec: DestinationRuleDoc['spec'],
): DestinationRuleConfig {
  const out: DestinationRuleConfig = {
    meta,
    host: shortHostToFqdn(spec.host, meta.namespace),
    subsets: (spec.subsets ?? []).map((s) => ({
      name: s.name,
      labels: { ...(s.labels ?? {}) },
      ...(s.trafficPolicy ? { trafficPolicy: resolveTrafficPolicy(s.trafficPolicy) } : {}),
    })),
    exportTo: [...(spec.exportTo ?? [])],
  };
  if (spec.trafficPolicy) out.trafficPolicy = resolveTrafficPolicy(spec.trafficPolicy);
  if (spec.workloadSelector?.matchLabels) out.workloadSelector = { ...spec.workloadSelector.matchLabels };
  return out;
}
