/**
 * networking.istio.io Sidecar (v1alpha3, v1beta1, v1) [A:networking/v1alpha3/sidecar.proto]. Structure
 * only; the webhook's rules (Istio pkg/config/validation/validation.go ValidateSidecar) are in
 * validate/sidecar-rules.ts.
 */
import { z } from 'zod';
import { connectionPool } from './destination-rule.js';
import { objectMeta } from './kubernetes.js';
import { list, obj, oneOfEnum, str, stringMap, uint32 } from './zod-helpers.js';

const sidecarPort = obj({
  number: uint32().optional(),
  protocol: str().optional(),
  name: str().optional(),
  targetPort: uint32().optional(),
});

const egressListener = obj({
  port: sidecarPort.optional(),
  bind: str().optional(),
  captureMode: oneOfEnum(['DEFAULT', 'IPTABLES', 'NONE'] as const).optional(),
  hosts: list(str()).optional(),
});

const ingressListener = obj({
  port: sidecarPort.optional(),
  bind: str().optional(),
  captureMode: oneOfEnum(['DEFAULT', 'IPTABLES', 'NONE'] as const).optional(),
  defaultEndpoint: str().optional(),
  tls: z.unknown().optional(),
  connectionPool: connectionPool.optional(),
});

export const outboundTrafficPolicy = obj({
  mode: oneOfEnum(['REGISTRY_ONLY', 'ALLOW_ANY', 'ALLOW_ANY_DYNAMIC_DNS'] as const).optional(),
  egressProxy: z.unknown().optional(),
});

export const sidecarSpec = obj({
  workloadSelector: obj({ labels: stringMap().optional() }).optional(),
  ingress: list(ingressListener).optional(),
  egress: list(egressListener).optional(),
  inboundConnectionPool: connectionPool.optional(),
  outboundTrafficPolicy: outboundTrafficPolicy.optional(),
});

export const sidecar = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: sidecarSpec,
  status: z.unknown().optional(),
});

export type SidecarDoc = z.infer<typeof sidecar>;
export type SidecarSpecDoc = z.infer<typeof sidecarSpec>;
