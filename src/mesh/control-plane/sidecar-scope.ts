import { selectorMatches } from '../../config/labels.js';
import { hostMatches } from '../../config/index.js';
import { DEFAULT_ISTIO_MESH_CONFIG } from '../../config/resolve/mesh-config.js';
import type {
  MeshConfig,
  OutboundTrafficMode,
  ServiceConfig,
  SidecarConfig,
  SidecarEgressListener,
} from '../../config/types.js';
import { serviceEntryVisible } from '../external-registry.js';

/**
 * What one proxy sees (Istio pilot/pkg/model/sidecar.go SidecarScope): the Sidecar resource that applies,
 * the outbound traffic policy, the services it imports (clusters) and, per listener port, the services its
 * route configuration has virtual hosts for.
 */
export class SidecarScope {
  /** FQDNs of every imported service: the clusters this proxy has (others answer 503 NC). */
  readonly imported: ReadonlySet<string>;
  private readonly byPort = new Map<number, RouteInputs | null>();

  constructor(
    readonly sidecar: SidecarConfig | undefined,
    readonly outboundTrafficPolicy: OutboundTrafficMode,
    /** Registry services exported to the proxy's namespace. */
    private readonly exported: readonly ServiceConfig[],
    private readonly config: MeshConfig,
    private readonly namespace: string,
  ) {
    const all = new Set<string>();
    const listeners = sidecar?.egress ?? [];
    if (listeners.length === 0) for (const s of exported) all.add(s.fqdn);
    for (const l of listeners) for (const s of this.listenerServices(l)) all.add(s.fqdn);
    this.imported = all;
  }

  /**
   * The services and VirtualServices with virtual hosts on `port` (sidecar.go GetEgressListenerForRDS: the
   * listener bound to the port, else the catch-all listener; a port-bound listener takes only services on
   * its port, and only VirtualServices whose hosts its hosts select), or null when no egress listener
   * serves the port (then only the catch-all virtual host answers).
   */
  routesOn(port: number): RouteInputs | null {
    let s = this.byPort.get(port);
    if (s === undefined) {
      const listeners = this.sidecar?.egress ?? [];
      if (listeners.length === 0)
        s = { services: this.exported, virtualServices: this.config.virtualServices };
      else {
        const l = listeners.find((e) => e.port === undefined || e.port.number === port);
        s =
          l === undefined
            ? null
            : {
                services: this.listenerServices(l).filter(
                  (x) => l.port === undefined || x.ports.some((p) => p.port === port),
                ),
                virtualServices: this.config.virtualServices.filter((vs) =>
                  vs.hosts.some((h) => listenerMatches(l, this.namespace, vs.meta.namespace, h)),
                ),
              };
      }
      this.byPort.set(port, s);
    }
    return s;
  }

  /**
   * A listener's services (sidecar.go collectImportedServices): registry services whose namespace and host
   * match one of its hosts `ns/host` (`*` any namespace, `.` the proxy's, `~` none; host `*` or a
   * (wildcard) name), plus the destinations of the VirtualServices its hosts select.
   */
  private listenerServices(l: SidecarEgressListener): ServiceConfig[] {
    const matches = (ns: string, host: string) => listenerMatches(l, this.namespace, ns, host);
    const visible = new Set<ServiceConfig>();
    for (const s of this.exported) if (matches(s.meta.namespace, s.fqdn)) visible.add(s);
    const byHost = new Map(this.exported.map((s) => [s.fqdn, s]));
    for (const vs of this.config.virtualServices) {
      if (!vs.hosts.some((h) => matches(vs.meta.namespace, h))) continue;
      for (const rule of vs.http)
        for (const d of rule.route) {
          const s = byHost.get(d.destination.host);
          if (s) visible.add(s);
        }
    }
    return this.exported.filter((s) => visible.has(s));
  }
}

export interface RouteInputs {
  readonly services: readonly ServiceConfig[];
  readonly virtualServices: MeshConfig['virtualServices'];
}

/** An egress host `ns/host` selects a resource of namespace `ns` named `host` (sidecar.go hostsMatch). */
function listenerMatches(l: SidecarEgressListener, proxyNs: string, ns: string, host: string): boolean {
  return l.hosts.some((h) => {
    if (h.namespace.startsWith('~')) return false;
    const want = h.namespace === '.' ? proxyNs : h.namespace;
    if (want !== '*' && want !== ns) return false;
    return (
      h.host === '*' || hostMatches(h.host, host) || (host.startsWith('*.') && hostMatches(host, h.host))
    );
  });
}

/**
 * The Sidecar resource that applies to a proxy (Istio pilot/pkg/model/push_context.go getSidecarScope):
 * one in the proxy's namespace whose workloadSelector matches its labels (the oldest when several do,
 * IST0110), else the namespace's Sidecar without selector, else the root namespace's Sidecar without
 * selector (the mesh-wide default), else none.
 */
export function selectSidecar(
  config: MeshConfig,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): SidecarConfig | undefined {
  const all = config.sidecars ?? [];
  const root = (config.istioMeshConfig ?? DEFAULT_ISTIO_MESH_CONFIG).rootNamespace;
  const inNs = all.filter((s) => s.meta.namespace === namespace);
  const selected = inNs.find(
    (s) => s.workloadSelector !== undefined && selectorMatches(s.workloadSelector, labels),
  );
  if (selected) return selected;
  const nsDefault = inNs.find((s) => s.workloadSelector === undefined);
  if (nsDefault) return nsDefault;
  return all.find((s) => s.meta.namespace === root && s.workloadSelector === undefined);
}

/**
 * Scopes by proxy identity (namespace and labels), built once per namespace and Sidecar resource: all a
 * scope depends on. The outbound policy is the Sidecar's when it sets one, else MeshConfig's (sidecar.go
 * ConvertToSidecarScope).
 */
export class SidecarScopes {
  /** By proxy identity (namespace and labels): which scope a proxy has. */
  private readonly cache = new Map<string, SidecarScope>();
  /**
   * By what a scope is made of (namespace and the Sidecar that applies): the workloads of a namespace
   * without Sidecar resources share one scope, and with it its per-port route inputs (issue #14).
   */
  private readonly byNamespace = new Map<string, Map<SidecarConfig | undefined, SidecarScope>>();

  constructor(
    private readonly config: MeshConfig,
    private readonly registry: readonly ServiceConfig[],
  ) {}

  of(namespace: string, labels: Readonly<Record<string, string>>): SidecarScope {
    const key = `${namespace}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      const sidecar = selectSidecar(this.config, namespace, labels);
      let inNs = this.byNamespace.get(namespace);
      if (inNs === undefined) this.byNamespace.set(namespace, (inNs = new Map()));
      s = inNs.get(sidecar);
      if (s === undefined) {
        const mesh = this.config.istioMeshConfig ?? DEFAULT_ISTIO_MESH_CONFIG;
        const exported = this.registry.filter(
          (x) => x.serviceEntry === undefined || serviceEntryVisible(x.serviceEntry, namespace),
        );
        s = new SidecarScope(
          sidecar,
          sidecar?.outboundTrafficPolicy ?? mesh.outboundTrafficPolicy,
          exported,
          this.config,
          namespace,
        );
        inNs.set(sidecar, s);
      }
      this.cache.set(key, s);
    }
    return s;
  }
}
