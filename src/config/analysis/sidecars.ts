/**
 * Sidecar findings as istioctl analyze gives them (Istio pkg/config/analysis/analyzers/sidecar/selector.go
 * SelectorAnalyzer): IST0101 a workloadSelector matching no pod, IST0110 several Sidecars selecting the
 * same pods, IST0111 several Sidecars without selector in one namespace. Pods are the workloads' replicas.
 */
import type { MeshConfig, SidecarConfig } from '../types.js';
import { type Findings, selects } from './context.js';

/** Go's `%v` of a []string: `[a b]`. */
const goList = (names: readonly string[]) => `[${names.join(' ')}]`;

export function analyzeSidecars(config: MeshConfig, f: Findings): void {
  const all = config.sidecars ?? [];
  const byNs = new Map<string, SidecarConfig[]>();
  const byWorkload = new Map<string, SidecarConfig[]>();
  for (const s of all) {
    const sel = s.workloadSelector;
    if (sel === undefined || Object.keys(sel).length === 0) {
      const list = byNs.get(s.meta.namespace) ?? [];
      byNs.set(s.meta.namespace, [...list, s]);
      continue;
    }
    const matched = config.workloads.filter(
      (w) => w.meta.namespace === s.meta.namespace && w.replicas > 0 && selects(sel, w.podLabels),
    );
    if (matched.length === 0) {
      const text = Object.entries(sel)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      f.add(
        'IST0101',
        'Sidecar',
        s.meta,
        ['spec', 'workloadSelector'],
        `Referenced selector not found: "${text}"`,
      );
    }
    for (const w of matched) {
      const key = `${w.meta.namespace}/${w.meta.name}`;
      byWorkload.set(key, [...(byWorkload.get(key) ?? []), s]);
    }
  }
  for (const [key, list] of byWorkload) {
    if (list.length < 2) continue;
    const names = list.map((s) => s.meta.name);
    const [ns, workload] = key.split('/');
    for (const s of list)
      f.add(
        'IST0110',
        'Sidecar',
        s.meta,
        ['spec', 'workloadSelector'],
        `The Sidecars ${goList(names)} in namespace "${ns}" select the same workload pod "${workload}", which can lead to undefined behavior.`,
      );
  }
  for (const [ns, list] of byNs) {
    if (list.length < 2) continue;
    const names = list.map((s) => s.meta.name);
    for (const s of list)
      f.add(
        'IST0111',
        'Sidecar',
        s.meta,
        [],
        `The Sidecars ${goList(names)} in namespace "${ns}" have no workload selector, which can lead to undefined behavior.`,
      );
  }
}
