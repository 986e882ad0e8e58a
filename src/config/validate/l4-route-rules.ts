/**
 * Istio's webhook rules for a VirtualService's tcp and tls routes [I:pkg/config/validation/validation.go
 * `validateTCPRoute`, `validateTCPMatch`, `validateTLSRoute`, `validateTLSMatch`, `validateSniHost`,
 * `validateRouteDestinations`, `validateWeight`, `validateGatewayNames`; pkg/config/validation/agent
 * `ValidateIPSubnet`, `ValidatePort`]. meshsim does not simulate these routes, but refuses what istiod
 * refuses (IST0106) so that `meshsim validate` answers as `kubectl apply` would.
 */
import type { Reporter } from '../report.js';
import type {
  L4MatchDoc,
  RouteDestinationDoc,
  TcpRouteDoc,
  TlsMatchDoc,
  TlsRouteDoc,
  VirtualServiceSpecDoc,
} from '../schema/virtual-service.js';
import type { YamlPath } from '../yaml-source.js';
import { checkLabels, dns1123LabelProblem, wildcardDomainProblem } from './common.js';
import { checkDestination } from './virtual-service-rules.js';

export function validateL4Routes(r: Reporter, spec: VirtualServiceSpecDoc, namespace: string): void {
  (spec.tcp ?? []).forEach((route, i) => {
    validateTcpRoute(r, ['spec', 'tcp', i], route, namespace);
  });
  (spec.tls ?? []).forEach((route, i) => {
    validateTlsRoute(r, ['spec', 'tls', i], route, spec.hosts ?? [], namespace);
  });
}

function validateTcpRoute(r: Reporter, p: YamlPath, tcp: TcpRouteDoc, ns: string): void {
  (tcp.match ?? []).forEach((m, i) => {
    validateL4Match(r, [...p, 'match', i], m);
  });
  if ((tcp.route ?? []).length === 0) r.add('IST0106', [...p, 'route'], 'TCP route is required');
  validateRouteDestinations(r, [...p, 'route'], tcp.route ?? [], ns);
}

function validateTlsRoute(
  r: Reporter,
  p: YamlPath,
  tls: TlsRouteDoc,
  hosts: readonly string[],
  ns: string,
): void {
  if ((tls.match ?? []).length === 0)
    r.add('IST0106', [...p, 'match'], 'TLS route must have at least one match condition');
  (tls.match ?? []).forEach((m, i) => {
    validateTlsMatch(r, [...p, 'match', i], m, hosts);
  });
  if ((tls.route ?? []).length === 0) r.add('IST0106', [...p, 'route'], 'TLS route is required');
  validateRouteDestinations(r, [...p, 'route'], tls.route ?? [], ns);
}

function validateL4Match(r: Reporter, p: YamlPath, m: L4MatchDoc): void {
  subnets(r, [...p, 'destinationSubnets'], m.destinationSubnets);
  checkLabels(r, [...p, 'sourceLabels'], m.sourceLabels);
  gatewayNames(r, [...p, 'gateways'], m.gateways);
}

function validateTlsMatch(r: Reporter, p: YamlPath, m: TlsMatchDoc, hosts: readonly string[]): void {
  const sni = m.sniHosts ?? [];
  if (sni.length === 0) r.add('IST0106', [...p, 'sniHosts'], 'TLS match must have at least one SNI host');
  sni.forEach((h, i) => {
    sniHost(r, [...p, 'sniHosts', i], h, hosts);
  });
  subnets(r, [...p, 'destinationSubnets'], m.destinationSubnets);
  checkLabels(r, [...p, 'sourceLabels'], m.sourceLabels);
  gatewayNames(r, [...p, 'gateways'], m.gateways);
}

/**
 * `validateSniHost`: a wildcard domain (an IP is allowed with a warning, against the SNI spec), and a
 * subset of one of the VirtualService's hosts (`host.Name.SubsetOf`).
 * NOTE: simplification: a gateway-bound VirtualService is checked with the mesh's wildcard rule.
 */
