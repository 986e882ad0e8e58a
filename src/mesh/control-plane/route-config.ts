import { retryHostPredicate } from '../../config/retry-policy.js';
import type { MeshConfig, OutboundTrafficMode, RetryPolicy, ServiceConfig } from '../../config/types.js';
import { RouteTable, type Route, type VirtualHost } from '../../envoy/index.js';
import type { RouteEntry } from '../../envoy/router/index.js';
import type { Pod } from '../pod.js';
import { sourceLabelsMatch } from './http-route-translation.js';
import { isHttpOrSniffed, serviceDomains } from './service-domains.js';
import type { SidecarScope, SidecarScopes } from './sidecar-scope.js';
import { defaultOutboundRoute, virtualServiceVirtualHosts } from './virtual-service-routes.js';

export { serviceDomains };

/** Envoy cluster names istiod gives the catch-all destinations (Istio pilot/pkg/networking/util/util.go). */
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';

/**
 * istiod's outbound route configuration for one sidecar and one listener port (Istio route.go BuildSidecarVirtualHostWrapper): a virtual
 * host per service on that port, answering to every name the service can be called by from the pod's
 * namespace. Hosts that have a VirtualService get only its routes (virtual-service-routes.ts); the others
 * get Istio's default route: prefix "/" to `outbound|PORT||FQDN` with the default retry policy and no
 * timeout [I:route.go BuildDefaultHTTPOutboundRoute]. `services` is the registry the proxy imports
 * (Kubernetes Services and ServiceEntry hosts, narrowed by its Sidecar resource: sidecar-scope.ts).
 *
 * Last comes the catch-all virtual host (Istio httproute.go buildSidecarOutboundHTTPRouteConfig,
 * buildCatchAllVirtualHost), domain `*`: with ALLOW_ANY `allow_any`, prefix "/" to PassthroughCluster with
 * no timeout and no retry policy; with REGISTRY_ONLY `block_all`, a direct response 502.
 */
export function buildRouteTable(
  mesh: MeshConfig,
  services: readonly ServiceConfig[],
  pod: Pod,
  port: number,
  outbound: OutboundTrafficMode = 'ALLOW_ANY',
): RouteTable {
  const meshRetry = mesh.istioMeshConfig?.defaultHttpRetryPolicy;
  const config = meshRetry === undefined ? mesh : withMeshRetryDefault(mesh, meshRetry);
  const fromVs = virtualServiceVirtualHosts(config, services, pod, port);
  const vhosts: VirtualHost[] = [...fromVs.virtualHosts];
  for (const svc of services) {
    if (fromVs.coveredHosts.has(svc.fqdn)) continue;
    if (!svc.ports.some((p) => p.port === port && isHttpOrSniffed(p))) continue;
    vhosts.push({
      name: `${svc.fqdn}:${port}`,
      domains: serviceDomains(svc, port, pod.namespace),
      routes: [withRetry(defaultOutboundRoute(config, svc.fqdn, port, pod.namespace), meshRetry)],
    });
  }
  vhosts.push(outbound === 'ALLOW_ANY' ? ALLOW_ANY : BLOCK_ALL);
  return new RouteTable(vhosts);
}

/**
 * MeshConfig `defaultHttpRetryPolicy` on every VirtualService rule that writes no `retries` (Istio route.go
 * TranslateRoute: "No VS policy set, use mesh defaults"); a written `retries` keeps its own.
 *
 * NOTE: simplification: "written" is read from the rule's recorded position (`spec.http[i].retries`) in
 * its own VirtualService; rules a root takes over from a delegate VirtualService are not told apart.
 */
function withMeshRetryDefault(config: MeshConfig, policy: RetryPolicy | null): MeshConfig {
  const virtualServices = config.virtualServices.map((vs) => {
    const written = vs.meta.positions ?? {};
    if (!vs.http.some((_, i) => written[`spec.http[${i}].retries`] === undefined)) return vs;
    const http = vs.http.map((rule, i) =>
      written[`spec.http[${i}].retries`] === undefined ? { ...rule, retries: policy } : rule,
    );
    return { ...vs, http };
  });
  return { ...config, virtualServices };
}

