/**
 * The webhook's ServiceEntry rules, in its order (Istio pkg/config/validation/validation.go
 * ValidateServiceEntry, validateWorkloadEntry). Errors are IST0106, the webhook's warnings IST0133.
 */
import type { Reporter } from '../report.js';
import type { ServiceEntrySpecDoc } from '../schema/service-entry.js';
import { checkExportTo, checkLabels, wildcardDomainProblem } from './common.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s));
}

/** `ValidateIPSubnet`: an IP or a CIDR. */
function subnetProblem(s: string): string | undefined {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || !isIpAddress(ip ?? '')) return `invalid IP address or CIDR "${s}"`;
  if (bits === undefined) return undefined;
  const max = ip!.includes(':') ? 128 : 32;
  return /^\d+$/.test(bits) && Number(bits) <= max ? undefined : `invalid CIDR "${s}"`;
}

/** `ValidateFQDN`: DNS-1123 labels, no wildcard. */
function fqdnProblem(h: string): string | undefined {
  if (h.startsWith('*')) return `"${h}" is a wildcard, not a fully qualified domain name`;
  return wildcardDomainProblem(h);
}

/** `ValidatePortName`: a DNS-1123 label. */
function portNameProblem(name: string): string | undefined {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 63
    ? undefined
    : `invalid port name "${name}": must be a DNS-1123 label`;
}

/** `protocol.Parse` names; an unknown protocol is refused by `ValidateProtocol`. */
const PROTOCOLS = new Set([
  'HTTP',
  'HTTP2',
  'HTTPS',
  'GRPC',
  'GRPC-WEB',
  'TCP',
  'TLS',
  'UDP',
  'MONGO',
  'REDIS',
  'MYSQL',
  'HTTP_PROXY',
]);
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

export function isHttpProtocol(p: string): boolean {
  return HTTP_PROTOCOLS.has(p.toUpperCase());
}
export function isTlsProtocol(p: string): boolean {
  const u = p.toUpperCase();
  return u === 'HTTPS' || u === 'TLS';
}

