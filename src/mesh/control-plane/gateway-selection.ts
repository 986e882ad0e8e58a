import { selectorMatches } from '../../config/labels.js';
import { useGatewaySemantics } from '../../config/resolve/gateway-api-virtual-services.js';
import { virtualServiceGateways } from '../../config/resolve/gateway.js';
import type { GatewayConfig, GatewayServer, MeshConfig, VirtualServiceConfig } from '../../config/types.js';

/** A proxy as istiod sees it for gateway selection: its namespace and pod labels. */
export interface ProxyIdentity {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Whether a pod runs a gateway proxy: some Gateway's (non-empty) selector picks its labels. meshsim has
 * no proxy type in the manifests, so the Gateways that select a pod are what makes it a gateway.
 * NOTE: simplification: a Deployment is a gateway by being selected, not by its `istio-proxy router`
 * container (a Gateway whose selector matches an app's pods turns them into gateway proxies).
 */
export function isGatewayProxy(config: MeshConfig, proxy: ProxyIdentity, scopeToNamespace = false): boolean {
  for (const g of config.gateways ?? [])
    if (
      g.selector !== undefined &&
      inScope(g, proxy, scopeToNamespace) &&
      selectorMatches(g.selector, proxy.labels)
    )
      return true;
  return false;
}

/**
 * The Gateways a gateway proxy serves, in config order (istiod push_context.go mergeGateways): every
 * Gateway whose selector is a subset of the pod's labels, and every Gateway without a selector; from all
 * namespaces, or only the proxy's own with PILOT_SCOPE_GATEWAY_TO_NAMESPACE (features.ScopeGatewayToNamespace).
 */
export function gatewaysForProxy(
  config: MeshConfig,
  proxy: ProxyIdentity,
  scopeToNamespace = false,
): GatewayConfig[] {
  return (config.gateways ?? []).filter(
    (g) =>
      inScope(g, proxy, scopeToNamespace) &&
      (g.selector === undefined || selectorMatches(g.selector, proxy.labels)),
  );
}

function inScope(g: GatewayConfig, proxy: ProxyIdentity, scopeToNamespace: boolean): boolean {
  return !scopeToNamespace || g.meta.namespace === proxy.namespace;
}

/** The name VirtualServices bind to: `namespace/name`. */
export function gatewayName(g: GatewayConfig): string {
  return `${g.meta.namespace}/${g.meta.name}`;
}

/**
 * Servers that get an HTTP route configuration (gateway.IsHTTPServer, pkg/config/gateway): HTTP-family
 * protocols, and HTTPS with TLS termination (not PASSTHROUGH/AUTO_PASSTHROUGH).
 */
export function isHttpServer(s: GatewayServer): boolean {
  const p = s.port.protocol;
  if (p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-WEB') return true;
  const mode = s.tls?.mode ?? 'PASSTHROUGH';
  return p === 'HTTPS' && mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH';
}

/**
 * PushContext.VirtualServicesForGateway(proxyNamespace, gateway) (push_context.go, index built by
 * initVirtualServices): the VirtualServices bound to `gateway` and visible from the proxy's namespace,
 * private (exported only to their own namespace, the proxy's) first, then those exported to the
 * proxy's namespace, then the public ones; each group in config (creation) order. Among the public
 * ones, routes generated from the Gateway API in the proxy's namespace come first
 * (model.UseGatewaySemantics, the "consumer override").
 */
export function virtualServicesForGateway(
  config: MeshConfig,
  proxyNamespace: string,
  gateway: string,
): VirtualServiceConfig[] {
  const priv: VirtualServiceConfig[] = [];
  const exported: VirtualServiceConfig[] = [];
  const pub: VirtualServiceConfig[] = [];
  for (const vs of config.virtualServices) {
    if (!virtualServiceGateways(vs).includes(gateway)) continue;
    const e = vs.exportTo;
    if (e.length === 0 || e.includes('*')) {
      pub.push(vs);
      continue;
    }
    if (e.includes('~')) continue;
    const ns = vs.meta.namespace;
    const targets = new Set(e.map((x) => (x === '.' ? ns : x)));
    if (!targets.has(proxyNamespace)) continue;
    (proxyNamespace === ns ? priv : exported).push(vs);
  }
  const own = pub.filter((vs) => vs.meta.namespace === proxyNamespace && useGatewaySemantics(vs.meta));
  if (own.length === 0) return [...priv, ...exported, ...pub];
  return [...priv, ...exported, ...own, ...pub.filter((vs) => !own.includes(vs))];
}
