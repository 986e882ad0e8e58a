import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/index.js';
import { isIpAddress, ipSubnetProblem, subsetOf } from '../../src/config/validate/l4-route-rules.js';
import { load } from './helpers.js';

/** A VirtualService in namespace production for `hosts` with the given tcp/tls YAML (indented 2). */
function l4(body: string, hosts = '[mysql, "*.example.com"]'): string[] {
  const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: production}
spec:
  hosts: ${hosts}
${body}`;
  return load(text, 'vs.yaml')
    .diagnostics.filter((d) => d.severity !== 'info')
    .map(formatDiagnostic);
}
const dest = '    route: [{destination: {host: mysql, port: {number: 3306}}}]\n';

describe('tcp routes: Istio validateTCPRoute / validateTCPMatch / validateRouteDestinations', () => {
  it('a valid tcp route has no findings', () => {
    expect(l4(`  tcp:\n  - match: [{port: 3306, destinationSubnets: [10.0.0.0/8, "::1"]}]\n${dest}`)).toEqual(
      [],
    );
  });
  it('a route is required', () => {
    expect(l4('  tcp:\n  - match: [{port: 3306}]\n')).toEqual([
      'vs.yaml:7:5 error IST0106 TCP route is required (VirtualService production/vs, spec.tcp[0].route)',
    ]);
  });
  it('ports: 1 and 65535 pass, 0 and 70000 are refused', () => {
    expect(l4(`  tcp:\n  - match: [{port: 1}, {port: 65535}]\n${dest}`)).toEqual([]);
    expect(l4(`  tcp:\n  - match: [{port: 0}, {port: 70000}]\n${dest}`)).toEqual([
      'vs.yaml:7:20 error IST0106 0 is out of range: must be between 1 and 65535 (VirtualService production/vs, spec.tcp[0].match[0].port)',
      'vs.yaml:7:31 error IST0106 70000 is out of range: must be between 1 and 65535 (VirtualService production/vs, spec.tcp[0].match[1].port)',
    ]);
    expect(l4('  tcp:\n  - route: [{destination: {host: mysql, port: {number: 0}}}]\n')[0]).toContain(
      '0 is out of range',
    );
  });
  it('weights: -5 refused (weight < 0), 2^32 refused (not an int32), all 0 refused', () => {
    const w = (a: string, b: string) =>
      l4(
        `  tcp:\n  - route:\n    - {destination: {host: mysql}, weight: ${a}}\n    - {destination: {host: other}, weight: ${b}}\n`,
      );
    expect(w('50', '50')).toEqual([]);
    expect(w('-5', '105')).toEqual([
      'vs.yaml:8:44 error IST0106 weight -5 < 0 (VirtualService production/vs, spec.tcp[0].route[0].weight)',
    ]);
    expect(w('4294967296', '0')[0]).toContain('4294967296 is out of range');
    expect(w('0', '0')).toEqual([
      'vs.yaml:8:5 error IST0106 total destination weight = 0 (VirtualService production/vs, spec.tcp[0].route)',
    ]);
  });
  it('destination hosts: "*" and "*.*" and "" refused', () => {
    const d = (h: string) => l4(`  tcp:\n  - route: [{destination: {host: "${h}"}}]\n`);
    expect(d('*')[0]).toContain('destination.host cannot be *');
    expect(d('*.*')[0]).toContain('is not a valid host');
    expect(d('')[0]).toContain('must not be empty');
  });
  it('subnets, source labels and gateway names are checked', () => {
    const e = l4(
      `  tcp:\n  - match: [{destinationSubnets: [10.0.0.0/33, 300.1.1.1, "fe80::/129"], sourceLabels: {"-bad": x}, gateways: ["ns/", "Bad_NS/gw", "a/b"]}]\n${dest}`,
    );
    expect(e.map((l) => l.replace(/^vs\.yaml:\d+:\d+ error IST0106 /, ''))).toEqual([
      '"10.0.0.0/33" is not a valid CIDR block (VirtualService production/vs, spec.tcp[0].match[0].destinationSubnets[0])',
      '"300.1.1.1" is not a valid IP address (VirtualService production/vs, spec.tcp[0].match[0].destinationSubnets[1])',
      '"fe80::/129" is not a valid CIDR block (VirtualService production/vs, spec.tcp[0].match[0].destinationSubnets[2])',
      '"-bad" is not a valid label key (VirtualService production/vs, spec.tcp[0].match[0].sourceLabels.-bad)',
      'config namespace and gateway name cannot be empty (VirtualService production/vs, spec.tcp[0].match[0].gateways[0])',
      'invalid value for namespace: "Bad_NS" (VirtualService production/vs, spec.tcp[0].match[0].gateways[1])',
    ]);
  });
  it('unknown fields are refused with a suggestion', () => {
    expect(l4(`  tcp:\n  - match: [{prot: 3306}]\n${dest}`)[0]).toContain(
      'unknown field "prot" (did you mean "port"?)',
    );
  });
});

describe('tls routes: Istio validateTLSRoute / validateTLSMatch / validateSniHost', () => {
  const tls = (sni: string, hosts?: string) =>
    l4(`  tls:\n  - match: [{port: 443, sniHosts: ${sni}}]\n${dest}`, hosts);
  it('valid SNI hosts: exact, and a subset of a wildcard host', () => {
    expect(tls('[mysql, a.example.com, "*.b.example.com"]')).toEqual([]);
  });
  it('a match and an SNI host are required', () => {
    expect(l4(`  tls:\n  - ${dest.trimStart()}`)).toEqual([
      'vs.yaml:7:5 error IST0106 TLS route must have at least one match condition (VirtualService production/vs, spec.tls[0].match)',
    ]);
    expect(tls('[]')[0]).toContain('TLS match must have at least one SNI host');
  });
  it('"**" and "" are not hosts; one outside the VirtualService hosts is refused', () => {
    expect(tls('["**"]')[0]).toContain('"**" is not a valid host');
    expect(tls('[""]')[0]).toContain('is not a valid host');
    expect(tls('[other.org]')).toEqual([
      'vs.yaml:7:36 error IST0106 SNI host "other.org" is not a compatible subset of any of the virtual service hosts: [mysql, *.example.com] (VirtualService production/vs, spec.tls[0].match[0].sniHosts[0])',
    ]);
    expect(tls('["*.com"]')[0]).toContain('not a compatible subset');
  });
  it('an IPv6 SNI host is a warning, as in istiod; an IPv4 one passes the domain rule, not the subset rule', () => {
    expect(tls('["::1"]')).toEqual([
      'vs.yaml:7:36 warning IST0133 using an IP address ("::1") goes against SNI spec and most clients do not support this (VirtualService production/vs, spec.tls[0].match[0].sniHosts[0])',
    ]);
    expect(tls('[10.1.2.3]')[0]).toContain('SNI host "10.1.2.3" is not a compatible subset');
  });
  it('a tls route needs a route', () => {
    expect(l4('  tls:\n  - match: [{sniHosts: [mysql]}]\n')[0]).toContain('TLS route is required');
  });
});

describe('helpers', () => {
  it('host.Name.SubsetOf', () => {
    expect(subsetOf('a.example.com', '*.example.com')).toBe(true);
    expect(subsetOf('*.a.example.com', '*.example.com')).toBe(true);
    expect(subsetOf('*.example.com', 'a.example.com')).toBe(false);
    expect(subsetOf('anything', '*')).toBe(true);
    expect(subsetOf('a', 'a')).toBe(true);
    expect(subsetOf('a', 'b')).toBe(false);
  });
  it('IP addresses and subnets', () => {
    for (const ip of [
      '0.0.0.0',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      '2001:db8::8a2e:370:7334',
      '::ffff:1.2.3.4',
    ])
      expect(isIpAddress(ip), ip).toBe(true);
    for (const ip of ['256.0.0.1', '1.2.3', '01.2.3.4', ':::', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9'])
      expect(isIpAddress(ip), ip).toBe(false);
    expect(ipSubnetProblem('10.0.0.0/0')).toBeUndefined();
    expect(ipSubnetProblem('10.0.0.0/32')).toBeUndefined();
    expect(ipSubnetProblem('::/128')).toBeUndefined();
    expect(ipSubnetProblem('10.0.0.0/')).toContain('CIDR');
  });
});
