import { serviceSelects } from '../config/labels.js';
import { destinationRuleFor, virtualServiceFor } from '../config/index.js';
import { closeNames } from '../config/suggest.js';
import type {
  DestinationRuleConfig,
  HttpMatchRequest,
  HttpRoute,
  MeshConfig,
  ServiceConfig,
  ServicePort,
  StringMatch,
  TrafficPolicyBlocks,
  VirtualServiceConfig,
} from '../config/types.js';
import type { Pod } from '../mesh/pod.js';
import type { World } from '../mesh/world.js';

/**
 * `istioctl x describe pod|service` for meshsim's mesh, in the shape of istioctl/pkg/describe/describe.go
 * (printPod, printService, printDestinationRule, printVirtualService, httpRouteMatchSvc, renderMatch):
 * the pod, then per Service selecting it its ports, the DestinationRule that applies (matching and
 * non-matching subsets, TLS mode, which policies it sets) and the VirtualService routes that reach the
 * pod, with weights. Names print as istioctl's kname: `name`, or `name.namespace` outside the target's
 * namespace. The DestinationRule is the one meshsim's clusters use, the VirtualService the one the pod's
 * own sidecar routes by (as istioctl reads both from the pod's config dump).
 *
 * NOTE: simplification: no PeerAuthentication, RBAC policies or ingress gateway sections (meshsim loads
 * none of those resources); `Pod Revision` is `default`; hosts print as resolved FQDNs.
 */
export type DescribeTarget =
  | { kind: 'pod'; pod: Pod }
  | { kind: 'service'; service: ServiceConfig; pods: Pod[] };

/** `name`, `name.namespace`, `pod/name` or `svc/name`: a Service first, then a pod; else close names. */
export function findTarget(
  world: World,
  config: MeshConfig,
  text: string,
): DescribeTarget | { unknown: string; closeNames: string[] } {
  const m = /^(?:(pod|po|service|svc)\/)?([^.]+)(?:\.(.+))?$/.exec(text);
  const kind = m?.[1];
  const name = m?.[2] ?? text;
  // `name.namespace.svc.cluster.local` names the same Service as `name.namespace`.
  const ns = m?.[3]?.replace(/\.svc\.cluster\.local$/, '');
  if (kind === undefined || kind === 'service' || kind === 'svc') {
    const svc = config.services.find(
      (s) => s.meta.name === name && (ns === undefined || s.meta.namespace === ns),
    );
    if (svc !== undefined) return { kind: 'service', service: svc, pods: selectedPods(world, svc) };
  }
  if (kind === undefined || kind === 'pod' || kind === 'po') {
    const pod = world.pods.find((p) => p.name === name && (ns === undefined || p.namespace === ns));
    if (pod !== undefined) return { kind: 'pod', pod };
  }
  const candidates = [...config.services.map((s) => s.meta.name), ...world.pods.map((p) => p.name)];
  return { unknown: text, closeNames: closeNames(name, [...new Set(candidates)]) };
}

function selectedPods(world: World, svc: ServiceConfig): Pod[] {
  return world.pods.filter((p) => serviceSelects(svc, p.namespace, p.labels));
}

/** The Services selecting a pod, in manifest order. */
export function servicesOf(config: MeshConfig, pod: Pod): ServiceConfig[] {
  return config.services.filter((s) => serviceSelects(s, pod.namespace, pod.labels));
}

export function describeText(world: World, config: MeshConfig, t: DescribeTarget): string {
  const ns = t.kind === 'pod' ? t.pod.namespace : t.service.meta.namespace;
  const kname = (name: string, namespace: string) => (namespace === ns ? name : `${name}.${namespace}`);
  const out: string[] = [];
  let services: ServiceConfig[];
  let pods: Pod[];
  if (t.kind === 'pod') {
    out.push(...podLines(world, t.pod, kname));
    services = servicesOf(config, t.pod);
    pods = [t.pod];
    if (services.length === 0)
      out.push(
        `Warning: No Kubernetes Services select pod ${kname(t.pod.name, t.pod.namespace)} (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )`,
      );
    out.push('--------------------');
  } else {
    services = [t.service];
    pods = t.pods;
    if (pods.length === 0) return `Service "${kname(t.service.meta.name, ns)}" has no pods.\n`;
  }
  const podsLabels = pods.map((p) => p.labels);
  services.forEach((svc, row) => {
    if (row !== 0) out.push('--------------------');
    out.push(`Service: ${kname(svc.meta.name, svc.meta.namespace)}`);
    for (const p of svc.ports)
      if (p.protocol === 'TCP')
        out.push(
          `   Port: ${p.name ?? ''} ${p.port}/${protocolName(p)} targets pod port ${targetPort(world, pods[0]!, p)}`,
        );
    const multi = svc.ports.length > 1;
    const indent = multi ? 3 : 0;
    for (const p of svc.ports) {
      if (multi) out.push(`${p.port}:`);
      const dr = destinationRuleFor(config, svc.fqdn);
      if (dr !== undefined) out.push(...destinationRuleLines(dr, podsLabels, indent, kname));
      const vs = virtualServiceFor(config, svc.fqdn, pods[0]!.namespace);
      if (vs !== undefined) out.push(...virtualServiceLines(vs, svc, dr, podsLabels, indent, kname));
    }
  });
  return `${out.join('\n')}\n`;
}

