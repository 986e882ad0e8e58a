import { hostMatches } from '../hosts.js';
import type { MeshConfig, ServiceConfig, WorkloadConfig } from '../types.js';

/**
 * What the size estimate (size.ts) needs to know about ingress gateways: which workloads run gateway
 * proxies (a Gateway's selector picks their pods, in any namespace) and which Services the
 * gateway-bound VirtualServices route or mirror to (what those proxies build clusters for).
 */
export function isGatewayWorkload(config: MeshConfig, w: WorkloadConfig): boolean {
  for (const g of config.gateways ?? []) {
    if (g.selector === undefined) continue;
    let ok = true;
    for (const k in g.selector) if (w.podLabels[k] !== g.selector[k]) ok = false;
    if (ok) return true;
  }
  return false;
}

export function gatewayDestinationServices(config: MeshConfig): ServiceConfig[] {
  if ((config.gateways?.length ?? 0) === 0) return [];
  const hosts = new Set<string>();
  for (const vs of config.virtualServices) {
    if (!vs.gateways.some((g) => g !== 'mesh')) continue;
    for (const r of vs.http) {
      for (const d of r.route) hosts.add(d.destination.host);
      for (const m of r.mirrors) hosts.add(m.destination.host);
    }
  }
  return config.services.filter((s) => [...hosts].some((h) => hostMatches(h, s.fqdn)));
}
