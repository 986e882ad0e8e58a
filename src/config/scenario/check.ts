import type { Diagnostic } from '../diagnostics.js';
import { dnsCandidates } from '../hosts.js';
import { formatPath } from '../diagnostics.js';
import { ambientEnrolled } from '../resolve/ambient.js';
import { resolveGatewayTarget } from '../resolve/gateway-target.js';
import { didYouMean } from '../suggest.js';
import type { MeshConfig } from '../types.js';
import type { SourceDocument, YamlPath } from '../yaml-source.js';
import { checkCpuLimits } from './cpu-demand.js';
import { checkScenarioSize } from './size.js';
import type { Scenario } from './types.js';

/** Cross-checks between a scenario and the manifests it runs on (docs/scenario.md, MSIM201x). */
export const SCENARIO_CHECK_CODES = {
  MSIM2010: 'Unknown workload',
  MSIM2011: 'Unknown host',
  MSIM3002: 'Unknown ingress gateway',
  MSIM3003: 'Nothing listens on the gateway port',
} as const;

/**
 * Every workload the scenario configures or targets must exist, and every URL a client or app calls must
 * name a Service (resolved like cluster DNS from the caller's namespace) or a VirtualService host.
 */
export function checkScenario(doc: SourceDocument, s: Scenario, config: MeshConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: YamlPath, code: keyof typeof SCENARIO_CHECK_CODES, message: string, key = false) =>
    out.push({
      severity: 'error',
      code,
      message,
      file: doc.file,
      ...doc.locate(path, { key }),
      kind: 'Scenario',
      name: s.name,
      path: formatPath(path),
    });
  const workloads = config.workloads.map((w) => `${w.meta.namespace}/${w.meta.name}`);
  const unknownWorkload = (key: string) => {
    const hint = didYouMean(key, workloads);
    return `no Deployment or StatefulSet "${key}" in the manifests${hint ? `; did you mean "${hint}"?` : ''} (workloads are namespace/name)`;
  };
  for (const key of s.workloads.keys())
    if (!workloads.includes(key)) report(['spec', 'workloads', key], 'MSIM2010', unknownWorkload(key), true);
  s.events.forEach((e, i) => {
    if (e.target !== undefined && !workloads.includes(e.target))
      report(['spec', 'events', i, 'target'], 'MSIM2010', unknownWorkload(e.target));
  });
  const known = knownHosts(config);
  // Hosts outside the mesh the scenario describes (spec.external) exist too: passthrough destinations.
  for (const h of s.external?.keys() ?? []) known.add(h);
  s.traffic.forEach((t, i) => {
    if (t.gateway !== undefined) {
      // Traffic from outside the mesh: its hosts are external names the gateway's servers answer to.
      const problem = gatewayProblem(config, t.gateway, t.namespace, t.requests);
      if (problem) report(['spec', 'traffic', i, 'gateway'], problem.code, problem.message);
      return;
    }
    const ambient = enrolled(config, t.namespace, t.labels);
    t.requests.forEach((r, j) => {
      const problem = hostProblem(r.url, t.namespace, known, ambient);
      if (problem) report(['spec', 'traffic', i, 'requests', j, 'url'], 'MSIM2011', problem);
    });
  });
  for (const [key, b] of s.workloads) {
    const ns = key.split('/')[0]!;
    const w = config.workloads.find((x) => `${x.meta.namespace}/${x.meta.name}` === key);
    const ambient = w !== undefined && enrolled(config, ns, w.podLabels);
    b.calls.forEach((c, j) => {
      const problem = hostProblem(c.url, ns, known, ambient);
      if (problem) report(['spec', 'workloads', key, 'calls', j, 'url'], 'MSIM2011', problem);
    });
  }
  // spec.meshConfig replaces the istio ConfigMap's MeshConfig as a whole (docs/scenario.md).
  if (s.meshConfig !== undefined && config.istioMeshConfig !== undefined) {
    const at = config.istioMeshConfig.source;
    out.push({
      severity: 'warning',
      code: 'MSIM3042',
      message: `spec.meshConfig replaces the MeshConfig of the istio ConfigMap${at ? ` (${at.file}:${at.line})` : ''}: the ConfigMap's settings are not applied`,
      file: doc.file,
      ...doc.locate(['spec', 'meshConfig'], { key: true }),
      kind: 'Scenario',
      name: s.name,
      path: 'spec.meshConfig',
    });
  }
  // CPU limits below the steady demand the traffic sends (MSIM3210, cpu-demand.ts).
  out.push(...checkCpuLimits(doc, s, config));
  // What the run would cost, refused up front when over the limits table (MSIM2006).
  out.push(...checkScenarioSize(doc, s, config));
  return out;
}

