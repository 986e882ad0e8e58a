/**
 * MSIM3210: a container CPU limit below the steady CPU demand the scenario sends it. Such a pod's CFS quota
 * (docs/autoscaling.md "CPU limits") is spent in every period: it is throttled all the time and its queue
 * grows for as long as the load lasts, which users rarely mean.
 *
 * The demand is an estimate made before the run: each open-loop client's peak rate (closed loop:
 * connections x qps, when qps is set) to the Services its URLs name, shared by the pods those Services
 * select in proportion to their replicas (the HPA's maxReplicas when one scales the workload), then on
 * through the apps' downstream calls (times their probability). Per pod: rate x `cpu.perRequest` +
 * `cpu.idle`, against the first container's `resources.limits.cpu`.
 * NOTE: simplification: VirtualService routing, retries and gateway traffic are not part of the estimate.
 */
import type { Diagnostic } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import { dnsCandidates } from '../hosts.js';
import type { MeshConfig, WorkloadConfig } from '../types.js';
import type { SourceDocument } from '../yaml-source.js';
import type { LoadGeneratorSpec, Scenario } from './types.js';

/** Call graphs deeper than this are not followed further (each pass follows one level of calls). */
const MAX_DEPTH = 16;

export function checkCpuLimits(doc: SourceDocument, s: Scenario, config: MeshConfig): Diagnostic[] {
  const limited = config.workloads.filter((w) => (w.containers[0]?.cpuLimitMilli ?? 0) > 0);
  if (limited.length === 0) return [];
  const services = new Set(config.services.map((x) => x.fqdn));
  const serviceOf = (url: string, ns: string): string | undefined => {
    const m = /^https?:\/\/([^/:?#]+)/.exec(url);
    return m === null ? undefined : dnsCandidates(m[1]!, ns).find((c) => services.has(c));
  };
  const entry = new Map<string, number>();
  for (const t of s.traffic) {
    const rate = peakRate(t);
    if (t.gateway !== undefined || rate === 0) continue;
    const total = t.requests.reduce((a, r) => a + r.weight, 0);
    for (const r of t.requests) {
      const svc = serviceOf(r.url, t.namespace);
      if (svc !== undefined && total > 0) add(entry, svc, (rate * r.weight) / total);
    }
  }
  const replicas = (w: WorkloadConfig) => {
    const hpa = (config.horizontalPodAutoscalers ?? []).find(
      (h) => h.meta.namespace === w.meta.namespace && h.scaleTargetRef.name === w.meta.name,
    );
    return Math.max(1, hpa?.maxReplicas ?? w.replicas);
  };
  const key = (w: WorkloadConfig) => `${w.meta.namespace}/${w.meta.name}`;
  const selected = new Map<string, WorkloadConfig[]>();
  for (const svc of config.services)
    selected.set(
      svc.fqdn,
      config.workloads.filter(
        (w) =>
          w.meta.namespace === svc.meta.namespace &&
          Object.keys(svc.selector).length > 0 &&
          Object.entries(svc.selector).every(([k, v]) => w.podLabels[k] === v),
      ),
    );
  // Rates per workload: the entry rates, then one more level of downstream calls per pass.
  let perWorkload = new Map<string, number>();
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const toService = new Map(entry);
    for (const [k, rate] of perWorkload) {
      const b = s.workloads.get(k) ?? s.defaultBehaviour;
      const ns = k.slice(0, k.indexOf('/'));
      for (const c of b.calls) {
        const svc = serviceOf(c.url, ns);
        if (svc !== undefined) add(toService, svc, rate * c.probability);
      }
    }
    const next = new Map<string, number>();
    for (const [svc, rate] of toService) {
      const ws = selected.get(svc) ?? [];
      const total = ws.reduce((a, w) => a + replicas(w), 0);
      for (const w of ws) add(next, key(w), (rate * replicas(w)) / total);
    }
    const same = next.size === perWorkload.size && [...next].every(([k, v]) => perWorkload.get(k) === v);
    perWorkload = next;
    if (same) break;
  }
  const out: Diagnostic[] = [];
  for (const w of limited) {
    const k = key(w);
    const b = s.workloads.get(k) ?? s.defaultBehaviour;
    const limit = w.containers[0]!.cpuLimitMilli!;
    const n = replicas(w);
    const perPod = (perWorkload.get(k) ?? 0) / n;
    const demand = perPod * b.cpu.perRequestMs + b.cpu.idleMilli;
    if (demand <= limit) continue;
    const path = s.workloads.has(k) ? ['spec', 'workloads', k, 'cpu'] : ['spec', 'traffic'];
    out.push({
      severity: 'warning',
      code: 'MSIM3210',
      message: `the CPU limit ${limit}m of ${k} (container ${w.containers[0]!.name}) cannot carry its steady demand: about ${round(perPod)} requests/s per pod (${n} pod${n === 1 ? '' : 's'}, at the traffic's peak) x ${b.cpu.perRequestMs}ms of CPU${b.cpu.idleMilli > 0 ? ` + ${b.cpu.idleMilli}m idle` : ''} = ${Math.ceil(demand)}m: the CFS quota is spent in every period, requests wait for the next one and the queue grows while the load lasts`,
      file: doc.file,
      ...doc.locate(path, { key: true }),
      kind: 'Scenario',
      name: s.name,
      path: formatPath(path),
    });
  }
  return out;
}

/** Requests per second at the generator's peak (all replicas); 0 for closed loop without a qps. */
function peakRate(t: LoadGeneratorSpec): number {
  const m = t.mode;
  if (m.kind === 'closed') return m.qps > 0 ? m.qps * m.connections * t.replicas : 0;
  const r = m.rate;
  if (r.kind === 'constant') return r.perSecond;
  if (r.kind === 'ramp') return Math.max(r.fromPerSecond, r.toPerSecond);
  return r.steps.reduce((a, x) => Math.max(a, x.perSecond), 0);
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
