/**
 * Istio's MeshConfig [istio/api mesh/v1alpha1/config.proto], the YAML held under the `mesh` key of the
 * `istio` ConfigMap in istio-system (or a scenario's `spec.meshConfig`). Only the fields that change the
 * data plane meshsim simulates are typed; MeshConfig has many more (access logs, tracing, CA ...), so
 * unknown fields pass (istiod accepts them too) and are reported once as not simulated.
 */
import { z } from 'zod';
import { connectionPool, localityLbSetting, outlierDetection } from './destination-rule.js';
import { httpRetry } from './virtual-service.js';
import { bool, duration, int, obj, oneOfEnum } from './zod-helpers.js';

export const meshConfigSchema = z.looseObject({
  outboundTrafficPolicy: obj({
    mode: oneOfEnum(['REGISTRY_ONLY', 'ALLOW_ANY', 'ALLOW_ANY_DYNAMIC_DNS'] as const).optional(),
  }).optional(),
  /** Istio 1.31: the mesh-wide connectionPool/outlierDetection baseline below every DestinationRule. */
  defaultTrafficPolicy: obj({
    connectionPool: connectionPool.optional(),
    outlierDetection: outlierDetection.optional(),
  }).optional(),
  localityLbSetting: localityLbSetting.optional(),
  connectTimeout: duration().optional(),
  defaultHttpRetryPolicy: httpRetry.optional(),
  enableAutoMtls: bool().optional(),
  rootNamespace: z.string().optional(),
  defaultConfig: z
    .looseObject({
      concurrency: int(0, 1024).optional(),
      proxyMetadata: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

export type MeshConfigDoc = z.infer<typeof meshConfigSchema>;

/** The fields above, for "parsed, not simulated" notes on the others. */
export const TYPED_MESH_FIELDS = new Set(Object.keys(meshConfigSchema.shape));
