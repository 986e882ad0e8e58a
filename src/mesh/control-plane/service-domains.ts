import type { ServiceConfig, ServicePort } from '../../config/types.js';

/**
 * The names a service answers to from a pod in `clientNamespace`, with and without the port, as istiod
 * lists them in the virtual host's domains (the short name only from the same namespace).
 */
export function serviceDomains(svc: ServiceConfig, port: number, clientNamespace: string): string[] {
  // A ServiceEntry host answers to itself only (route.go generateVirtualHostDomains: no Kubernetes
  // short names for a non-Kubernetes registry).
  if (svc.serviceEntry !== undefined) return [svc.fqdn, `${svc.fqdn}:${port}`];
  const name = svc.meta.name;
  const ns = svc.meta.namespace;
  const names = [svc.fqdn, `${name}.${ns}.svc`, `${name}.${ns}`];
  if (ns === clientNamespace) names.push(name);
  const out: string[] = [];
  for (const n of names) out.push(n, `${n}:${port}`);
  return out;
}

/** Ports that get HTTP route configuration: HTTP protocols, or unnamed ones Istio sniffs (IsHTTPOrSniffed). */
export function isHttpOrSniffed(p: ServicePort): boolean {
  const proto = p.istioProtocol;
  return (
    proto === 'http' || proto === 'http2' || proto === 'grpc' || proto === 'grpc-web' || proto === 'unknown'
  );
}
