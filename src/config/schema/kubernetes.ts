/**
 * Kubernetes objects meshsim reads: ObjectMeta, core/v1 Service and Namespace, apps/v1 Deployment and
 * StatefulSet. The parts meshsim reads are strict (unknown fields are errors, as kubectl's default
 * strict field validation makes them); pod specs and container fields meshsim does not read are
 * accepted as they are, since real manifests carry hundreds of them.
 */
import { z } from 'zod';
import { bool, int, int32, list, nonEmpty, obj, oneOfEnum, port, str, stringMap } from './zod-helpers.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const dns1123Subdomain = () =>
  nonEmpty().refine((s) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s), {
    error: (iss) =>
      `"${String(iss.input)}" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
  });

export const dns1123Label = () =>
  nonEmpty().refine((s) => s.length <= 63 && DNS1123_LABEL.test(s), {
    error: (iss) =>
      `"${String(iss.input)}" is not a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
  });

const dns1035Label = () =>
  nonEmpty().refine((s) => s.length <= 63 && DNS1035_LABEL.test(s), {
    error: (iss) =>
      `"${String(iss.input)}" is not a valid Service name (DNS-1035 label): lowercase letters, digits and '-', starting with a letter`,
  });

const anyValue = z.unknown().optional();

export const objectMeta = obj({
  name: dns1123Subdomain().optional(),
  generateName: str().optional(),
  namespace: dns1123Label().optional(),
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
  uid: anyValue,
  resourceVersion: anyValue,
  generation: anyValue,
  creationTimestamp: anyValue,
  deletionTimestamp: anyValue,
  deletionGracePeriodSeconds: anyValue,
  ownerReferences: anyValue,
  finalizers: anyValue,
  managedFields: anyValue,
  selfLink: anyValue,
});

/** IntOrString, as Kubernetes accepts it for targetPort: 8080, "8080" or a named port "http". */
const intOrString = z.union([int(1, 65535), str().min(1, { error: 'must not be empty' })], {
  error: (iss) => `expected a port number or a port name, got ${JSON.stringify(iss.input)}`,
});

export const servicePort = obj({
  name: dns1123Label().optional(),
  protocol: oneOfEnum(['TCP', 'UDP', 'SCTP'] as const).optional(),
  appProtocol: str().optional(),
  port: port(),
  targetPort: intOrString.optional(),
  nodePort: int(0, 65535).optional(),
});

export const serviceSpec = obj({
  ports: list(servicePort).optional(),
  selector: stringMap().optional(),
  type: oneOfEnum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const).optional(),
  trafficDistribution: str().optional(),
  clusterIP: anyValue,
  clusterIPs: anyValue,
  externalIPs: anyValue,
  sessionAffinity: anyValue,
  sessionAffinityConfig: anyValue,
  loadBalancerIP: anyValue,
  loadBalancerSourceRanges: anyValue,
  loadBalancerClass: anyValue,
  externalName: str().optional(),
  externalTrafficPolicy: anyValue,
  internalTrafficPolicy: anyValue,
  healthCheckNodePort: anyValue,
  publishNotReadyAddresses: anyValue,
  ipFamilies: anyValue,
  ipFamilyPolicy: anyValue,
  allocateLoadBalancerNodePorts: anyValue,
});

export const service = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: serviceSpec.optional(),
  status: anyValue,
});

const containerPort = obj({
  name: z
    .string()
    .refine((s) => s.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s), {
      error: (iss) =>
        `"${String(iss.input)}" is not a valid port name (IANA_SVC_NAME: at most 15 lowercase characters)`,
    })
    .optional(),
  containerPort: port(),
  protocol: oneOfEnum(['TCP', 'UDP', 'SCTP'] as const).optional(),
  hostPort: anyValue,
  hostIP: anyValue,
});

/** A container's CPU: the HPA divides usage by `requests.cpu`; other resources pass unchecked. */
const cpuQuantity = z.union([str(), z.number()], { error: 'expected a quantity such as "500m" or "2"' });
const resources = z.looseObject({
  requests: z.looseObject({ cpu: cpuQuantity.optional() }).optional(),
  limits: z.looseObject({ cpu: cpuQuantity.optional() }).optional(),
});

/** Containers: name, ports and CPU are read; every other container field is accepted unchecked. */
const container = z.looseObject({
  name: nonEmpty(),
  ports: list(containerPort).optional(),
  resources: resources.optional(),
});

const podTemplate = obj({
  metadata: obj({
    name: anyValue,
    namespace: anyValue,
    labels: stringMap().optional(),
    annotations: stringMap().optional(),
    generateName: anyValue,
    creationTimestamp: anyValue,
  }).optional(),
  spec: z.looseObject({
    containers: list(container).min(1, { error: 'a pod needs at least one container' }),
  }),
});

const labelSelector = obj({ matchLabels: stringMap().optional(), matchExpressions: anyValue });

const workloadCommon = {
  replicas: int(0, 2147483647).optional(),
  selector: labelSelector,
  template: podTemplate,
  minReadySeconds: anyValue,
  revisionHistoryLimit: anyValue,
};

export const deploymentSpec = obj({
  ...workloadCommon,
  strategy: anyValue,
  paused: bool().optional(),
  progressDeadlineSeconds: int32().optional(),
});

export const statefulSetSpec = obj({
  ...workloadCommon,
  serviceName: str().optional(),
  volumeClaimTemplates: anyValue,
  podManagementPolicy: anyValue,
  updateStrategy: anyValue,
  persistentVolumeClaimRetentionPolicy: anyValue,
  ordinals: anyValue,
});

export const deployment = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: deploymentSpec,
  status: anyValue,
});

export const statefulSet = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: statefulSetSpec,
  status: anyValue,
});

export const namespace = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: anyValue,
  status: anyValue,
});

export { dns1035Label };
export type ServiceDoc = z.infer<typeof service>;
export type DeploymentDoc = z.infer<typeof deployment>;
export type StatefulSetDoc = z.infer<typeof statefulSet>;
export type NamespaceDoc = z.infer<typeof namespace>;
export type ObjectMetaDoc = z.infer<typeof objectMeta>;
