/** A validated ServiceEntry document → ServiceEntryConfig (Istio serviceentry/conversion.go). */
import type { ServiceEntrySpecDoc } from '../schema/service-entry.js';
import type { ObjectMeta, ServiceEntryConfig } from '../types.js';

export function resolveServiceEntry(meta: ObjectMeta, spec: ServiceEntrySpecDoc): ServiceEntryConfig {
  const out: ServiceEntryConfig = {
    meta,
    hosts: (spec.hosts ?? []).map((h) => h.toLowerCase()),
    addresses: [...(spec.addresses ?? [])],
    ports: (spec.ports ?? []).map((p) => ({
      number: p.number,
      protocol: (p.protocol ?? '').toUpperCase(),
      name: p.name,
      targetPort: p.targetPort ?? 0,
    })),
    // The proto's default (0) is MESH_EXTERNAL; its resolution default (0) is NONE.
    location: spec.location ?? 'MESH_EXTERNAL',
    resolution: spec.resolution === 'DYNAMIC_DNS' ? 'NONE' : (spec.resolution ?? 'NONE'),
    endpoints: (spec.endpoints ?? []).map((e) => ({
      address: e.address ?? '',
      ports: { ...(e.ports ?? {}) },
      labels: { ...(e.labels ?? {}) },
      locality: e.locality ?? '',
      // A weight of 0 is sent as 1 (Istio pilot/pkg/model/service.go GetLoadBalancingWeight).
      weight: e.weight && e.weight > 0 ? e.weight : 1,
      network: e.network ?? '',
    })),
    exportTo: [...(spec.exportTo ?? [])],
  };
  if (spec.workloadSelector) out.workloadSelector = { ...(spec.workloadSelector.labels ?? {}) };
  return out;
}
