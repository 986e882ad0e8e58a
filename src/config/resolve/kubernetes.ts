/**
 * Kubernetes objects → resolved config, with the API server's checks meshsim relies on (MSIM0100):
 * a Deployment whose selector does not match its pod template, Service ports without unique names...
 */
import { serviceFqdn } from '../hosts.js';
import { resolveProxyCpuRequest } from './proxy-resources.js';
import type { Reporter } from '../report.js';
import type { DeploymentDoc, ServiceDoc, StatefulSetDoc } from '../schema/kubernetes.js';
import { labelProblem } from '../validate/common.js';
import { resolveContainerCpu, resolveProxyCpuLimit } from './cpu-limits.js';
import type { ObjectMeta, ServiceConfig, ServicePort, WorkloadConfig } from '../types.js';

const PROTOCOLS = [
  'http2',
  'http',
  'grpc-web',
  'grpc',
  'https',
  'tcp',
  'tls',
  'mongo',
  'redis',
  'mysql',
] as const;

/** Istio protocol selection: appProtocol, else the port name prefix (`http-web` → http). */
export function istioProtocolOf(
  name: string | undefined,
  appProtocol: string | undefined,
): ServicePort['istioProtocol'] {
  const pick = (s: string): ServicePort['istioProtocol'] | undefined => {
    const l = s.toLowerCase();
    if (l === 'kubernetes.io/h2c' || l === 'h2c') return 'http2';
    if (l === 'grpc-web' || l.startsWith('grpc-web-')) return 'grpc-web';
    const prefix = l.split('-')[0]!;
    return (PROTOCOLS as readonly string[]).includes(prefix)
      ? (prefix as ServicePort['istioProtocol'])
      : undefined;
  };
  return (appProtocol && pick(appProtocol)) || (name && pick(name)) || 'unknown';
}

function checkLabelMap(r: Reporter, path: (string | number)[], m: Record<string, string> | undefined) {
  for (const [k, v] of Object.entries(m ?? {})) {
    const p = labelProblem(k, v);
    if (p) r.add('MSIM0100', [...path, k], p, { key: true });
  }
}

export function resolveService(r: Reporter, meta: ObjectMeta, doc: ServiceDoc): ServiceConfig | undefined {
  let ok = true;
  const err = (path: (string | number)[], msg: string) => {
    ok = false;
    r.add('MSIM0100', path, msg);
  };
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(meta.name) || meta.name.length > 63)
    err(
      ['metadata', 'name'],
      `"${meta.name}" is not a valid Service name (DNS-1035 label: lowercase letters, digits and '-', starting with a letter)`,
    );
  const spec: NonNullable<ServiceDoc['spec']> = doc.spec ?? {};
  const ports = spec.ports ?? [];
  const type = spec.type ?? 'ClusterIP';
  if (ports.length === 0 && type !== 'ExternalName') err(['spec', 'ports'], 'spec.ports: Required value');
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name)
      err(['spec', 'ports', i], 'name is required when a Service has more than one port');
    if (p.name) {
      if (names.has(p.name)) err(['spec', 'ports', i, 'name'], `duplicate port name "${p.name}"`);
      names.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (numbers.has(key)) err(['spec', 'ports', i, 'port'], `duplicate port ${key}`);
    numbers.add(key);
  });
  if (type === 'ExternalName' && !spec.externalName)
    err(['spec', 'externalName'], 'externalName is required for type ExternalName');
  checkLabelMap(r, ['spec', 'selector'], spec.selector);
  if (!ok) return undefined;
  const out: ServiceConfig = {
    meta,
    fqdn: serviceFqdn(meta.name, meta.namespace),
    selector: { ...(spec.selector ?? {}) },
    ports: ports.map((p) => {
      const sp: ServicePort = {
        port: p.port,
        targetPort:
          typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort)
            ? Number(p.targetPort)
            : (p.targetPort ?? p.port),
        protocol: p.protocol ?? 'TCP',
        istioProtocol: istioProtocolOf(p.name, p.appProtocol),
      };
      if (p.name !== undefined) sp.name = p.name;
      if (p.appProtocol !== undefined) sp.appProtocol = p.appProtocol;
      return sp;
    }),
    type,
  };
  if (spec.trafficDistribution !== undefined) out.trafficDistribution = spec.trafficDistribution;
  return out;
}

export function resolveWorkload(
  r: Reporter,
  meta: ObjectMeta,
  kind: 'Deployment' | 'StatefulSet',
  doc: DeploymentDoc | StatefulSetDoc,
): WorkloadConfig | undefined {
  const spec = doc.spec;
  const podLabels = spec.template.metadata?.labels ?? {};
  const matchLabels = spec.selector.matchLabels ?? {};
  let ok = true;
  // CPU requests and limits (cpu-limits.ts): a request above its limit is refused by the API server.
  const cpu = spec.template.spec.containers.map((c, i) =>
    resolveContainerCpu(r, ['spec', 'template', 'spec', 'containers', i, 'resources'], c.resources),
  );
  if (cpu.some((c) => c.rejected)) ok = false;
  const proxyCpuLimitMilli = resolveProxyCpuLimit(r, spec.template.metadata?.annotations);
  if (Object.keys(matchLabels).length === 0 && spec.selector.matchExpressions === undefined) {
    r.add('MSIM0100', ['spec', 'selector'], 'spec.selector: empty selector is invalid for a workload');
    ok = false;
  }
  for (const [k, v] of Object.entries(matchLabels))
    if (podLabels[k] !== v) {
      r.add(
        'MSIM0100',
        ['spec', 'selector', 'matchLabels', k],
        `selector does not match template labels: the pod template has no label ${k}=${v}`,
        { key: true },
      );
      ok = false;
    }
  checkLabelMap(r, ['spec', 'template', 'metadata', 'labels'], podLabels);
  if (!ok) return undefined;
  const proxyCpuRequestMilli = resolveProxyCpuRequest(r, spec.template.metadata?.annotations);
  return {
    meta,
    kind,
    // Kubernetes defaults replicas to 1.
    replicas: spec.replicas ?? 1,
    ...(proxyCpuLimitMilli !== undefined ? { proxyCpuLimitMilli } : {}),
    podLabels: { ...podLabels },
    containers: spec.template.spec.containers.map((c, i) => {
      const ports = (c.ports ?? []).map((p) =>
        p.name !== undefined
          ? { name: p.name, containerPort: p.containerPort }
          : { containerPort: p.containerPort },
      );
      const { cpuRequestMilli, cpuLimitMilli } = cpu[i]!;
      return {
        name: c.name,
        ports,
        ...(cpuRequestMilli !== undefined ? { cpuRequestMilli } : {}),
        ...(cpuLimitMilli !== undefined ? { cpuLimitMilli } : {}),
      };
    }),
    ...(spec.template.metadata?.annotations
      ? { podAnnotations: { ...spec.template.metadata.annotations } }
      : {}),
    ...(proxyCpuRequestMilli !== undefined ? { proxyCpuRequestMilli } : {}),
  };
}
