/**
 * The Gateway webhook's rules (Istio pkg/config/validation/validation.go ValidateGateway, validateServer,
 * validateServerPort, validateServerBind, validateTLSOptions; pkg/config/validation/agent/validation.go
 * ValidateNamespaceSlashWildcardHostname, validateSidecarOrGatewayHostnamePart), with Istio's wording.
 * Errors are IST0106 (the resource is rejected), warnings IST0133.
 */
import type { Reporter } from '../report.js';
import type { GatewayServerDoc, GatewaySpecDoc } from '../schema/gateway.js';
import type { YamlPath } from '../yaml-source.js';
import { dns1123LabelProblem, wildcardDomainProblem } from './common.js';

/** protocol.Parse (pkg/config/protocol/instance.go), case-insensitive. */
const PROTOCOLS = new Set([
  'TCP',
  'UDP',
  'GRPC',
  'GRPC-WEB',
  'HTTP',
  'HTTP_PROXY',
  'HTTP2',
  'HTTPS',
  'TLS',
  'MONGO',
  'REDIS',
  'MYSQL',
]);
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB']);
const TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isHttpProtocol(p: string): boolean {
  return HTTP_PROTOCOLS.has(p.toUpperCase());
}

export function isTlsProtocol(p: string): boolean {
  return TLS_PROTOCOLS.has(p.toUpperCase());
}

export function validateGatewaySpec(r: Reporter, spec: GatewaySpecDoc, name: string): void {
  // Gateway names must be DNS labels (no dots): VirtualServices refer to them as ns/name.
  const nameProblem = dns1123LabelProblem(name, 'gateway name');
  if (nameProblem) r.add('IST0106', ['metadata', 'name'], `invalid gateway name: ${JSON.stringify(name)}`);
  const servers = spec.servers ?? [];
  if (servers.length === 0) {
    r.add('IST0106', ['spec'], 'gateway must have at least one server');
    return;
  }
  const portNames = new Map<string, number>();
  servers.forEach((s, i) => {
    const p: YamlPath = ['spec', 'servers', i];
    validateServer(r, p, s);
    if (s.port === undefined) return;
    const portName = s.port.name ?? '';
    if (portNames.has(portName))
      r.add(
        'IST0106',
        [...p, 'port', 'name'],
        `port names in servers must be unique: duplicate name ${portName}`,
      );
    else portNames.set(portName, i);
    if (!isHttpProtocol(s.port.protocol ?? '') && s.tls?.httpsRedirect)
      r.add(
        'IST0133',
        [...p, 'tls', 'httpsRedirect'],
        'tls.httpsRedirect should only be used with http servers',
      );
  });
}

function validateServer(r: Reporter, p: YamlPath, s: GatewayServerDoc): void {
  const hosts = s.hosts ?? [];
  if (hosts.length === 0) r.add('IST0106', p, 'server config must contain at least one host');
  hosts.forEach((h, j) => {
    const problem = namespaceSlashHostProblem(h);
    if (problem) r.add('IST0106', [...p, 'hosts', j], problem);
  });
  const portOk = validateServerPort(r, [...p, 'port'], s);
  if (
    s.bind !== undefined &&
    s.bind !== '' &&
    !s.bind.startsWith('unix://') &&
    !IPV4.test(s.bind) &&
    !s.bind.includes(':')
  )
    r.add('IST0106', [...p, 'bind'], `${s.bind} is not a valid IP`);
  validateTls(r, [...p, 'tls'], s.tls);
  if (!portOk || s.port === undefined) return;
  const proto = (s.port.protocol ?? '').toUpperCase();
  if (TLS_PROTOCOLS.has(proto) && s.tls === undefined) {
    r.add('IST0106', p, 'server must have TLS settings for HTTPS/TLS protocols');
  } else if (!TLS_PROTOCOLS.has(proto) && s.tls !== undefined) {
    // Only an httpsRedirect block (mode left at PASSTHROUGH, no certificates) is allowed on plain HTTP.
    if (HTTP_PROTOCOLS.has(proto)) {
      const mode = s.tls.mode ?? 'PASSTHROUGH';
      const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
      if (!passthrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate)
        r.add('IST0106', [...p, 'tls'], 'server cannot have TLS settings for plain text HTTP ports');
    } else {
      r.add('IST0106', [...p, 'tls'], 'server cannot have TLS settings for non HTTPS/TLS ports');
    }
  }
}

