/**
 * Gateway findings, as istioctl analyze reports them, plus meshsim's bypass insight:
 *
 * - IST0101 ReferencedResourceNotFound for a VirtualService's `gateways` entry naming no Gateway
 *   (analyzers/virtualservice/gateways.go), and for a Gateway whose selector picks no pod
 *   (analyzers/gateway/gateway.go IngressGatewayPortAnalyzer: "Referenced selector not found").
 * - IST0132 VirtualServiceHostNotFoundInGateway: none of the VirtualService's hosts matches a host of
 *   the Gateway's servers allowed for its namespace (vsHostInGateway: host.Name.Matches).
 * - IST0162 GatewayPortNotDefinedOnService: a server port that no Service selecting the gateway pods
 *   exposes as port or targetPort.
 * - MSIM3000: a VirtualService bound to gateways without `mesh` whose hosts are mesh Services: sidecars
 *   ignore it (a VirtualService binds to `mesh` only when `gateways` is empty or lists it; istiod
 *   push_context.go getGatewayNames), so in-mesh callers of those Services bypass its routes and weights.
 */
import { hostMatches } from '../hosts.js';
import { virtualServiceFor } from '../lookup.js';
import { MESH_GATEWAY, resolveGatewayName } from '../resolve/gateway.js';
import type { GatewayConfig, MeshConfig, VirtualServiceConfig } from '../types.js';
import { type Findings, selects } from './context.js';

export function analyzeGateways(config: MeshConfig, f: Findings): void {
  const gateways = new Map((config.gateways ?? []).map((g) => [`${g.meta.namespace}/${g.meta.name}`, g]));
  for (const g of gateways.values()) analyzeGateway(config, g, f);
  for (const vs of config.virtualServices) {
    vs.gateways.forEach((name, i) => {
      if (name === MESH_GATEWAY) return;
      const gw = gateways.get(resolveGatewayName(name, vs.meta.namespace));
      if (gw === undefined) {
        f.add(
          'IST0101',
          'VirtualService',
          vs.meta,
          ['spec', 'gateways', i],
          `Referenced gateway not found: "${name}"`,
        );
        return;
      }
      if (!vsHostInGateway(gw, vs))
        f.add(
          'IST0132',
          'VirtualService',
          vs.meta,
          ['spec', 'gateways', i],
          `one or more host [${vs.hosts.join(' ')}] defined in VirtualService ${vs.meta.namespace}/${vs.meta.name} not found in Gateway ${gw.meta.namespace}/${gw.meta.name}.`,
        );
    });
    bypassFinding(config, vs, f);
  }
}

function vsHostInGateway(gw: GatewayConfig, vs: VirtualServiceConfig): boolean {
  for (const s of gw.servers)
    for (const h of s.hosts) {
      if (h.namespace !== '*' && h.namespace !== vs.meta.namespace) continue;
      if (vs.hosts.some((v) => namesMatch(h.host, v.toLowerCase()))) return true;
    }
  return false;
}

/** host.Name.Matches: either covers the other (wildcards on either side). */
function namesMatch(a: string, b: string): boolean {
  return (
    hostMatches(a, b) ||
    hostMatches(b, a) ||
    (a.startsWith('*') && b.startsWith('*') && (a.endsWith(b.slice(1)) || b.endsWith(a.slice(1))))
  );
}

function analyzeGateway(config: MeshConfig, g: GatewayConfig, f: Findings): void {
  const selector = g.selector ?? {};
  const pods = config.workloads.filter((w) => w.replicas > 0 && selects(selector, w.podLabels));
  const selectorText = Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
  if (pods.length === 0) {
    f.add(
      'IST0101',
      'Gateway',
      g.meta,
      ['spec', 'selector'],
      `Referenced selector not found: "${selectorText}"`,
    );
    return;
  }
  const exposed = new Set<number>();
  for (const w of pods)
    for (const svc of config.services) {
      if (svc.meta.namespace !== w.meta.namespace || !selects(svc.selector, w.podLabels)) continue;
      if (Object.keys(svc.selector).length === 0) continue;
      for (const p of svc.ports) {
        if (p.protocol !== 'TCP') continue;
        exposed.add(p.port);
        if (typeof p.targetPort === 'number') exposed.add(p.targetPort);
      }
    }
  g.servers.forEach((s, i) => {
    if (exposed.has(s.port.number)) return;
    f.add(
      'IST0162',
      'Gateway',
      g.meta,
      ['spec', 'servers', i, 'port', 'number'],
      `The gateway is listening on a target port (port ${s.port.number}) that is not defined in the Service associated with its workload instances (Pod selector ${selectorText}). If you need to access the gateway port through the gateway Service, it will not be available.`,
    );
  });
}

function bypassFinding(config: MeshConfig, vs: VirtualServiceConfig, f: Findings): void {
  if (vs.gateways.length === 0 || vs.gateways.includes(MESH_GATEWAY) || vs.http.length === 0) return;
  const services = config.services.filter((s) => vs.hosts.some((h) => h !== '*' && hostMatches(h, s.fqdn)));
  if (services.length === 0) return;
  const weighted = vs.http.find((r) => r.route.length > 1);
  const what = weighted
    ? `its weights (${weighted.route.map((d) => `${d.weight} to ${d.destination.subset ?? d.destination.host}`).join(', ')})`
    : 'its routes';
  const callers = services.map((s) => {
    const other = virtualServiceFor(config, s.fqdn, s.meta.namespace);
    return other
      ? `${s.fqdn} (they use VirtualService ${other.meta.namespace}/${other.meta.name})`
      : `${s.fqdn} (they get the default route to every pod of the Service)`;
  });
  f.add(
    'MSIM3000',
    'VirtualService',
    vs.meta,
    ['spec', 'gateways'],
    `VirtualService ${vs.meta.namespace}/${vs.meta.name} binds only to gateways [${vs.gateways.join(', ')}], not to "mesh": sidecars ignore it, so in-mesh callers of ${callers.join('; ')} bypass ${what}. Add "mesh" to spec.gateways to apply it inside the mesh too.`,
  );
}
