import { PROGRESSIVE_DELIVERY_SERVED, type ProgressiveDeliveryKind } from './resolve/rollout-load.js';

/**
 * Which apiVersion/kind pairs meshsim reads, and how other documents are treated: scenario files
 * (meshsim.dev) are skipped silently, other kinds get one "not simulated" info (MSIM0011).
 */
export type SimulatedKind =
  | 'VirtualService'
  | 'DestinationRule'
  | 'Service'
  | 'Deployment'
  | 'StatefulSet'
  | 'Namespace'
  | 'Gateway'
  | 'ServiceEntry'
  | 'Sidecar'
  // Gateway API (gateway.networking.k8s.io): a Gateway of this group is Istio's "KubernetesGateway".
  | 'KubernetesGateway'
  | 'GatewayClass'
  | 'HTTPRoute'
  | 'ReferenceGrant'
  | 'HorizontalPodAutoscaler'
  // progressive delivery (resolve/rollout-load.ts)
  | ProgressiveDeliveryKind;

const ISTIO_NETWORKING = [
  'networking.istio.io/v1alpha3',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1',
];

/** The Gateway API versions istiod reads (pkg/config/schema/gvk: v1, with v1beta1 still served). */
const GATEWAY_API = ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'];

export const SERVED: Record<SimulatedKind, readonly string[]> = {
  VirtualService: ISTIO_NETWORKING,
  DestinationRule: ISTIO_NETWORKING,
  Service: ['v1'],
  Namespace: ['v1'],
  Deployment: ['apps/v1'],
  StatefulSet: ['apps/v1'],
  Gateway: ISTIO_NETWORKING,
  ServiceEntry: ISTIO_NETWORKING,
  Sidecar: ISTIO_NETWORKING,
  KubernetesGateway: GATEWAY_API,
  GatewayClass: GATEWAY_API,
  HTTPRoute: GATEWAY_API,
  ReferenceGrant: ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1alpha2'],
  // autoscaling/v2beta2 was removed in Kubernetes 1.26.
  HorizontalPodAutoscaler: ['autoscaling/v2', 'autoscaling/v1'],
  ...PROGRESSIVE_DELIVERY_SERVED,
};

/**
 * The simulated kind of a document: its `kind`, except that a Gateway of the Gateway API group is the
 * KubernetesGateway kind (istio pkg/config/schema/gvk names it so), not Istio's networking Gateway.
 */
export function simulatedKindName(kind: string, apiVersion: string): string {
  return kind === 'Gateway' && apiVersion.startsWith('gateway.networking.k8s.io/')
    ? 'KubernetesGateway'
    : kind;
}

export type GatewayApiKind = 'KubernetesGateway' | 'GatewayClass' | 'HTTPRoute' | 'ReferenceGrant';

export function isGatewayApiKind(kind: SimulatedKind): kind is GatewayApiKind {
  return (
    kind === 'KubernetesGateway' ||
    kind === 'GatewayClass' ||
    kind === 'HTTPRoute' ||
    kind === 'ReferenceGrant'
  );
}

export function isSimulatedKind(kind: string): kind is SimulatedKind {
  return Object.hasOwn(SERVED, kind);
}

export function isIstioKind(kind: SimulatedKind): boolean {
  return (
    kind === 'VirtualService' ||
    kind === 'DestinationRule' ||
    kind === 'Gateway' ||
    kind === 'ServiceEntry' ||
    kind === 'Sidecar'
  );
}

/** meshsim's own documents (Scenario, Sweep, Tune ...) share directories with manifests. */
export function isMeshsimDocument(apiVersion: string): boolean {
  return apiVersion.startsWith('meshsim.dev/');
}

/** `kind: List` (kubectl get -o yaml) and typed lists such as ServiceList carry `items`. */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.endsWith('List') && kind.length > 4);
}
