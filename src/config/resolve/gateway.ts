/**
 * A validated Gateway document → GatewayConfig, and the name rules VirtualServices use to bind to one.
 */
import type { GatewaySpecDoc } from '../schema/gateway.js';
import type { GatewayConfig, GatewayHost, ObjectMeta, SourceRef } from '../types.js';

/** The reserved gateway name of every sidecar (constants.IstioMeshGateway). */
export const MESH_GATEWAY = 'mesh';

export function resolveGateway(
  meta: ObjectMeta,
  spec: GatewaySpecDoc,
  serverSource: (i: number) => SourceRef,
): GatewayConfig {
  return {
    meta,
    // An empty selector ({}) is "no selector" for istiod too (gw.GetSelector() == nil only when absent;
    // an empty map's SubsetOf is always true, so both apply to every gateway proxy).
    selector: spec.selector && Object.keys(spec.selector).length > 0 ? { ...spec.selector } : undefined,
    servers: (spec.servers ?? []).map((s, i) => ({
      port: {
        number: s.port?.number ?? 0,
        name: s.port?.name ?? '',
        protocol: (s.port?.protocol ?? '').toUpperCase(),
      },
      hosts: (s.hosts ?? []).map((h) => gatewayHost(h, meta.namespace)),
      ...(s.tls
        ? { tls: { mode: s.tls.mode ?? 'PASSTHROUGH', httpsRedirect: s.tls.httpsRedirect ?? false } }
        : {}),
      ...(s.bind ? { bind: s.bind } : {}),
      ...(s.name ? { name: s.name } : {}),
      source: serverSource(i),
    })),
  };
}

/**
 * A server host entry: `./host` becomes the Gateway's own namespace (Istio model/gateway.go
 * sanitizeServerHostNamespace); a bare host (old style) and `*` mean any namespace.
 */
export function gatewayHost(h: string, gatewayNamespace: string): GatewayHost {
  const slash = h.indexOf('/');
  if (slash < 0) return { namespace: '*', host: h.toLowerCase() };
  const ns = h.slice(0, slash);
  return { namespace: ns === '.' ? gatewayNamespace : ns, host: h.slice(slash + 1).toLowerCase() };
}

/**
 * istiod's resolveGatewayName (pilot/pkg/model/config.go), applied to `spec.gateways` and
 * `http[].match[].gateways` by ResolveVirtualServiceShortnames: `mesh` stays; `ns/name` stays (`./name`
 * takes the VirtualService's namespace); a short name is in the VirtualService's namespace; the legacy
 * FQDN `name.ns.svc.cluster.local` (or `name.ns`) becomes `ns/name`.
 */
export function resolveGatewayName(name: string, vsNamespace: string): string {
  if (name === MESH_GATEWAY) return name;
  const slash = name.indexOf('/');
  if (slash >= 0) return name.slice(0, slash) === '.' ? `${vsNamespace}/${name.slice(slash + 1)}` : name;
  const dot = name.indexOf('.');
  if (dot < 0) return `${vsNamespace}/${name}`;
  const rest = name.slice(dot + 1);
  const next = rest.indexOf('.');
  return `${next < 0 ? rest : rest.slice(0, next)}/${name.slice(0, dot)}`;
}

/**
 * The gateways a VirtualService binds to, resolved (getGatewayNames, push_context.go): none written
 * means `mesh` only.
 */
export function virtualServiceGateways(vs: {
  gateways: readonly string[];
  meta: { namespace: string };
}): readonly string[] {
  if (vs.gateways.length === 0) return [MESH_GATEWAY];
  return vs.gateways.map((g) => resolveGatewayName(g, vs.meta.namespace));
}
