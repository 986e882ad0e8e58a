/**
 * Ambient mode as istiod and istio-cni read it from labels: which pods are enrolled (no sidecar, their
 * traffic goes through the ztunnel of their node), which Gateways are waypoints, and which waypoint each
 * Service uses. Resolved once from the manifests into plain data (ARCHITECTURE rule 5); mesh/ambient.ts
 * builds the run-time placement from it. Rules and sources: docs/ambient.md.
 */
import type { MeshConfig, ObjectMeta, ServiceConfig, SourceRef } from '../types.js';

export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** The GatewayClass istiod creates for waypoints, and its controller (pkg/config/constants). */
export const WAYPOINT_CLASS = 'istio-waypoint';
export const WAYPOINT_CONTROLLER = 'istio.io/mesh-controller';
/** The label istiod puts on a waypoint's pods (gateway.networking.k8s.io/gateway-name). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

type Labels = Readonly<Record<string, string>>;

/** Traffic a waypoint accepts (`istio.io/waypoint-for`); `service` when neither Gateway nor class says. */
export type WaypointTrafficType = 'service' | 'workload' | 'all' | 'none';

/** What a Gateway API Gateway must offer to be read as a waypoint (gwapi's KubernetesGatewayConfig has it). */
export interface GatewayLike {
  meta: ObjectMeta;
  gatewayClassName: string;
}
export interface GatewayClassLike {
  meta: ObjectMeta;
  controllerName: string;
}

export interface WaypointConfig {
  name: string;
  namespace: string;
  trafficType: WaypointTrafficType;
  /** Replicas of its Deployment (named as the Gateway) when the manifests have one; else undefined. */
  replicas?: number;
  source: SourceRef;
}

/**
 * Why a Service (or pod) that asks for a waypoint has none (istiod's status messages, ambient/waypoints.go);
 * `via: 'service'` means the object's own label (a Service's or a pod's), `'namespace'` its namespace's.
 */
export type WaypointBinding =
  | { kind: 'none' }
  | { kind: 'bound'; waypoint: WaypointConfig; via: 'service' | 'namespace' }
  | { kind: 'missing'; name: string; namespace: string; via: 'service' | 'namespace' }
  | { kind: 'unsupported-traffic-type'; waypoint: WaypointConfig; via: 'service' | 'namespace' };

export interface AmbientConfig {
  waypoints: readonly WaypointConfig[];
  /** Whether any namespace, workload or load generator could be enrolled (cheap check for the world). */
  anyEnrolled: boolean;
  bindingOf(svc: ServiceConfig): WaypointBinding;
  /** The waypoint for traffic addressed to a pod (its namespace and labels), as istiod binds workloads. */
  workloadBindingOf(namespace: string, podLabels: Labels): WaypointBinding;
  namespaceLabels(ns: string): Labels;
}

/**
 * Whether the sidecar injector injects a pod: namespace `istio-injection: enabled`, or the pod's
 * `sidecar.istio.io/inject: "true"`; a pod's `"false"` opts out (istio.io, "Installing the sidecar":
 * the injection labels and their precedence).
 * NOTE: simplification: meshsim gives every pod not enrolled in ambient a sidecar, as before; this only
 * decides which of two enrolment requests wins. Revision labels (`istio.io/rev`) are not read.
 */
export function sidecarInjected(nsLabels: Labels, podLabels: Labels): boolean {
  const pod = podLabels['sidecar.istio.io/inject'];
  if (pod === 'false') return false;
  return pod === 'true' || nsLabels['istio-injection'] === 'enabled';
}

/**
 * istio-cni's enablement selectors (manifests/charts/istio-cni/values.yaml `ambient.enablementSelectors`,
 * cni/pkg/util/enablement_selector.go Matches): the pod is labelled `istio.io/dataplane-mode: ambient`,
 * or its namespace is and the pod's label is not `none`; a pod with a sidecar is never enrolled
 * ("Ztunnel and sidecar for a single pod is currently not supported; opt out").
 */
export function ambientEnrolled(nsLabels: Labels, podLabels: Labels): boolean {
  if (sidecarInjected(nsLabels, podLabels)) return false;
  const pod = podLabels[DATAPLANE_MODE_LABEL];
  if (pod === 'ambient') return true;
  return nsLabels[DATAPLANE_MODE_LABEL] === 'ambient' && pod !== 'none';
}

/** `istio.io/use-waypoint` (and `-namespace`) on an object [ambient/waypoints.go GetUseWaypoint]. */
function useWaypoint(
  labels: Labels,
  defaultNs: string,
): { name: string; namespace: string } | 'none' | undefined {
  const name = labels[USE_WAYPOINT_LABEL];
  if (name === undefined) return undefined;
  // Istio reserves "none": an opt-out, never a waypoint's name.
  if (name === 'none') return 'none';
  return { name, namespace: labels[USE_WAYPOINT_NAMESPACE_LABEL] ?? defaultNs };
}

