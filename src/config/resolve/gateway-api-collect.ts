/**
 * The Gateway API resources of one load, grouped by kind in load (creation) order; undefined when there
 * are none, so configs without them stay byte-identical.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { MeshConfig } from '../types.js';
import { translateGatewayApi } from './gateway-api-translate.js';
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

/**
 * The config istiod programs from the Gateway API: the internal Gateways and VirtualServices, and the
 * automated gateway deployments, appended after the written resources.
 * NOTE: simplification: istiod orders generated VirtualServices among written ones by creation time;
 * meshsim puts them after the written ones (they differ only when two claim the same host).
 */
export function withGatewayApi(
  config: MeshConfig,
  res: GatewayApiResources,
  diagnostics: Diagnostic[],
): { config: MeshConfig; diagnostics: Diagnostic[] } {
  const t = translateGatewayApi(res, config);
  const out: MeshConfig = {
    ...config,
    services: [...config.services, ...t.services],
    workloads: [...config.workloads, ...t.workloads],
    virtualServices: [...config.virtualServices, ...t.virtualServices],
  };
  if (t.gateways.length > 0) out.gateways = [...(config.gateways ?? []), ...t.gateways];
  return { config: out, diagnostics: [...diagnostics, ...t.diagnostics] };
}

/** Whether istiod generated this resource from the Gateway API (internal.istio.io/parents). */
export function isGatewayApiGenerated(meta: { annotations: Readonly<Record<string, string>> }): boolean {
  return Object.hasOwn(meta.annotations, 'internal.istio.io/parents');
}

/** The written config only, as istioctl analyze sees it (it never sees istiod's internal objects). */
export function withoutGatewayApiGenerated(config: MeshConfig): MeshConfig {
  if (!config.gatewayApi) return config;
  const out: MeshConfig = {
    ...config,
    virtualServices: config.virtualServices.filter((v) => !isGatewayApiGenerated(v.meta)),
  };
  if (config.gateways) out.gateways = config.gateways.filter((g) => !isGatewayApiGenerated(g.meta));
  return out;
}