type Kname = (name: string, namespace: string) => string;

function podLines(world: World, pod: Pod, kname: Kname): string[] {
  const containers = world.workloads.get(pod.owner)?.config.containers ?? [];
  const ports = containers.flatMap((c) => c.ports.map((p) => `${p.containerPort} (${c.name})`));
  // Every meshsim pod has a sidecar: istio-proxy's Prometheus port is among the pod's ports.
  ports.push('15090 (istio-proxy)');
  const out = [
    `Pod: ${kname(pod.name, pod.namespace)}`,
    '   Pod Revision: default',
    `   Pod Ports: ${ports.join(', ')}`,
  ];
  const l = pod.labels;
  const url = 'https://istio.io/latest/docs/ops/deployment/application-requirements/';
  if (!(l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l.app))
    out.push(`Suggestion: add required service name label for Istio telemetry. See ${url}.`);
  if (!(l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l.version))
    out.push(`Suggestion: add required service revision label for Istio telemetry. See ${url}.`);
  return out;
}

/** istioctl's findProtocolForPort: `auto-detect` for an unnamed port, else Istio's protocol name. */
export function protocolName(p: ServicePort): string {
  if (p.name === undefined && p.appProtocol === undefined) return 'auto-detect';
  const names: Record<ServicePort['istioProtocol'], string> = {
    http: 'HTTP',
    http2: 'HTTP2',
    grpc: 'GRPC',
    'grpc-web': 'GRPC-Web',
    https: 'HTTPS',
    tcp: 'TCP',
    tls: 'TLS',
    mongo: 'Mongo',
    redis: 'Redis',
    mysql: 'MySQL',
    unknown: 'UnsupportedProtocol',
  };
  return names[p.istioProtocol];
}

function targetPort(world: World, pod: Pod, p: ServicePort): number {
  if (typeof p.targetPort === 'number') return p.targetPort;
  for (const c of world.workloads.get(pod.owner)?.config.containers ?? [])
    for (const cp of c.ports) if (cp.name === p.targetPort) return cp.containerPort;
  return p.port;
}

/** getDestRuleSubsets: subsets whose labels select any of the pods, and the others. */
export function subsetsFor(
  dr: DestinationRuleConfig,
  podsLabels: readonly Readonly<Record<string, string>>[],
): { matching: string[]; nonMatching: string[] } {
  const matching: string[] = [];
  const nonMatching: string[] = [];
  for (const s of dr.subsets) {
    const hit = podsLabels.some((l) => Object.entries(s.labels).every(([k, v]) => l[k] === v));
    (hit ? matching : nonMatching).push(s.name);
  }
  return { matching, nonMatching };
}

function sp(n: number): string {
  return ' '.repeat(n);
}

function shortPolicies(b: TrafficPolicyBlocks): string | undefined {
  const extra: string[] = [];
  if (b.loadBalancer) extra.push('load balancer');
  if (b.connectionPool) extra.push('connection pool');
  if (b.outlierDetection) extra.push('outlier detection');
  return extra.length > 0 ? `Policies: ${extra.join('/')}` : undefined;
}

function destinationRuleLines(
  dr: DestinationRuleConfig,
  podsLabels: readonly Readonly<Record<string, string>>[],
  i: number,
  kname: Kname,
): string[] {
  const out = [`${sp(i)}DestinationRule: ${kname(dr.meta.name, dr.meta.namespace)} for "${dr.host}"`];
  const { matching, nonMatching } = subsetsFor(dr, podsLabels);
  if (matching.length > 0 || nonMatching.length > 0) {
    if (matching.length === 0)
      out.push(
        `${sp(i + 3)}WARNING POD DOES NOT MATCH ANY SUBSETS.  (Non matching subsets ${nonMatching.join(',')})`,
      );
    out.push(`${sp(i + 3)}Matching subsets: ${matching.join(',')}`);
    if (nonMatching.length > 0) out.push(`${sp(i + 6)}(Non-matching subsets ${nonMatching.join(',')})`);
  }
  const tp = dr.trafficPolicy;
  if (tp === undefined) out.push(`${sp(i + 3)}No Traffic Policy`);
  else {
    if (tp.tls) out.push(`${sp(i + 3)}Traffic Policy TLS Mode: ${tp.tls.mode}`);
    const short = shortPolicies(tp);
    if (short) out.push(`${sp(i + 3)}${short}`);
    if (tp.portLevelSettings.length > 0) {
      out.push(`${sp(i + 3)}Port Level Settings:`);
      for (const ps of tp.portLevelSettings) {
        out.push(`${sp(4)}${ps.port}:`);
        if (ps.policy.tls) out.push(`${sp(i + 6)}TLS Mode: ${ps.policy.tls.mode}`);
        const s = shortPolicies(ps.policy);
        if (s) out.push(`${sp(i + 6)}${s}`);
      }
    }
  }
  return out;
}

