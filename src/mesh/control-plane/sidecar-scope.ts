import { hostMatches } from '../../config/index.js';
import type { MeshConfig, OutboundTrafficMode, ServiceConfig, SidecarConfig } from '../../config/types.js';
import { DEFAULT_ISTIO_MESH_CONFIG } from '../../config/resolve/mesh-config.js';
import { serviceEntryVisible } from '../external-registry.js';

/** What one proxy sees: its Sidecar resource's egress hosts and outbound traffic policy (Istio SidecarScope). */
export interface SidecarScope {
  readonly sidecar: SidecarConfig | undefined;
  readonly outboundTrafficPolicy: OutboundTrafficMode;
  /** Registry services (Kubernetes Services and ServiceEntry hosts) this proxy has routes and clusters for. */
  readonly services: readonly ServiceConfig[];
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
  const selected = inNs.find((s) => s.workloadSelector !== undefined && selects(s.workloadSelector, labels));
  if (selected) return selected;
  const nsDefault = inNs.find((s) => s.workloadSelector === undefined);
  if (nsDefault) return nsDefault;
  return all.find((s) => s.meta.namespace === root && s.workloadSelector === undefined);
}

/**
 * Which services a proxy imports (sidecar.go collectImportedServices): every registry service exported to
 * its namespace, narrowed by the Sidecar's egress hosts `ns/host` (`*` any namespace, `.` the proxy's,
 * `~` none; host `*` or a (wildcard) name), plus the destinations of VirtualServices those hosts select.
 * The outbound policy is the Sidecar's when it sets one, else MeshConfig's (ConvertToSidecarScope).
 *
 * NOTE: simplification: egress listeners bound to a port are treated as catch-all listeners (their hosts
 * are visible on every port).
 */
export function sidecarScope(
  config: MeshConfig,
  registry: readonly ServiceConfig[],
  namespace: string,
  labels: Readonly<Record<string, string>>,
): SidecarScope {
  const mesh = config.istioMeshConfig ?? DEFAULT_ISTIO_MESH_CONFIG;
  const sidecar = selectSidecar(config, namespace, labels);
  const exported = registry.filter(
    (s) => s.serviceEntry === undefined || serviceEntryVisible(s.serviceEntry, namespace),
  );
  const outboundTrafficPolicy = sidecar?.outboundTrafficPolicy ?? mesh.outboundTrafficPolicy;
  if (sidecar === undefined || sidecar.egress.length === 0)
    return { sidecar, outboundTrafficPolicy, services: exported };
  const entries = sidecar.egress.flatMap((e) => e.hosts);
  const matches = (ns: string, host: string) =>
    entries.some((h) => {
      if (h.namespace.startsWith('~')) return false;
      const want = h.namespace === '.' ? namespace : h.namespace;
      if (want !== '*' && want !== ns) return false;
      return h.host === '*' || hostMatches(h.host, host);
    });
  const visible = new Set<ServiceConfig>();
  for (const s of exported) if (matches(s.meta.namespace, s.fqdn)) visible.add(s);
  // Destinations of the VirtualServices the egress hosts select are imported too.
  const byHost = new Map(exported.map((s) => [s.fqdn, s]));
  for (const vs of config.virtualServices) {
    if (!vs.hosts.some((h) => matches(vs.meta.namespace, h))) continue;
    for (const rule of vs.http)
      for (const d of rule.route) {
        const s = byHost.get(d.destination.host);
        if (s) visible.add(s);
      }
  }
  return { sidecar, outboundTrafficPolicy, services: exported.filter((s) => visible.has(s)) };
}

function selects(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}