function sniHost(r: Reporter, p: YamlPath, h: string, hosts: readonly string[]): void {
  if (wildcardDomainProblem(h) !== undefined || h === '') {
    if (isIpAddress(h)) {
      r.add(
        'IST0133',
        p,
        `using an IP address (${JSON.stringify(h)}) goes against SNI spec and most clients do not support this`,
      );
      return;
    }
    r.add('IST0106', p, wildcardDomainProblem(h) ?? `"${h}" is not a valid SNI host`);
    return;
  }
  if (!hosts.some((vsHost) => subsetOf(h, vsHost)))
    r.add(
      'IST0106',
      p,
      `SNI host ${JSON.stringify(h)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`,
    );
}

/** Istio's `host.Name.SubsetOf` (pkg/config/host/name.go): every name `n` matches is matched by `o`. */
export function subsetOf(n: string, o: string): boolean {
  if (o.startsWith('*')) return n.startsWith('*') ? n.slice(1).endsWith(o.slice(1)) : n.endsWith(o.slice(1));
  if (n.startsWith('*')) return false;
  return n === o;
}

/** `validateRouteDestinations`: each destination valid, weights >= 0, not all 0 when several. */
function validateRouteDestinations(
  r: Reporter,
  p: YamlPath,
  dests: readonly RouteDestinationDoc[],
  ns: string,
): void {
  let total = 0;
  dests.forEach((d, i) => {
    checkDestination(r, [...p, i, 'destination'], d.destination, ns);
    const w = d.weight ?? 0;
    if (w < 0) r.add('IST0106', [...p, i, 'weight'], `weight ${w} < 0`);
    total += w;
  });
  if (dests.length > 1 && total === 0) r.add('IST0106', p, 'total destination weight = 0');
}

function subnets(r: Reporter, p: YamlPath, list: readonly string[] | undefined): void {
  (list ?? []).forEach((s, i) => {
    const problem = ipSubnetProblem(s);
    if (problem) r.add('IST0106', [...p, i], problem);
  });
}

/** `validateGatewayNames`: `<namespace>/<name>` of DNS-1123 labels, or a legacy FQDN. */
function gatewayNames(r: Reporter, p: YamlPath, names: readonly string[] | undefined): void {
  (names ?? []).forEach((g, i) => {
    const slash = g.indexOf('/');
    if (slash < 0) {
      if (g === 'mesh') return;
      const problem = g.length === 0 ? 'gateway name must not be empty' : wildcardDomainProblem(g);
      if (problem) r.add('IST0106', [...p, i], problem);
      return;
    }
    const ns = g.slice(0, slash);
    const name = g.slice(slash + 1);
    if (ns === '' || name === '')
      r.add('IST0106', [...p, i], 'config namespace and gateway name cannot be empty');
    else if (dns1123LabelProblem(ns, 'namespace'))
      r.add('IST0106', [...p, i], `invalid value for namespace: ${JSON.stringify(ns)}`);
    else if (dns1123LabelProblem(name, 'gateway'))
      r.add('IST0106', [...p, i], `invalid value for gateway name: ${JSON.stringify(name)}`);
  });
}

/** `agent.ValidateIPSubnet`: CIDR notation when there is a '/', else a plain IP address. */
export function ipSubnetProblem(s: string): string | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return isIpAddress(s) ? undefined : `${JSON.stringify(s)} is not a valid IP address`;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const max = ip.includes(':') ? 128 : 32;
  if (!isIpAddress(ip) || !/^\d{1,3}$/.test(bits) || Number(bits) > max)
    return `${JSON.stringify(s)} is not a valid CIDR block`;
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpAddress(s: string): boolean {
  if (IPV4.test(s)) return true;
  if (!s.includes(':') || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  // An embedded IPv4 tail counts as two groups.
  const last = groups[groups.length - 1] ?? '';
  const v4 = last.includes('.');
  if (v4 && !IPV4.test(last)) return false;
  const hex = v4 ? groups.slice(0, -1) : groups;
  if (!hex.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const n = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? n < 8 : n === 8;
}
