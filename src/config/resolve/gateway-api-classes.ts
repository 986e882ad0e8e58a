/**
 * Which Gateways istiod programs: a Gateway's class must name a GatewayClass whose controller istiod
 * runs (istio pilot/pkg/config/kube/gatewaycommon/classinfo.go ClassInfos). istiod creates the built-in
 * classes itself (GetBuiltinGatewayClasses): `istio` (istio.io/gateway-controller) and, with ambient,
 * `istio-waypoint` (istio.io/mesh-controller), so manifests need not contain them; a GatewayClass in
 * the manifests with the same name takes its place.
 */
import type { GatewayApiResources } from './gateway-api-types.js';

export const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
export const ISTIO_MESH_CONTROLLER = 'istio.io/mesh-controller';
export const ISTIO_EASTWEST_CONTROLLER = 'istio.io/eastwest-controller';

const BUILTIN: Readonly<Record<string, string>> = {
  istio: ISTIO_GATEWAY_CONTROLLER,
  'istio-waypoint': ISTIO_MESH_CONTROLLER,
  'istio-east-west': ISTIO_EASTWEST_CONTROLLER,
};

/** The controller of a class name, or undefined when no such class exists. */
export function controllerOfClass(res: GatewayApiResources, className: string): string | undefined {
  const written = res.gatewayClasses.find((c) => c.meta.name === className);
  return written ? written.controllerName : BUILTIN[className];
}

/**
 * The deployment controller's default name for a managed Gateway's Deployment and Service
 * (gatewaycommon/gateway_utils.go GetDefaultName): `<gateway>-<class>`, so `<gateway>-istio`; waypoints
 * (DisableNameSuffix) keep the Gateway's own name. The `gateway.istio.io/name-override` annotation wins
 * (conversion.go extractGatewayServices).
 */
export function gatewayDeploymentName(
  gw: { meta: { name: string; annotations: Readonly<Record<string, string>> }; gatewayClassName: string },
  controller: string,
): string {
  const override = gw.meta.annotations['gateway.istio.io/name-override'];
  if (override) return override;
  return controller === ISTIO_MESH_CONTROLLER ? gw.meta.name : `${gw.meta.name}-${gw.gatewayClassName}`;
}