function renderStringMatch(m: StringMatch): string {
  if (m.kind === 'exact') return m.value;
  if (m.kind === 'prefix') return `${m.value}*`;
  if (m.kind === 'regex') return `regex:${m.value}`;
  return '*';
}

/** istioctl's renderMatch: `Match: /uri* uncased when headers are k=v; ...`. */
function renderMatch(m: HttpMatchRequest): string {
  let s = 'Match: ';
  if (m.uri) s += renderStringMatch(m.uri) + (m.ignoreUriCase ? ' uncased' : '');
  if (m.headers.length > 0)
    s += ` when headers are ${m.headers.map((h) => `${h.name}=${renderStringMatch(h.match)}`).join('; ')}`;
  return s.trim();
}

function renderMatches(ms: readonly HttpMatchRequest[]): string {
  return ms.length === 0 ? 'everything' : ms.map(renderMatch).join(', ');
}

function renderFault(f: NonNullable<HttpRoute['fault']>): string {
  const parts: string[] = [];
  if (f.delay) parts.push(`delay ${f.delay.fixedDelayMs}ms for ${f.delay.percentage}%`);
  if (f.abort) parts.push(`abort ${f.abort.httpStatus ?? f.abort.grpcStatus} for ${f.abort.percentage}%`);
  return parts.join(', ');
}

/** istioctl's httpRouteMatchSvc: whether a rule routes to the service's pods, and what to say about it. */
function httpRouteFacts(
  rule: HttpRoute,
  svc: ServiceConfig,
  dr: DestinationRuleConfig | undefined,
  subsets: { matching: string[]; nonMatching: string[] },
  kname: Kname,
): { match: boolean; facts: string[] } {
  const facts: string[] = [];
  const mismatch: string[] = [];
  let match = false;
  for (const d of rule.route) {
    const dest = d.destination;
    if (dest.host === svc.fqdn) {
      if (dest.subset !== undefined && dest.subset !== '') {
        if (subsets.nonMatching.includes(dest.subset)) {
          mismatch.push(`Route to non-matching subset ${dest.subset} for (${renderMatches(rule.match)})`);
          continue;
        }
        if (!subsets.matching.includes(dest.subset)) {
          mismatch.push(
            dr === undefined
              ? `Warning: Route to subset ${dest.subset} but NO DESTINATION RULE defining subsets!`
              : `Warning: Route to UNKNOWN subset ${dest.subset}; check DestinationRule ${kname(dr.meta.name, dr.meta.namespace)}`,
          );
          continue;
        }
      }
      match = true;
      if (d.weight > 0)
        facts.push(
          `Route to host "${dest.host}"${dest.subset ? ` subset "${dest.subset}"` : ''} with weight ${d.weight}%`,
        );
    } else if (dest.subset === undefined || dest.subset === '') {
      facts.push(`Route to host "${dest.host}" with weight ${d.weight}%`);
    } else facts.push(`Route to ${dest.host} with invalid config`);
  }
  if (match) {
    const req: string[] = [];
    if (rule.fault) req.push(`Fault injection ${renderFault(rule.fault)}`);
    for (const m of rule.match) req.push(renderMatch(m));
    if (req.length > 0) facts.push(req.join(', '));
  }
  if (!match && mismatch.length > 0) facts.push(...mismatch);
  return { match, facts };
}

function virtualServiceLines(
  vs: VirtualServiceConfig,
  svc: ServiceConfig,
  dr: DestinationRuleConfig | undefined,
  podsLabels: readonly Readonly<Record<string, string>>[],
  i: number,
  kname: Kname,
): string[] {
  const out = [`${sp(i)}VirtualService: ${kname(vs.meta.name, vs.meta.namespace)}`];
  const subsets = dr ? subsetsFor(dr, podsLabels) : { matching: [], nonMatching: [] };
  let matches = 0;
  let facts = 0;
  const mismatch: string[] = [];
  for (const rule of vs.http) {
    const r = httpRouteFacts(rule, svc, dr, subsets, kname);
    if (r.match) {
      matches++;
      for (const f of r.facts) out.push(`${sp(i + 3)}${f}`);
      facts += r.facts.length;
    } else mismatch.push(...r.facts);
  }
  if (matches === 0) {
    if (vs.http.length > 0)
      out.push(
        `${sp(i + 3)}WARNING: No destinations match pod subsets (checked ${vs.http.length} HTTP routes)`,
      );
    for (const m of mismatch) out.push(`${sp(i + 6)}${m}`);
    return out;
  }
  if (matches < vs.http.length) {
    out.push(
      `${sp(i + 3)}${vs.http.length - matches} additional destination(s) that will not reach this pod`,
    );
    if (facts === 0) for (const m of mismatch) out.push(`${sp(i + 6)}${m}`);
    return out;
  }
  if (facts === 0 && vs.http.length > 0) out.push(`${sp(i + 3)}${vs.http.length} HTTP route(s)`);
  return out;
}
