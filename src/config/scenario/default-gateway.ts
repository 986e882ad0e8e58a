import type { Diagnostic } from '../diagnostics.js';
import type { MeshConfig, ObjectMeta, ServiceConfig, WorkloadConfig } from '../types.js';
import type { SourceDocument } from '../yaml-source.js';
import type { Scenario } from './types.js';

const NS = 'istio-system';
const NAME = 'istio-ingressgateway';
const LABELS = { app: NAME, istio: 'ingressgateway' } as const;
/** The names a scenario's `gateway:` may use for it (namespace/name, or the Service host). */
const REFS = new Set([
  `${NS}/${NAME}`,
  `${NAME}.${NS}`,
  `${NAME}.${NS}.svc`,
  `${NAME}.${NS}.svc.cluster.local`,
]);

/**
 * Istio's samples (Bookinfo's `bookinfo-gateway.yaml`) select the ingress gateway `istioctl install`
 * deploys, which their manifests do not contain. When a scenario sends traffic through
 * `istio-system/istio-ingressgateway` and the manifests define no such Service or Deployment, meshsim
 * adds the default profile's: a Deployment (1 replica, labels app=istio-ingressgateway,
 * istio=ingressgateway) and its LoadBalancer Service (http2 80 → 8080, https 443 → 8443), with an info
 * (MSIM3004) at the `gateway:` field.
 * NOTE: simplification: the default profile also autoscales it (HPA 1-5 replicas) and exposes the
 * status port 15021; meshsim keeps 1 replica and leaves the health port out.
 */
export function withDefaultIngressGateway(
  config: MeshConfig,
  scenario: Scenario,
  doc: SourceDocument,
): { config: MeshConfig; diagnostics: Diagnostic[] } {
  const i = scenario.traffic.findIndex((t) => t.gateway !== undefined && REFS.has(t.gateway.toLowerCase()));
  if (i < 0) return { config, diagnostics: [] };
  const defined =
    config.services.some((s) => s.meta.namespace === NS && s.meta.name === NAME) ||
    config.workloads.some((w) => w.meta.namespace === NS && w.meta.name === NAME);
  if (defined) return { config, diagnostics: [] };
  const pos = doc.locate(['spec', 'traffic', i, 'gateway']);
  const meta = (kind: string): ObjectMeta => ({
    name: NAME,
    namespace: NS,
    labels: { ...LABELS },
    annotations: {},
    source: { file: `(istioctl install default profile: ${kind})`, line: 0, column: 0 },
  });
  const workload: WorkloadConfig = {
    meta: meta('Deployment'),
    kind: 'Deployment',
    replicas: 1,
    podLabels: { ...LABELS },
    containers: [
      {
        name: 'istio-proxy',
        ports: [
          { name: 'http2', containerPort: 8080 },
          { name: 'https', containerPort: 8443 },
          { name: 'status-port', containerPort: 15021 },
        ],
      },
    ],
  };
  const service: ServiceConfig = {
    meta: meta('Service'),
    fqdn: `${NAME}.${NS}.svc.cluster.local`,
    selector: { ...LABELS },
    type: 'LoadBalancer',
    ports: [
      { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP', istioProtocol: 'http2' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP', istioProtocol: 'https' },
    ],
  };
  return {
    config: {
      ...config,
      services: [...config.services, service],
      workloads: [...config.workloads, workload],
    },
    diagnostics: [
      {
        severity: 'info',
        code: 'MSIM3004',
        message: `no ${NS}/${NAME} in the manifests: meshsim adds the ingress gateway of istioctl's default profile (1 pod labelled app=${NAME}, istio=ingressgateway; Service ports 80 -> 8080, 443 -> 8443)`,
        file: doc.file,
        ...pos,
        kind: 'Scenario',
        name: scenario.name,
        path: `spec.traffic[${i}].gateway`,
      },
    ],
  };
}
