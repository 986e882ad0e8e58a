/**
 * Flagger's `autoscalerRef` (fluxcd/flagger pkg/canary/hpa_reconciler.go reconcilePrimaryHpaV2, called
 * from DeploymentController.Initialize): Flagger reads the referenced HorizontalPodAutoscaler as the API
 * server serves it (defaults filled in) and creates `<autoscalerRef.name>-primary` with the same
 * minReplicas, maxReplicas, metrics and behavior, its scaleTargetRef renamed to `<targetRef.name>-primary`
 * (kind and apiVersion kept). The referenced HPA keeps scaling the canary Deployment. The Canary's
 * `autoscalerRef.primaryScalerReplicas` overrides the primary's bounds (docs.flagger.app "How it works",
 * Canary target).
 * NOTE: simplification: the primary HPA is made once, when the manifests load; Flagger reconciles it
 * again at each Promote, which changes nothing while the referenced HPA is not edited (a run never
 * edits it). KEDA ScaledObject / HTTPScaledObject references are not simulated.
 */
import type { CanaryDoc } from '../schema/flagger.js';
import type {
  HorizontalPodAutoscalerConfig,
  HpaMetric,
  HpaMetricTarget,
  HpaScalingRules,
  ObjectMeta,
} from '../types.js';

type AutoscalerRef = NonNullable<CanaryDoc['spec']['autoscalerRef']>;

export type PrimaryAutoscaler =
  | { ok: true; document: object }
  | { ok: false; code: 'MSIM3161' | 'MSIM3162'; path: string; message: string };

/** The `<name>-primary` HPA document Flagger creates, or why it creates none. */
export function primaryAutoscaler(
  canary: ObjectMeta,
  ref: AutoscalerRef,
  primaryTarget: string,
  hpas: ReadonlyMap<string, HorizontalPodAutoscalerConfig>,
): PrimaryAutoscaler {
  if (ref.kind === 'ScaledObject' || ref.kind === 'HTTPScaledObject')
    return {
      ok: false,
      code: 'MSIM3161',
      path: 'spec.autoscalerRef.kind',
      message: `KEDA ${ref.kind} is not simulated: no primary scaler is created and both Deployments keep their replicas`,
    };
  if (ref.kind !== 'HorizontalPodAutoscaler')
    return {
      ok: false,
      code: 'MSIM3162',
      path: 'spec.autoscalerRef.kind',
      message: `autoscalerRef kind ${ref.kind} is invalid: Flagger cannot initialise the canary (HorizontalPodAutoscaler, ScaledObject or HTTPScaledObject)`,
    };
  const key = `${canary.namespace}/${ref.name}`;
  const hpa = hpas.get(key);
  if (hpa === undefined)
    return {
      ok: false,
      code: 'MSIM3162',
      path: 'spec.autoscalerRef.name',
      message: `HorizontalPodAutoscaler ${key} not found: Flagger cannot initialise the canary`,
    };
  const bounds = ref.primaryScalerReplicas;
  return {
    ok: true,
    document: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `${ref.name}-primary`, namespace: canary.namespace, labels: { ...hpa.meta.labels } },
      spec: {
        scaleTargetRef: {
          ...(hpa.scaleTargetRef.apiVersion !== undefined
            ? { apiVersion: hpa.scaleTargetRef.apiVersion }
            : {}),
          kind: hpa.scaleTargetRef.kind,
          name: primaryTarget,
        },
        minReplicas: bounds?.minReplicas ?? hpa.minReplicas,
        maxReplicas: bounds?.maxReplicas ?? hpa.maxReplicas,
        metrics: hpa.metrics.map(metricDoc),
        ...(hpa.behavior !== undefined
          ? {
              behavior: {
                scaleUp: rulesDoc(hpa.behavior.scaleUp),
                scaleDown: rulesDoc(hpa.behavior.scaleDown),
              },
            }
          : {}),
      },
    },
  };
}

/** A resolved metric written back as the autoscaling/v2 MetricSpec it was read from. */
function metricDoc(m: HpaMetric): object {
  const target = targetDoc(m.target);
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: { name: m.resource, target } };
    case 'ContainerResource':
      return { type: m.type, containerResource: { name: m.resource, container: m.container, target } };
    case 'Pods':
      return { type: m.type, pods: { metric: { name: m.metric }, target } };
    case 'Object':
      return {
        type: m.type,
        object: { metric: { name: m.metric }, describedObject: { ...m.describedObject }, target },
      };
    case 'External':
      return { type: m.type, external: { metric: { name: m.metric }, target } };
  }
}

function targetDoc(t: HpaMetricTarget): object {
  switch (t.type) {
    case 'Utilization':
      return { type: t.type, averageUtilization: t.averageUtilization };
    case 'AverageValue':
      return { type: t.type, averageValue: `${t.averageValueMilli}m` };
    case 'Value':
      return { type: t.type, value: `${t.valueMilli}m` };
  }
}

function rulesDoc(r: HpaScalingRules): object {
  return {
    ...(r.stabilizationWindowSeconds !== undefined
      ? { stabilizationWindowSeconds: r.stabilizationWindowSeconds }
      : {}),
    selectPolicy: r.selectPolicy,
    policies: r.policies.map((p) => ({ ...p })),
    ...(r.tolerance !== undefined ? { tolerance: `${Math.round(r.tolerance * 1000)}m` } : {}),
  };
}