export function resolveAmbient(
  config: MeshConfig,
  gateways: readonly GatewayLike[] = [],
  classes: readonly GatewayClassLike[] = [],
): AmbientConfig {
  const nsLabels = new Map(config.namespaces.map((n) => [n.meta.name, n.meta.labels]));
  const labelsOf = (ns: string): Labels => nsLabels.get(ns) ?? {};
  const waypointClasses = new Map<string, Labels>([[WAYPOINT_CLASS, {}]]);
  for (const c of classes)
    if (c.controllerName === WAYPOINT_CONTROLLER) waypointClasses.set(c.meta.name, c.meta.labels);
  const waypoints: WaypointConfig[] = [];
  for (const g of gateways) {
    const classLabels = waypointClasses.get(g.gatewayClassName);
    if (classLabels === undefined) continue;
    const deployment = config.workloads.find(
      (w) => w.kind === 'Deployment' && w.meta.namespace === g.meta.namespace && w.meta.name === g.meta.name,
    );
    // NOTE: simplification: listeners, cross-namespace attachment and waypoint canaries are not read.
    // Gateway label over GatewayClass label over `service` [ambient/waypoints.go gatewayToWaypointTransform].
    const tt = g.meta.labels[WAYPOINT_FOR_LABEL] ?? classLabels[WAYPOINT_FOR_LABEL] ?? 'service';
    waypoints.push({
      name: g.meta.name,
      namespace: g.meta.namespace,
      trafficType: isTrafficType(tt) ? tt : 'none',
      ...(deployment !== undefined ? { replicas: deployment.replicas } : {}),
      source: g.meta.source,
    });
  }
  const byKey = new Map(waypoints.map((w) => [`${w.namespace}/${w.name}`, w]));
  const anyEnrolled =
    config.namespaces.some((n) => n.meta.labels[DATAPLANE_MODE_LABEL] === 'ambient') ||
    config.workloads.some((w) => w.podLabels[DATAPLANE_MODE_LABEL] === 'ambient');
  return {
    waypoints,
    anyEnrolled,
    namespaceLabels: labelsOf,
    bindingOf(svc) {
      const b = target(svc.meta.namespace, svc.meta.labels);
      // A waypoint for workloads only does not take Service traffic [fetchWaypointForService].
      if (b.kind === 'bound' && b.waypoint.trafficType !== 'service' && b.waypoint.trafficType !== 'all')
        return { kind: 'unsupported-traffic-type', waypoint: b.waypoint, via: b.via };
      return b;
    },
    workloadBindingOf(namespace, podLabels) {
      // A waypoint itself never has one [fetchWaypointForService: "This is a waypoint, so it cannot have a waypoint"].
      if (podLabels[GATEWAY_NAME_LABEL] !== undefined) return { kind: 'none' };
      const b = target(namespace, podLabels);
      if (b.kind !== 'bound' || b.waypoint.trafficType === 'workload' || b.waypoint.trafficType === 'all')
        return b;
      // A service waypoint inherited from the namespace is no error: the pod has no workload waypoint;
      // the pod's own label naming it is [ambient/waypoints.go fetchWaypointForWorkload].
      return b.via === 'namespace'
        ? { kind: 'none' }
        : { kind: 'unsupported-traffic-type', waypoint: b.waypoint, via: b.via };
    },
  };

  /** The object's own label first, then its namespace's [ambient/waypoints.go fetchWaypointForTarget]. */
  function target(namespace: string, labels: Labels): WaypointBinding {
    const own = useWaypoint(labels, namespace);
    if (own === 'none') return { kind: 'none' };
    const via = own !== undefined ? 'service' : 'namespace';
    const ref = own ?? useWaypoint(labelsOf(namespace), namespace);
    if (ref === undefined || ref === 'none') return { kind: 'none' };
    const w = byKey.get(`${ref.namespace}/${ref.name}`);
    if (w === undefined) return { kind: 'missing', name: ref.name, namespace: ref.namespace, via };
    return { kind: 'bound', waypoint: w, via };
  }
}

function isTrafficType(s: string): s is WaypointTrafficType {
  return s === 'service' || s === 'workload' || s === 'all' || s === 'none';
}

/** The Gateway API Gateways and GatewayClasses of the manifests: the candidates for waypoints. */
export function waypointGateways(config: MeshConfig): {
  gateways: readonly GatewayLike[];
  classes: readonly GatewayClassLike[];
} {
  return { gateways: config.gatewayApi?.gateways ?? [], classes: config.gatewayApi?.gatewayClasses ?? [] };
}