/** validateServerPort: true when the port has no error (the TLS-vs-protocol rule needs a valid port). */
function validateServerPort(r: Reporter, p: YamlPath, s: GatewayServerDoc): boolean {
  const port = s.port;
  if (port === undefined) {
    r.add('IST0106', p, 'port is required');
    return false;
  }
  let ok = true;
  if (!PROTOCOLS.has((port.protocol ?? '').toUpperCase())) {
    r.add(
      'IST0106',
      port.protocol === undefined ? p : [...p, 'protocol'],
      `invalid protocol ${JSON.stringify(port.protocol ?? '')}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`,
    );
    ok = false;
  }
  const unix = (s.bind ?? '').startsWith('unix://');
  const n = port.number ?? 0;
  if ((n > 0 || !unix) && (n < 1 || n > 65535)) {
    r.add(
      'IST0106',
      port.number === undefined ? p : [...p, 'number'],
      `port number ${n} must be in the range 1..65535`,
    );
    ok = false;
  }
  if ((port.targetPort ?? 0) > 0) {
    r.add('IST0106', [...p, 'targetPort'], 'targetPort has no impact on Gateways');
    ok = false;
  }
  if ((port.name ?? '') === '') {
    r.add('IST0106', p, 'port name must be set');
    ok = false;
  }
  return ok;
}

/**
 * ValidateNamespaceSlashWildcardHostname(isGateway = true): `namespace/dnsName` where the namespace is
 * `*`, `.` or a DNS label, or a bare host (old style, any namespace); the host part is `*` or an FQDN
 * with an optional leading wildcard label (no partial wildcards, no short names), or an IP.
 */
export function namespaceSlashHostProblem(h: string): string | undefined {
  const slash = h.indexOf('/');
  if (slash < 0) return hostPartProblem(h);
  const ns = h.slice(0, slash);
  const host = h.slice(slash + 1);
  if (ns === '' || host === '') return 'config namespace and dnsName in host entry cannot be empty';
  if (ns !== '*' && ns !== '.' && dns1123LabelProblem(ns, 'namespace'))
    return `invalid namespace value ${JSON.stringify(ns)} in gateway`;
  return hostPartProblem(host);
}

function hostPartProblem(h: string): string | undefined {
  if (h !== '*' && !h.includes('.')) return 'short names (non FQDN) are not allowed';
  if (h === '*') return undefined;
  const first = h.split('.')[0]!;
  if (first.includes('*') && first !== '*') return `partial wildcard ${JSON.stringify(h)} not allowed`;
  return wildcardDomainProblem(h);
}

/** validateTLSOptions: the rules that make a resource invalid (cipher warnings are not modelled). */
function validateTls(r: Reporter, p: YamlPath, tls: GatewayServerDoc['tls']): void {
  if (tls === undefined) return;
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    for (const [field, what] of [
      ['serverCertificate', 'server certificate'],
      ['privateKey', 'private key'],
      ['caCertificates', 'CA bundle'],
      ['credentialName', 'credentialName'],
    ] as const)
      if (tls[field]) r.add('IST0106', [...p, field], `ISTIO_MUTUAL TLS cannot have associated ${what}`);
    return;
  }
  const sources =
    (tls.serverCertificate && tls.privateKey ? 1 : 0) +
    (tls.credentialName ? 1 : 0) +
    ((tls.credentialNames?.length ?? 0) > 0 ? 1 : 0) +
    ((tls.tlsCertificates?.length ?? 0) > 0 ? 1 : 0);
  if (sources > 1)
    r.add(
      'IST0106',
      p,
      'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
    );
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL' && mode !== 'OPTIONAL_MUTUAL') return;
  // Certificates fetched by credentialName (SDS): nothing else is required.
  if (tls.credentialName || (tls.credentialNames?.length ?? 0) > 0) return;
  const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
  if (mode !== 'SIMPLE' && !tls.caCertificates) r.add('IST0106', p, `${prefix} requires a client CA bundle`);
  const certs = tls.tlsCertificates?.length
    ? tls.tlsCertificates
    : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
  for (const c of certs) {
    if (!c.serverCertificate) r.add('IST0106', p, `${prefix} requires a server certificate`);
    if (!c.privateKey) r.add('IST0106', p, `${prefix} requires a private key`);
  }
}
