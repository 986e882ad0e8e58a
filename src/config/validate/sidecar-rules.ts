/**
 * The webhook's Sidecar rules (Istio pkg/config/validation/validation.go ValidateSidecar,
 * validateSidecarOutboundTrafficPolicy; agent ValidateNamespaceSlashWildcardHostname). Errors are IST0106,
 * the webhook's warnings IST0133.
 */
import type { Reporter } from '../report.js';
import type { SidecarSpecDoc } from '../schema/sidecar.js';
import { dns1123LabelProblem, wildcardDomainProblem } from './common.js';

/** `ns/dnsName` with ns `*`, `.`, `~` or a namespace; dnsName `*` or a (wildcard) domain. */
export function egressHostProblem(h: string): string | undefined {
  const slash = h.indexOf('/');
  if (slash < 0) return `host "${h}" must be of form namespace/dnsName`;
  const ns = h.slice(0, slash);
  const name = h.slice(slash + 1);
  if (ns === '' || name === '') return `host "${h}" must be of form namespace/dnsName`;
  if (ns !== '*' && ns !== '.' && ns !== '~' && dns1123LabelProblem(ns, 'namespace'))
    return dns1123LabelProblem(ns, 'namespace');
  if (name === '*') return undefined;
  return wildcardDomainProblem(name);
}

export function validateSidecarSpec(r: Reporter, spec: SidecarSpecDoc, namespace: string): void {
  const sp = ['spec'];
  if (spec.workloadSelector && spec.workloadSelector.labels === undefined)
    r.add(
      'IST0133',
      [...sp, 'workloadSelector'],
      'sidecar: workload selector has no labels, will be applied to all services in namespace',
    );
  const egress = spec.egress ?? [];
  if (
    egress.length === 0 &&
    (spec.ingress ?? []).length === 0 &&
    spec.outboundTrafficPolicy === undefined &&
    spec.inboundConnectionPool === undefined
  )
    return r.add('IST0106', sp, 'sidecar: empty configuration provided');
  const ports = new Set<number>();
  let catchAll = false;
  egress.forEach((e, i) => {
    const at = [...sp, 'egress', i];
    if (e.port === undefined) {
      if (catchAll) r.add('IST0106', at, 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1)
        r.add(
          'IST0106',
          at,
          'sidecar: the egress listener with empty port should be the last listener in the list',
        );
      catchAll = true;
    } else {
      if ((e.port.targetPort ?? 0) > 0)
        r.add('IST0106', [...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
      const n = e.port.number ?? 0;
      if (n !== 0 && ports.has(n))
        r.add('IST0106', [...at, 'port'], 'sidecar: ports on IP bound listeners must be unique');
      if (n !== 0 && n > 65535)
        r.add('IST0106', [...at, 'port', 'number'], `port number ${n} must be in the range 1..65535`);
      if (n === 0 && !(e.bind ?? '').startsWith('unix://'))
        r.add(
          'IST0106',
          [...at, 'port'],
          'sidecar: ports with 0 value must have a unix domain socket bind address',
        );
      ports.add(n);
    }
    const hosts = e.hosts ?? [];
    if (hosts.length === 0)
      r.add('IST0106', [...at, 'hosts'], 'sidecar: egress listener must contain at least one host');
    const seen = new Map<string, Set<string>>();
    hosts.forEach((h, j) => {
      const p = egressHostProblem(h);
      if (p) {
        r.add('IST0106', [...at, 'hosts', j], p);
        return;
      }
      const [rawNs, svc] = [h.slice(0, h.indexOf('/')), h.slice(h.indexOf('/') + 1)];
      if (rawNs.startsWith('~')) return;
      const ns = rawNs === '.' ? namespace : rawNs;
      const set = seen.get(ns) ?? new Set<string>();
      seen.set(ns, set);
      if (svc !== '*' ? set.has(svc) || set.has('*') : set.size > 0)
        r.add('IST0133', [...at, 'hosts', j], `duplicated egress host: ${h}`);
      set.add(svc);
    });
    if (seen.get('*')?.has('*') && seen.size !== 1)
      r.add('IST0133', [...at, 'hosts'], '`*/*` host select all resources, no other hosts can be added');
  });
  const mode = spec.outboundTrafficPolicy?.mode;
  if (mode === 'ALLOW_ANY_DYNAMIC_DNS')
    r.add(
      'IST0106',
      [...sp, 'outboundTrafficPolicy', 'mode'],
      'sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource',
    );
  else if (spec.outboundTrafficPolicy?.egressProxy !== undefined && mode !== 'ALLOW_ANY')
    r.add(
      'IST0106',
      [...sp, 'outboundTrafficPolicy', 'egressProxy'],
      'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
    );
}