/** The default route with the mesh's retry policy (route.go BuildDefaultHTTPOutboundRoute: ConvertPolicy(mesh default, false)). */
function withRetry(route: Route, policy: RetryPolicy | null | undefined): Route {
  if (policy === undefined || route.action.kind !== 'route') return route;
  const action: RouteEntry = {
    ...route.action,
    retryPolicy: policy,
    retryPreviousHosts: policy !== null && retryHostPredicate(policy, false),
  };
  return { match: route.match, action };
}

const PREFIX_ALL = { path: { kind: 'prefix', value: '/', caseSensitive: true }, conditions: [] } as const;

const ALLOW_ANY: VirtualHost = {
  name: 'allow_any',
  domains: ['*'],
  routes: [
    {
      match: PREFIX_ALL,
      action: {
        kind: 'route',
        name: 'allow_any',
        clusters: [{ name: PASSTHROUGH_CLUSTER, weight: 1 }],
        totalWeight: 1,
        timeoutMs: 0,
        retryPolicy: null,
        retryPreviousHosts: false,
        mirrors: [],
      },
    } as Route,
  ],
};

const BLOCK_ALL: VirtualHost = {
  name: 'block_all',
  domains: ['*'],
  routes: [
    { match: PREFIX_ALL, action: { kind: 'direct-response', name: 'block_all', status: 502 } } as Route,
  ],
};

/**
 * The route configurations istiod would push, built once per distinct route-relevant proxy identity and
 * port and shared by every sidecar with that identity. buildRouteTable reads only the proxy's namespace
 * and labels (export scoping, Sidecar selection, `sourceNamespace`/`sourceLabels` matches) and RouteTables
 * are immutable. Labels count only through the Sidecar scope they select and through which of the
 * VirtualServices' `sourceLabels` matches they satisfy: workloads of a namespace that satisfy the same
 * ones (all workloads, when there are none) share one table per port, so a mesh of S services and W
 * workloads builds O(namespaces x S) routes, not O(W x S) (issue #14: 600 workloads of 600 services
 * took 41 s).
 */
export class RouteConfigs {
  private readonly byScope = new Map<SidecarScope, Map<string, RouteTable>>();
  /** Every distinct `sourceLabels` of any VirtualService's HTTP match, once. */
  private readonly sourceLabelSets: readonly Readonly<Record<string, string>>[];

  constructor(
    private readonly config: MeshConfig,
    private readonly scopes: SidecarScopes,
  ) {
    const sets = new Map<string, Readonly<Record<string, string>>>();
    for (const vs of config.virtualServices)
      for (const rule of vs.http)
        for (const m of rule.match)
          if (m.sourceLabels) sets.set(JSON.stringify(m.sourceLabels), m.sourceLabels);
    this.sourceLabelSets = [...sets.values()];
  }

  /**
   * NOTE: simplification: a port no egress listener serves has no route configuration in Istio (its
   * traffic takes the outbound listener's TCP passthrough or blackhole filter chain); here it gets the
   * catch-all virtual host alone, so REGISTRY_ONLY answers 502 there instead of resetting the connection.
   */
  table(pod: Pod, port: number): RouteTable {
    const scope = this.scopes.of(pod.namespace, pod.labels);
    let tables = this.byScope.get(scope);
    if (tables === undefined) this.byScope.set(scope, (tables = new Map()));
    const key = this.sourceLabelSets.length === 0 ? String(port) : `${port}\u0000${this.labelsKey(pod)}`;
    let t = tables.get(key);
    if (t === undefined) {
      const inputs = scope.routesOn(port);
      const vss = inputs?.virtualServices ?? [];
      const config =
        vss === this.config.virtualServices ? this.config : { ...this.config, virtualServices: vss };
      t = buildRouteTable(config, inputs?.services ?? [], pod, port, scope.outboundTrafficPolicy);
      tables.set(key, t);
    }
    return t;
  }

  /** Which `sourceLabels` the proxy's labels satisfy, as bits. */
  private labelsKey(pod: Pod): string {
    let bits = '';
    for (const want of this.sourceLabelSets) bits += sourceLabelsMatch(want, pod.labels) ? '1' : '0';
    return bits;
  }
}
