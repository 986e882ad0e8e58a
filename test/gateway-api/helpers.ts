import type { Diagnostic, MeshConfig, VirtualServiceConfig } from '../../src/config/index.js';
import { loadManifests } from '../../src/config/index.js';

export const SERVICES = ['product-service', 'product-service-v1', 'product-service-v2']
  .map(
    (n) => `apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: production}
spec:
  selector: {app: ${n}}
  ports: [{name: http, port: 8080}]
`,
  )
  .join('---\n');

export function gateway(listeners: string, name = 'shop', ns = 'production', extra = ''): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
  gatewayClassName: istio
${extra}  listeners:
${listeners}`;
}

export const HTTP_LISTENER = '  - {name: http, port: 80, protocol: HTTP, hostname: shop.example.com}\n';

export function route(spec: string, name = 'r', ns = 'production', meta = ''): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}${meta}}
spec:
${spec}`;
}

export function load(...docs: string[]): { config: MeshConfig; diagnostics: Diagnostic[] } {
  return loadManifests([{ file: 'm.yaml', text: docs.join('---\n') }]);
}

export const generated = (c: MeshConfig): VirtualServiceConfig[] =>
  c.virtualServices.filter((v) => v.meta.annotations['internal.istio.io/route-semantics'] === 'gateway');

export const brief = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.message}`);
