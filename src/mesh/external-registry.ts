import type { ServiceConfig, ServiceEntryConfig, ServicePort } from '../config/types.js';

/**
 * ServiceEntries as registry services: istiod converts each host of a ServiceEntry into a service of its
 * own with the entry's ports (Istio pilot/pkg/serviceregistry/serviceentry/conversion.go
 * convertServices), so every host gets clusters `outbound|PORT||host` and a virtual host on each HTTP
 * port, exactly like a Kubernetes Service. The result is a ServiceConfig marked with `serviceEntry`.
 *
 * When a Kubernetes Service and a ServiceEntry share a host, istiod keeps the Kubernetes one for sidecars
 * (push_context.go: the Kubernetes registry comes first); the entry is dropped here too.
 */
export function serviceEntryServices(
  entries: readonly ServiceEntryConfig[],
  kubernetes: readonly ServiceConfig[],
): ServiceConfig[] {
  const taken = new Set(kubernetes.map((s) => s.fqdn));
  const out: ServiceConfig[] = [];
  for (const se of entries) {
    const ports: ServicePort[] = se.ports.map((p) => ({
      name: p.name,
      port: p.number,
      targetPort: p.targetPort || p.number,
      protocol: 'TCP',
      istioProtocol: istioProtocolOf(p.protocol),
    }));
    for (const host of se.hosts) {
      if (taken.has(host)) continue;
      taken.add(host);
      out.push({ meta: se.meta, fqdn: host, selector: {}, ports, type: 'ClusterIP', serviceEntry: se });
    }
  }
  return out;
}

/** ServiceEntry `protocol` → Istio's protocol (pkg/config/protocol Parse); unset sniffs like an unnamed port. */
function istioProtocolOf(p: string): ServicePort['istioProtocol'] {
  switch (p) {
    case 'HTTP':
      return 'http';
    case 'HTTP2':
      return 'http2';
    case 'GRPC':
      return 'grpc';
    case 'GRPC-WEB':
      return 'grpc-web';
    // NOTE: simplification: HTTPS/TLS ports are simulated as HTTP over a TLS connection (as when the
    // sidecar originates TLS); Istio proxies app-originated TLS by SNI only, without HTTP routes.
    case 'HTTPS':
    case 'TLS':
      return 'http';
    case 'TCP':
      return 'tcp';
    case 'MONGO':
      return 'mongo';
    case 'REDIS':
      return 'redis';
    case 'MYSQL':
      return 'mysql';
    default:
      return 'unknown';
  }
}

/** exportTo of a ServiceEntry: empty or `*` = everywhere, `.` = its own namespace (Istio model/visibility). */
export function serviceEntryVisible(se: ServiceEntryConfig, namespace: string): boolean {
  const e = se.exportTo;
  if (e.length === 0 || e.includes('*')) return true;
  return e.some((x) => (x === '.' ? se.meta.namespace === namespace : x === namespace));
}
