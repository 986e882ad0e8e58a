import type { CalibratedModel } from './model.js';
import { CALIBRATED_PORT, sortedWorkloads } from './scenario-out.js';

/** The label a generated Service selects by (one per Service, so a workload may serve several). */
const serviceLabel = (name: string) => `calibrate.meshsim.dev/${name}`;

/**
 * Kubernetes and Istio manifests for the workloads found: a Namespace (injection on) per namespace, a
 * Deployment per destination workload (labels app / version as the metrics named them), a Service per
 * destination service, and for a Service with several workloads a DestinationRule with one subset per
 * workload and a VirtualService that splits by the observed shares (shareWeights).
 * NOTE: simplification: one split for every caller; per-caller routing (header matches) is not recovered.
 */
export function manifestDocuments(m: CalibratedModel): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  const namespaces = new Set<string>();
  for (const w of m.workloads.values()) namespaces.add(w.namespace);
  for (const g of m.generators) namespaces.add(g.namespace);
  for (const s of m.services.values()) namespaces.add(s.namespace);
  for (const ns of [...namespaces].sort())
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
    });
  const servicesOf = new Map<string, string[]>();
  const services = [...m.services.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [, s] of services)
    for (const w of s.workloads.keys()) servicesOf.set(w, [...(servicesOf.get(w) ?? []), s.name]);
  for (const w of sortedWorkloads(m)) {
    const labels: Record<string, string> = { app: w.app };
    if (w.version !== 'unknown') labels.version = w.version;
    for (const s of servicesOf.get(w.key) ?? []) labels[serviceLabel(s)] = 'true';
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: w.namespace },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { app: w.app, ...(labels.version ? { version: labels.version } : {}) } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              { name: w.name, image: `${w.name}:calibrated`, ports: [{ containerPort: CALIBRATED_PORT }] },
            ],
          },
        },
      },
    });
  }
  for (const [, s] of services) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace: s.namespace },
      spec: {
        selector: { [serviceLabel(s.name)]: 'true' },
        ports: [{ name: 'http', port: CALIBRATED_PORT, targetPort: CALIBRATED_PORT }],
      },
    });
    if (s.workloads.size < 2) continue;
    const entries = [...s.workloads.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const host = `${s.name}.${s.namespace}.svc.cluster.local`;
    const subsets = entries.map(([key]) => {
      const w = m.workloads.get(key)!;
      return {
        name: w.name,
        labels: { app: w.app, ...(w.version !== 'unknown' ? { version: w.version } : {}) },
      };
    });
    docs.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: s.name, namespace: s.namespace },
      spec: { host, subsets },
    });
    docs.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: s.name, namespace: s.namespace },
      spec: {
        hosts: [host],
        http: [
          {
            route: shareWeights(entries.map((e) => e[1])).map((weight, i) => ({
              destination: { host, subset: subsets[i]!.name },
              weight,
            })),
          },
        ],
      },
    });
  }
  return docs;
}

/**
 * Integer weights in parts per million of the observed shares, each at least 1 so that no observed subset
 * vanishes. Istio reads route weights as relative (only a total of 0 is refused: IST0106), so they need
 * not sum to 100.
 */
export function shareWeights(rates: readonly number[]): number[] {
  const total = rates.reduce((a, b) => a + b, 0);
  return rates.map((r) => Math.max(1, Math.round(total > 0 ? (r / total) * 1_000_000 : 1)));
}
