/**
 * Argo Rollouts' `argoproj.io/v1alpha1` Rollout (canary strategy) and AnalysisTemplate
 * (argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1 types.go, analysis_types.go; argo-rollouts.readthedocs.io
 * "Canary", "Istio", "Analysis & Progressive Delivery"). Strict objects for what meshsim reads; the pod
 * template is checked as a Deployment's; other strategy fields are accepted and reported as not simulated.
 */
import { z } from 'zod';
import { deploymentSpec, objectMeta } from './kubernetes.js';
import { bool, int, list, nonEmpty, obj, str } from './zod-helpers.js';

const any = z.unknown().optional();
/** Argo's IntOrString fields (count, failureLimit ...): a number or a string such as "{{args.n}}". */
const intOrString = z.union([int(), str()]);
/** Pause durations: a Go duration string or an integer of seconds (v1alpha1 DurationString). */
const pauseDuration = z.union([int(0), nonEmpty()]);

const analysisRef = obj({
  templates: list(obj({ templateName: nonEmpty(), clusterScope: bool().optional() })).optional(),
  args: list(obj({ name: nonEmpty(), value: str().optional(), valueFrom: any })).optional(),
  startingStep: int(0).optional(),
  dryRun: any,
  measurementRetention: any,
  analysisRunMetadata: any,
});

const step = obj({
  setWeight: int(0, 100).optional(),
  pause: obj({ duration: pauseDuration.optional() }).optional(),
  analysis: analysisRef.optional(),
  experiment: any,
  setCanaryScale: any,
  setHeaderRoute: any,
  setMirrorRoute: any,
  plugin: any,
});

const istioRouting = obj({
  virtualService: obj({
    name: nonEmpty(),
    routes: list(nonEmpty()).optional(),
    tlsRoutes: any,
    tcpRoutes: any,
  }).optional(),
  virtualServices: list(
    obj({ name: nonEmpty(), routes: list(nonEmpty()).optional(), tlsRoutes: any, tcpRoutes: any }),
  ).optional(),
  destinationRule: obj({
    name: nonEmpty(),
    canarySubsetName: nonEmpty(),
    stableSubsetName: nonEmpty(),
  }).optional(),
});

const canaryStrategy = obj({
  canaryService: str().optional(),
  stableService: str().optional(),
  trafficRouting: obj({
    istio: istioRouting.optional(),
    managedRoutes: any,
    maxTrafficWeight: any,
    alb: any,
    nginx: any,
    smi: any,
    ambassador: any,
    appMesh: any,
    traefik: any,
    apisix: any,
    plugins: any,
  }).optional(),
  steps: list(step).optional(),
  analysis: analysisRef.optional(),
  maxSurge: any,
  maxUnavailable: any,
  dynamicStableScale: bool().optional(),
  abortScaleDownDelaySeconds: any,
  scaleDownDelaySeconds: any,
  scaleDownDelayRevisionLimit: any,
  antiAffinity: any,
  canaryMetadata: any,
  stableMetadata: any,
  pingPong: any,
  minPodsPerReplicaSet: any,
});

export const rollout = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    replicas: int(0).optional(),
    selector: deploymentSpec.shape.selector,
    template: deploymentSpec.shape.template,
    workloadRef: any,
    strategy: obj({ canary: canaryStrategy.optional(), blueGreen: any }),
    minReadySeconds: any,
    revisionHistoryLimit: any,
    paused: bool().optional(),
    progressDeadlineSeconds: any,
    progressDeadlineAbort: any,
    restartAt: any,
    rollbackWindow: any,
    analysis: any,
  }),
  status: any,
});

const metric = obj({
  name: nonEmpty(),
  interval: str().optional(),
  initialDelay: str().optional(),
  count: intOrString.optional(),
  successCondition: str().optional(),
  failureCondition: str().optional(),
  failureLimit: intOrString.optional(),
  inconclusiveLimit: intOrString.optional(),
  consecutiveErrorLimit: intOrString.optional(),
  consecutiveSuccessLimit: intOrString.optional(),
  provider: z.looseObject({
    prometheus: obj({
      address: str().optional(),
      query: nonEmpty(),
      timeout: any,
      insecure: any,
      headers: any,
      authentication: any,
      rangeQuery: any,
    }).optional(),
  }),
});

export const analysisTemplate = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    args: list(obj({ name: nonEmpty(), value: str().optional(), valueFrom: any })).optional(),
    metrics: list(metric).min(1, { error: 'an AnalysisTemplate needs at least one metric' }),
    dryRun: list(obj({ metricName: nonEmpty() })).optional(),
    measurementRetention: any,
  }),
  status: any,
});

export type RolloutDoc = z.infer<typeof rollout>;
export type AnalysisTemplateDoc = z.infer<typeof analysisTemplate>;