/** A `gateway:` must name a gateway Service or Deployment whose pods a Gateway selects, and be dialled on a port it maps. */
function gatewayProblem(
  config: MeshConfig,
  ref: string,
  ns: string,
  requests: readonly { url: string }[],
): { code: 'MSIM3002' | 'MSIM3003'; message: string } | undefined {
  const target = resolveGatewayTarget(config, ref, ns);
  if (target === undefined)
    return {
      code: 'MSIM3002',
      message: `gateway "${ref}" names no Service (namespace/name or host) or Deployment (namespace/name) in the manifests`,
    };
  const sel = target.selector;
  const selected = (labels: Readonly<Record<string, string>>) =>
    Object.entries(sel).every(([k, v]) => labels[k] === v);
  const isGateway = config.workloads.some(
    (w) =>
      w.meta.namespace === target.namespace &&
      selected(w.podLabels) &&
      (config.gateways ?? []).some(
        (g) => g.selector !== undefined && Object.entries(g.selector).every(([k, v]) => w.podLabels[k] === v),
      ),
  );
  if (!isGateway)
    return {
      code: 'MSIM3002',
      message: `gateway "${ref}" (${target.label}) selects no pod that a Gateway's selector picks: no ingress gateway proxy runs there`,
    };
  for (const r of requests) {
    const m = /^(https?):\/\/[^/:?#]+(?::(\d+))?/.exec(r.url);
    if (m === null) continue;
    const port = m[2] !== undefined ? Number(m[2]) : m[1] === 'https' ? 443 : 80;
    if (target.listenerPort(port) === undefined)
      return {
        code: 'MSIM3003',
        message: `gateway "${ref}" (${target.label}) has no port ${port} (from ${r.url}): the connection would be refused`,
      };
  }
  return undefined;
}

function knownHosts(config: MeshConfig): Set<string> {
  const hosts = new Set<string>();
  for (const s of config.services) hosts.add(s.fqdn);
  for (const vs of config.virtualServices) for (const h of vs.hosts) hosts.add(h);
  for (const se of config.serviceEntries ?? []) for (const h of se.hosts) hosts.add(h);
  return hosts;
}

/** Whether a caller in `ns` with these pod labels runs in ambient mode (its ztunnel dials pod IPs). */
function enrolled(config: MeshConfig, ns: string, labels: Readonly<Record<string, string>>): boolean {
  return ambientEnrolled(config.namespaces.find((n) => n.meta.name === ns)?.meta.labels ?? {}, labels);
}

function hostProblem(url: string, ns: string, known: Set<string>, ambient = false): string | undefined {
  const m = /^https?:\/\/([^/:?#]+)/.exec(url);
  if (m === null) return undefined; // the URL syntax error is reported by the schema pass
  const host = m[1]!;
  // An ambient caller may address a pod by its IP (docs/ambient.md "Workload waypoints"): its ztunnel
  // sends it to that pod, or to the pod's workload waypoint; an IP no pod has gets a reset.
  if (ambient && /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return undefined;
  if (dnsCandidates(host, ns).some((c) => known.has(c))) return undefined;
  // Wildcard hosts (a ServiceEntry or VirtualService for `*.example.com`) cover their subdomains.
  const lower = host.toLowerCase();
  for (const k of known) if (k.startsWith('*.') && lower.endsWith(k.slice(1))) return undefined;
  const short = [...known].map((k) => k.split('.')[0]!);
  const hint = didYouMean(host.split('.')[0]!, short);
  return `"${host}" resolves to no Service, ServiceEntry, VirtualService host or spec.external host from namespace ${ns}${hint ? `; did you mean "${hint}"?` : ''}`;
}
