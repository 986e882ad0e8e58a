/**
 * Flagger's `flagger.app/v1beta1` Canary and MetricTemplate (fluxcd/flagger pkg/apis/flagger/v1beta1
 * canary.go, metric_template.go; docs.flagger.app "Canary analysis"). Strict objects for what meshsim
 * reads; fields Flagger has and meshsim does not simulate (webhooks, alerts, autoscalerRef ...) are
 * accepted and reported as not simulated (resolve/flagger.ts). The `service` block's Istio fields
 * (retries, trafficPolicy, match, headers ...) go into the generated VirtualService and DestinationRules,
 * where Istio's own schemas check them.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import { duration, int, list, nonEmpty, num, obj, port, str, stringMap, bool } from './zod-helpers.js';

const any = z.unknown().optional();

const targetRef = obj({ apiVersion: str().optional(), kind: nonEmpty(), name: nonEmpty() });

/** v1beta1 AutoscalerRefernce (sic, canary.go): an HPA or a KEDA ScaledObject / HTTPScaledObject. */
const autoscalerRef = obj({
  apiVersion: str().optional(),
  kind: nonEmpty(),
  name: nonEmpty(),
  primaryScalerQueries: stringMap().optional(),
  primaryScalerReplicas: obj({
    minReplicas: int(0).optional(),
    maxReplicas: int(1).optional(),
  }).optional(),
  primaryScalingSet: any,
});

const canaryService = obj({
  name: str().optional(),
  port: port(),
  portName: str().optional(),
  targetPort: z.union([port(), nonEmpty()]).optional(),
  appProtocol: str().optional(),
  portDiscovery: bool().optional(),
  gateways: list(nonEmpty()).optional(),
  hosts: list(nonEmpty()).optional(),
  delegation: bool().optional(),
  trafficPolicy: any,
  retries: any,
  timeout: duration().optional(),
  match: any,
  rewrite: any,
  headers: any,
  corsPolicy: any,
  mirror: any,
  apex: any,
  primary: any,
  canary: any,
  backends: any,
  gatewayRefs: any,
  unmanagedMetadata: any,
});

const metric = obj({
  name: nonEmpty(),
  interval: duration().optional(),
  threshold: num().optional(),
  thresholdRange: obj({ min: num().optional(), max: num().optional() }).optional(),
  query: str().optional(),
  templateRef: obj({ name: nonEmpty(), namespace: str().optional() }).optional(),
  templateVariables: stringMap().optional(),
});

const analysis = obj({
  interval: duration().optional(),
  threshold: int(0).optional(),
  maxWeight: int(0, 100).optional(),
  stepWeight: int(0, 100).optional(),
  stepWeights: list(int(0, 100)).optional(),
  stepWeightPromotion: int(0, 100).optional(),
  iterations: int(0).optional(),
  mirror: bool().optional(),
  mirrorWeight: int(0, 100).optional(),
  match: any,
  metrics: list(metric).optional(),
  webhooks: any,
  alerts: any,
  sessionAffinity: any,
  primaryReadyThreshold: any,
  canaryReadyThreshold: any,
});

export const canary = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    provider: str().optional(),
    targetRef,
    autoscalerRef: autoscalerRef.optional(),
    ingressRef: any,
    routeRef: any,
    upstreamRef: any,
    progressDeadlineSeconds: int(0).optional(),
    service: canaryService,
    analysis: analysis.optional(),
    canaryAnalysis: analysis.optional(),
    skipAnalysis: bool().optional(),
    revertOnDeletion: bool().optional(),
    suspend: bool().optional(),
  }),
  status: any,
});

export const metricTemplate = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    provider: obj({
      type: nonEmpty(),
      address: str().optional(),
      secretRef: any,
      insecureSkipVerify: bool().optional(),
    }),
    query: nonEmpty(),
  }),
  status: any,
});

export type CanaryDoc = z.infer<typeof canary>;
export type MetricTemplateDoc = z.infer<typeof metricTemplate>;