export function validateServiceEntrySpec(r: Reporter, spec: ServiceEntrySpecDoc, namespace: string): void {
  const sp = ['spec'];
  const resolution = spec.resolution ?? 'NONE';
  const hosts = spec.hosts ?? [];
  const ports = spec.ports ?? [];
  if (spec.workloadSelector && spec.workloadSelector.labels === undefined)
    r.add(
      'IST0133',
      [...sp, 'workloadSelector'],
      'service entry: workload selector has no labels, will be applied to all services in namespace',
    );
  if (spec.workloadSelector && spec.endpoints)
    r.add(
      'IST0106',
      [...sp, 'workloadSelector'],
      'only one of WorkloadSelector or Endpoints is allowed in Service Entry',
    );
  if (hosts.length === 0) r.add('IST0106', [...sp, 'hosts'], 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') {
      r.add('IST0106', [...sp, 'hosts', i], `invalid host ${h}`);
      return;
    }
    const p = wildcardDomainProblem(h);
    if (p) r.add('IST0106', [...sp, 'hosts', i], p);
    else if (h.includes('*') && !h.startsWith('*.') && resolution !== 'DYNAMIC_DNS')
      r.add('IST0133', [...sp, 'hosts', i], `partial wildcard "${h}" not allowed`);
  });
  let cidr = false;
  (spec.addresses ?? []).forEach((a, i) => {
    cidr ||= a.includes('/');
    const p = subnetProblem(a);
    if (p) r.add('IST0106', [...sp, 'addresses', i], p);
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC')
    r.add(
      'IST0106',
      [...sp, 'addresses'],
      'CIDR addresses are allowed only for NONE/STATIC resolution types',
    );
  const names = new Set<string>();
  const numbers = new Set<number>();
  ports.forEach((p, i) => {
    const at = [...sp, 'ports', i];
    if (names.has(p.name))
      r.add('IST0106', [...at, 'name'], `service entry port name "${p.name}" already defined`);
    if (numbers.has(p.number))
      r.add('IST0106', [...at, 'number'], `service entry port ${p.number} already defined`);
    names.add(p.name);
    numbers.add(p.number);
    if (p.targetPort !== undefined && p.targetPort !== 0 && (p.targetPort < 1 || p.targetPort > 65535))
      r.add('IST0106', [...at, 'targetPort'], `port number ${p.targetPort} must be in the range 1..65535`);
    const proto = (p.protocol ?? '').toUpperCase();
    if ((spec.addresses ?? []).length === 0 && (proto === '' || proto === 'TCP'))
      r.add(
        'IST0133',
        at,
        'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled',
      );
    const n = portNameProblem(p.name);
    if (n) r.add('IST0106', [...at, 'name'], n);
    if (proto !== '' && !PROTOCOLS.has(proto))
      r.add('IST0106', [...at, 'protocol'], `unrecognized protocol "${p.protocol}"`);
    if (p.number < 1 || p.number > 65535)
      r.add('IST0106', [...at, 'number'], `port number ${p.number} must be in the range 1..65535`);
  });
  const endpoints = spec.endpoints ?? [];
  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0)
        r.add('IST0106', [...sp, 'endpoints'], 'no endpoints should be provided for resolution type none');
      if (spec.workloadSelector)
        r.add(
          'IST0133',
          [...sp, 'workloadSelector'],
          'workloadSelector should not be set when resolution mode is NONE',
        );
      break;
    case 'STATIC':
      endpoints.forEach((e, i) => {
        const at = [...sp, 'endpoints', i];
        if (!e.address) r.add('IST0106', at, 'address is required');
        else if (!isIpAddress(e.address))
          r.add('IST0106', [...at, 'address'], `endpoint address "${e.address}" is not a valid IP address`);
        endpointPorts(r, at, e.ports, names);
        checkLabels(r, [...at, 'labels'], e.labels);
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN': {
      if (endpoints.length === 0) {
        const i = hosts.findIndex((h) => fqdnProblem(h) !== undefined);
        if (i >= 0)
          r.add(
            'IST0106',
            [...sp, 'hosts', i],
            `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${fqdnProblem(hosts[i]!)}`,
          );
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1)
        r.add(
          'IST0106',
          [...sp, 'endpoints'],
          `there must only be 0 or 1 endpoint for resolution mode ${resolution}`,
        );
      endpoints.forEach((e, i) => {
        const at = [...sp, 'endpoints', i];
        const a = e.address ?? '';
        if (!isIpAddress(a) && fqdnProblem(a))
          r.add(
            'IST0106',
            [...at, 'address'],
            `endpoint address "${a}" is not a valid FQDN or an IP address`,
          );
        checkLabels(r, [...at, 'labels'], e.labels);
        endpointPorts(r, at, e.ports, names);
      });
      break;
    }
    case 'DYNAMIC_DNS':
      hosts.forEach((h, i) => {
        if (!h.startsWith('*'))
          r.add('IST0106', [...sp, 'hosts', i], `host must be wildcarded for resolution mode ${resolution}`);
      });
      if (endpoints.length > 0)
        r.add('IST0106', [...sp, 'endpoints'], `endpoints cannot be set for resolution type ${resolution}`);
      break;
  }
  // Several hosts on a plain TCP port cannot be told apart (no Host header, no SNI).
  if (resolution !== 'NONE' && hosts.length > 1) {
    const i = ports.findIndex((p) => !isHttpProtocol(p.protocol ?? '') && !isTlsProtocol(p.protocol ?? ''));
    if (i >= 0) r.add('IST0106', [...sp, 'ports', i], 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  checkExportTo(r, [...sp, 'exportTo'], spec.exportTo);
  void namespace;
}

function endpointPorts(
  r: Reporter,
  at: (string | number)[],
  ports: Readonly<Record<string, number>> | undefined,
  names: ReadonlySet<string>,
): void {
  for (const [name, port] of Object.entries(ports ?? {})) {
    if (!names.has(name))
      r.add('IST0106', [...at, 'ports', name], `endpoint port ${port} is not defined by the service entry`, {
        key: true,
      });
    if (port < 1 || port > 65535)
      r.add('IST0106', [...at, 'ports', name], `port number ${port} must be in the range 1..65535`);
  }
}
