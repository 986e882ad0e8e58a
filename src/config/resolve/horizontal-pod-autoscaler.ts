/**
 * A validated HorizontalPodAutoscaler, resolved with the API server's defaults filled in
 * (pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscaler, GenerateHPAScaleUpRules,
 * GenerateHPAScaleDownRules). An autoscaling/v1 object is converted as the API server converts it:
 * `targetCPUUtilizationPercentage` becomes one Resource cpu Utilization metric.
 */
import { parseMilliQuantity } from '../quantity.js';
import type {
  HorizontalPodAutoscalerV1Doc,
  HorizontalPodAutoscalerV2Doc,
  MetricTargetDoc,
  ScalingRulesDoc,
} from '../schema/horizontal-pod-autoscaler.js';
import type {
  HorizontalPodAutoscalerConfig,
  HpaMetric,
  HpaMetricTarget,
  HpaScalingRules,
  ObjectMeta,
} from '../types.js';

/** autoscaling.DefaultCPUUtilization: the metric an HPA without `metrics` scales on. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** defaultHPAScaleUpRules: no stabilization; 4 pods or 100 % per 15 s, whichever adds more. */
const DEFAULT_SCALE_UP: HpaScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
  tolerance: undefined,
};

/** defaultHPAScaleDownRules: 100 % per 15 s; the window is left to the controller's flag. */
const DEFAULT_SCALE_DOWN: HpaScalingRules = {
  stabilizationWindowSeconds: undefined,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  tolerance: undefined,
};

export function resolveHpaV2(
  meta: ObjectMeta,
  spec: HorizontalPodAutoscalerV2Doc['spec'],
): HorizontalPodAutoscalerConfig {
  const metrics =
    spec.metrics && spec.metrics.length > 0
      ? spec.metrics.map(resolveMetric)
      : [cpuUtilization(DEFAULT_CPU_UTILIZATION)];
  return {
    meta,
    scaleTargetRef: { ...spec.scaleTargetRef },
    minReplicas: spec.minReplicas ?? 1,
    maxReplicas: spec.maxReplicas,
    metrics,
    // SetDefaults_HorizontalPodAutoscalerBehavior fills a behavior only when one is given.
    behavior: spec.behavior
      ? {
          scaleUp: rules(spec.behavior.scaleUp, DEFAULT_SCALE_UP),
          scaleDown: rules(spec.behavior.scaleDown, DEFAULT_SCALE_DOWN),
        }
      : undefined,
  };
}

export function resolveHpaV1(
  meta: ObjectMeta,
  spec: HorizontalPodAutoscalerV1Doc['spec'],
): HorizontalPodAutoscalerConfig {
  return {
    meta,
    scaleTargetRef: { ...spec.scaleTargetRef },
    minReplicas: spec.minReplicas ?? 1,
    maxReplicas: spec.maxReplicas,
    metrics: [cpuUtilization(spec.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION)],
    behavior: undefined,
  };
}

function cpuUtilization(averageUtilization: number): HpaMetric {
  return { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization } };
}

/** copyHPAScalingRules: each field the object sets replaces the default's. */
function rules(from: ScalingRulesDoc | undefined, def: HpaScalingRules): HpaScalingRules {
  if (from === undefined) return def;
  const tol = from.tolerance === undefined ? undefined : milli(from.tolerance) / 1000;
  return {
    stabilizationWindowSeconds: from.stabilizationWindowSeconds ?? def.stabilizationWindowSeconds,
    selectPolicy: from.selectPolicy ?? def.selectPolicy,
    policies: from.policies ? from.policies.map((p) => ({ ...p })) : def.policies,
    tolerance: tol ?? def.tolerance,
  };
}

function resolveMetric(m: NonNullable<HorizontalPodAutoscalerV2Doc['spec']['metrics']>[number]): HpaMetric {
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: m.resource!.name, target: target(m.resource!.target) };
    case 'ContainerResource': {
      const c = m.containerResource!;
      return { type: m.type, resource: c.name, container: c.container, target: target(c.target) };
    }
    case 'Pods':
      return { type: m.type, metric: m.pods!.metric.name, target: target(m.pods!.target) };
    case 'Object': {
      const o = m.object!;
      return {
        type: m.type,
        metric: o.metric.name,
        describedObject: { ...o.describedObject },
        target: target(o.target),
      };
    }
    case 'External':
      return { type: m.type, metric: m.external!.metric.name, target: target(m.external!.target) };
  }
}

/** The target as the controller reads it: the field its `type` names (validation made sure it is set). */
function target(t: MetricTargetDoc): HpaMetricTarget {
  if (t.type === 'Utilization') return { type: t.type, averageUtilization: t.averageUtilization ?? 0 };
  if (t.type === 'AverageValue') return { type: t.type, averageValueMilli: milli(t.averageValue) };
  return { type: t.type, valueMilli: milli(t.value) };
}

function milli(v: unknown): number {
  const q = parseMilliQuantity(v);
  return 'milli' in q ? q.milli : 0;
}
