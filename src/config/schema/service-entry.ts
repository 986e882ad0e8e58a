/**
 * networking.istio.io ServiceEntry (v1alpha3, v1beta1, v1) [A:networking/v1alpha3/service_entry.proto].
 * Structure only; the webhook's cross-field rules (Istio pkg/config/validation/validation.go
 * ValidateServiceEntry) are in validate/service-entry-rules.ts.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import { int, list, obj, oneOfEnum, str, stringMap, uint32 } from './zod-helpers.js';

const servicePort = obj({
  number: int(0, 4294967295),
  protocol: str().optional(),
  name: str(),
  targetPort: uint32().optional(),
});

/** A WorkloadEntry spec [A:networking/v1alpha3/workload_entry.proto]. */
const workloadEntry = obj({
  address: str().optional(),
  ports: z.record(z.string(), uint32()).optional(),
  labels: stringMap().optional(),
  network: str().optional(),
  locality: str().optional(),
  weight: uint32().optional(),
  serviceAccount: str().optional(),
});

export const serviceEntrySpec = obj({
  hosts: list(str()).optional(),
  addresses: list(str()).optional(),
  ports: list(servicePort).optional(),
  location: oneOfEnum(['MESH_EXTERNAL', 'MESH_INTERNAL'] as const).optional(),
  resolution: oneOfEnum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const).optional(),
  endpoints: list(workloadEntry).optional(),
  workloadSelector: obj({ labels: stringMap().optional() }).optional(),
  exportTo: list(str()).optional(),
  subjectAltNames: list(str()).optional(),
});

export const serviceEntry = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: serviceEntrySpec,
  status: z.unknown().optional(),
});

export type ServiceEntryDoc = z.infer<typeof serviceEntry>;
export type ServiceEntrySpecDoc = z.infer<typeof serviceEntrySpec>;
