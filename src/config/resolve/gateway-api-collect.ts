/**
 * The Gateway API resources of one load, grouped by kind in load (creation) order; undefined when there
 * are none, so configs without them stay byte-identical.
 */
import type { GatewayApiResources } from './gateway-api-types.js';
import type { LoadedGatewayApiResource } from './gateway-api-resource.js';

export function gatewayApiResourcesOf(
  resources: readonly { kind: string }[],
): GatewayApiResources | undefined {
  const out = { gatewayClasses: [], gateways: [], httpRoutes: [], referenceGrants: [] } as {
    -readonly [K in keyof GatewayApiResources]: GatewayApiResources[K][number][];
  };
  for (const res of resources as readonly LoadedGatewayApiResource[]) {
    if (res.kind === 'GatewayClass') out.gatewayClasses.push(res.value);
    else if (res.kind === 'KubernetesGateway') out.gateways.push(res.value);
    else if (res.kind === 'HTTPRoute') out.httpRoutes.push(res.value);
    else if (res.kind === 'ReferenceGrant') out.referenceGrants.push(res.value);
  }
  const n =
    out.gatewayClasses.length + out.gateways.length + out.httpRoutes.length + out.referenceGrants.length;
  return n > 0 ? out : undefined;
}
