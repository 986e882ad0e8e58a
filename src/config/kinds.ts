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
  // progressive delivery (resolve/rollout-load.ts)
  | ProgressiveDeliveryKind;

const ISTIO_NETWORKING = [
  'networking.istio.io/v1alpha3',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1',
];

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
  ...PROGRESSIVE_DELIVERY_SERVED,
};

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
