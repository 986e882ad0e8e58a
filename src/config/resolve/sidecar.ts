/** A validated Sidecar document → SidecarConfig (Istio pilot/pkg/model/sidecar.go ConvertToSidecarScope). */
import { resolveConnectionPool } from '../defaults.js';
import type { SidecarSpecDoc } from '../schema/sidecar.js';
import type { ObjectMeta, SidecarConfig } from '../types.js';

export function resolveSidecar(meta: ObjectMeta, spec: SidecarSpecDoc): SidecarConfig {
  const out: SidecarConfig = {
    meta,
    egress: (spec.egress ?? []).map((e) => ({
      ...(e.port
        ? {
            port: {
              number: e.port.number ?? 0,
              protocol: (e.port.protocol ?? '').toUpperCase(),
              name: e.port.name ?? '',
            },
          }
        : {}),
      hosts: (e.hosts ?? []).map((h) => {
        const i = h.indexOf('/');
        // "." stays: it is the proxy's config namespace, resolved per proxy (sidecar.go ConvertToSidecarScope).
        return { namespace: h.slice(0, i), host: h.slice(i + 1).toLowerCase() };
      }),
    })),
    hasIngress: (spec.ingress ?? []).length > 0,
  };
  if (spec.workloadSelector) out.workloadSelector = { ...(spec.workloadSelector.labels ?? {}) };
  // A present policy replaces the mesh's (sidecar.go ConvertToSidecarScope); its proto default mode (0) is
  // REGISTRY_ONLY, so `outboundTrafficPolicy: {}` blocks unknown hosts.
  if (spec.outboundTrafficPolicy)
    out.outboundTrafficPolicy =
      spec.outboundTrafficPolicy.mode === 'ALLOW_ANY' ? 'ALLOW_ANY' : 'REGISTRY_ONLY';
  if (spec.inboundConnectionPool)
    out.inboundConnectionPool = resolveConnectionPool(spec.inboundConnectionPool);
  return out;
}
