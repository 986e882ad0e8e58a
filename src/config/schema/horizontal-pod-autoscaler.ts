/**
 * `autoscaling/v2` and `autoscaling/v1` HorizontalPodAutoscaler, field for field as the API defines them
 * (k8s.io/api/autoscaling/v2/types.go). Quantities are read as strings or numbers and parsed when
 * resolved (config/quantity.ts), so a bad one is reported at its own position.
 */
import { z } from 'zod';
import { int32, list, nonEmpty, num, obj, oneOfEnum, str, stringMap } from './zod-helpers.js';
import { objectMeta } from './kubernetes.js';

const quantity = z.union([str(), num()], { error: 'expected a quantity such as "500m" or "2"' });

const crossVersionObjectReference = obj({
  apiVersion: str().optional(),
  kind: nonEmpty(),
  name: nonEmpty(),
});

const metricTarget = obj({
  type: oneOfEnum(['Utilization', 'Value', 'AverageValue'] as const),
  value: quantity.optional(),
  averageValue: quantity.optional(),
  averageUtilization: int32().optional(),
});

const labelSelector = obj({ matchLabels: stringMap().optional(), matchExpressions: z.unknown().optional() });
const metricIdentifier = obj({ name: nonEmpty(), selector: labelSelector.optional() });

const metricSpec = obj({
  type: oneOfEnum(['Resource', 'ContainerResource', 'Pods', 'Object', 'External'] as const),
  resource: obj({ name: nonEmpty(), target: metricTarget }).optional(),
  containerResource: obj({ name: nonEmpty(), container: nonEmpty(), target: metricTarget }).optional(),
  pods: obj({ metric: metricIdentifier, target: metricTarget }).optional(),
  object: obj({
    describedObject: crossVersionObjectReference,
    metric: metricIdentifier,
    target: metricTarget,
  }).optional(),
  external: obj({ metric: metricIdentifier, target: metricTarget }).optional(),
});

const scalingPolicy = obj({
  type: oneOfEnum(['Pods', 'Percent'] as const),
  value: int32(),
  periodSeconds: int32(),
});

const scalingRules = obj({
  stabilizationWindowSeconds: int32().optional(),
  selectPolicy: oneOfEnum(['Max', 'Min', 'Disabled'] as const).optional(),
  policies: list(scalingPolicy).optional(),
  tolerance: quantity.optional(),
});

const anyValue = z.unknown().optional();

export const horizontalPodAutoscalerV2 = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    scaleTargetRef: crossVersionObjectReference,
    minReplicas: int32().optional(),
    maxReplicas: int32(),
    metrics: list(metricSpec).optional(),
    behavior: obj({ scaleUp: scalingRules.optional(), scaleDown: scalingRules.optional() }).optional(),
  }),
  status: anyValue,
});

export const horizontalPodAutoscalerV1 = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    scaleTargetRef: crossVersionObjectReference,
    minReplicas: int32().optional(),
    maxReplicas: int32(),
    targetCPUUtilizationPercentage: int32().optional(),
  }),
  status: anyValue,
});

export type HorizontalPodAutoscalerV2Doc = z.infer<typeof horizontalPodAutoscalerV2>;
export type HorizontalPodAutoscalerV1Doc = z.infer<typeof horizontalPodAutoscalerV1>;
export type MetricSpecDoc = z.infer<typeof metricSpec>;
export type MetricTargetDoc = z.infer<typeof metricTarget>;
export type ScalingRulesDoc = z.infer<typeof scalingRules>;
