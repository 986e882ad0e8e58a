import { describe, expect, it } from 'vitest';
import { resolveGatewayName, virtualServiceGateways } from '../../src/config/resolve/gateway.js';
import { analyze, codesAt, load } from '../config/helpers.js';

const gw = (servers: string, extra = '') => `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: gw
  namespace: edge
spec:
${extra}  servers:
${servers}`;

const errors = (text: string) =>
  load(text).diagnostics.filter((d) => d.code === 'IST0106' || d.code === 'IST0133');

describe('Gateway validation (validation.go ValidateGateway / validateServer / validateServerPort)', () => {
  it('accepts a plain HTTP server and resolves it: protocol upper-cased, ./host to the namespace, no selector', () => {
    const { config, diagnostics } = load(
      gw(`  - port: {number: 8080, name: http, protocol: http}
    hosts: [./a.example.com, "*/b.example.com", c.example.com, "*"]`),
    );
    expect(diagnostics).toEqual([]);
    const g = config.gateways![0]!;
    expect(g.selector).toBeUndefined();
    expect(g.servers[0]!.port).toEqual({ number: 8080, name: 'http', protocol: 'HTTP' });
    expect(g.servers[0]!.hosts).toEqual([
      { namespace: 'edge', host: 'a.example.com' },
      { namespace: '*', host: 'b.example.com' },
      { namespace: '*', host: 'c.example.com' },
      { namespace: '*', host: '*' },
    ]);
    expect(g.servers[0]!.source.line).toBe(8);
  });

  it('no servers, no hosts, missing port fields: one positioned error each, and the Gateway is dropped', () => {
    expect(codesAt(errors(gw('  []').replace('servers:\n  []', 'servers: []')))).toEqual(['IST0106@7']);
    const r = load(
      gw(`  - port: {number: 0, protocol: FTP}
    hosts: []`),
    );
    expect(r.config.gateways).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'server config must contain at least one host',
      'invalid protocol "FTP", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
      'port number 0 must be in the range 1..65535',
      'port name must be set',
    ]);
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([
      [8, 5],
      [8, 33],
      [8, 20],
      [8, 11],
    ]);
  });

  it('hosts: short names, partial wildcards and bad namespaces are refused; IPs and */* are fine', () => {
    const r = errors(
      gw(`  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [reviews, "*bar.com", "Bad_NS/a.example.com", "/a.example.com", 10.0.0.1, "*/*"]`),
    );
    expect(r.map((d) => d.message)).toEqual([
      'short names (non FQDN) are not allowed',
      'partial wildcard "*bar.com" not allowed',
      'invalid namespace value "Bad_NS" in gateway',
      'config namespace and dnsName in host entry cannot be empty',
    ]);
    expect(r.map((d) => d.path)).toEqual([
      'spec.servers[0].hosts[0]',
      'spec.servers[0].hosts[1]',
      'spec.servers[0].hosts[2]',
      'spec.servers[0].hosts[3]',
    ]);
  });

  it('port names must be unique across servers', () => {
    const r = errors(
      gw(`  - port: {number: 80, name: web, protocol: HTTP}
    hosts: [a.example.com]
  - port: {number: 81, name: web, protocol: HTTP}
    hosts: [b.example.com]`),
    );
    expect(r.map((d) => [d.message, d.path])).toEqual([
      ['port names in servers must be unique: duplicate name web', 'spec.servers[1].port.name'],
    ]);
  });

  it('TLS: HTTPS needs a tls block; plain HTTP may only carry httpsRedirect; SIMPLE/MUTUAL need their files', () => {
    const msgs = (s: string) => errors(gw(s)).map((d) => `${d.code} ${d.message}`);
    expect(
      msgs(`  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [a.example.com]`),
    ).toEqual(['IST0106 server must have TLS settings for HTTPS/TLS protocols']);
    expect(
      msgs(`  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [a.example.com]
    tls: {httpsRedirect: true}`),
    ).toEqual([]);
    expect(
      msgs(`  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, credentialName: a-cert}`),
    ).toEqual(['IST0106 server cannot have TLS settings for plain text HTTP ports']);
    expect(
      msgs(`  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, credentialName: a-cert, httpsRedirect: true}`),
    ).toEqual(['IST0133 tls.httpsRedirect should only be used with http servers']);
    expect(
      msgs(`  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}`),
    ).toEqual(['IST0106 MUTUAL TLS requires a client CA bundle']);
    expect(
      msgs(`  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, credentialName: x}`),
    ).toEqual(['IST0106 server cannot have TLS settings for non HTTPS/TLS ports']);
  });

  it('an unknown field is a schema error at the key, like the other Istio kinds', () => {
    const r = errors(
      gw(`  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [a.example.com]
    hostz: [b]`),
    );
    expect(r.map((d) => [d.code, d.line, d.path])).toEqual([['IST0106', 10, 'spec.servers[0].hostz']]);
  });
});

describe('gateway names (model/config.go resolveGatewayName; push_context.go getGatewayNames)', () => {
  it('mesh, ns/name, ./name, short names and the legacy FQDN form', () => {
    expect(resolveGatewayName('mesh', 'shop')).toBe('mesh');
    expect(resolveGatewayName('istio-system/gw', 'shop')).toBe('istio-system/gw');
    expect(resolveGatewayName('./gw', 'shop')).toBe('shop/gw');
    expect(resolveGatewayName('gw', 'shop')).toBe('shop/gw');
    expect(resolveGatewayName('gw.edge.svc.cluster.local', 'shop')).toBe('edge/gw');
    expect(resolveGatewayName('gw.edge', 'shop')).toBe('edge/gw');
  });

  it('a VirtualService without gateways binds to mesh only', () => {
    expect(virtualServiceGateways({ gateways: [], meta: { namespace: 'shop' } })).toEqual(['mesh']);
    expect(virtualServiceGateways({ gateways: ['gw', 'mesh'], meta: { namespace: 'shop' } })).toEqual([
      'shop/gw',
      'mesh',
    ]);
  });
});

const MESH = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-v2, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: v2}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-v1, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: v1}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress, namespace: edge}
spec:
  replicas: 1
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Service
metadata: {name: ingress, namespace: edge}
spec:
  type: LoadBalancer
  selector: {istio: ingressgateway}
  ports: [{port: 80, targetPort: 8080, name: http2}]
---
`;

const gateway = (
  port = 8080,
  hosts = '[web.example.com]',
  selector = 'istio: ingressgateway',
) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {${selector}}
  servers:
  - port: {number: ${port}, name: http, protocol: HTTP}
    hosts: ${hosts}
---
`;

const boundVs = (gateways: string, hosts = '[web.example.com, web]') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: ${hosts}
  gateways: ${gateways}
  http:
  - route:
    - destination: {host: web, subset: v1}
      weight: 90
    - destination: {host: web, subset: v2}
      weight: 10
`;

const gatewayFindings = (text: string) =>
  analyze(text)
    .filter((d) => ['IST0101', 'IST0132', 'IST0162', 'MSIM3000'].includes(d.code))
    .map((d) => `${d.code} ${d.path ?? ''}: ${d.message}`);

describe('gateway analysis (istioctl analyzers/virtualservice/gateways.go, analyzers/gateway/gateway.go)', () => {
  it('a clean gateway binding yields nothing but the bypass warning for the mesh host', () => {
    expect(gatewayFindings(MESH + gateway() + boundVs('[edge/gw]'))).toEqual([
      'MSIM3000 spec.gateways: VirtualService shop/web binds only to gateways [edge/gw], not to "mesh": sidecars ignore it, so in-mesh callers of web.shop.svc.cluster.local (they get the default route to every pod of the Service) bypass its weights (90 to v1, 10 to v2). Add "mesh" to spec.gateways to apply it inside the mesh too.',
    ]);
  });

  it('with mesh listed, or with only external hosts, in-mesh callers are not bypassed', () => {
    expect(gatewayFindings(MESH + gateway() + boundVs('[edge/gw, mesh]'))).toEqual([]);
    expect(gatewayFindings(MESH + gateway() + boundVs('[edge/gw]', '[web.example.com]'))).toEqual([]);
  });

  it('IST0101 for a gateway that does not exist (the short name is looked up in the VirtualService namespace)', () => {
    expect(gatewayFindings(MESH + gateway() + boundVs('[gw]', '[web.example.com]'))).toEqual([
      'IST0101 spec.gateways[0]: Referenced gateway not found: "gw"',
    ]);
  });

  it('IST0132 when no VirtualService host is among the server hosts allowed for its namespace', () => {
    expect(
      gatewayFindings(
        MESH + gateway(8080, '[other.example.com]') + boundVs('[edge/gw]', '[web.example.com]'),
      ),
    ).toEqual([
      'IST0132 spec.gateways[0]: one or more host [web.example.com] defined in VirtualService shop/web not found in Gateway edge/gw.',
    ]);
    // A namespace-restricted server host: shop/ matches, edge/ (the gateway's own namespace) does not.
    expect(
      gatewayFindings(
        MESH + gateway(8080, '["shop/*.example.com"]') + boundVs('[edge/gw]', '[web.example.com]'),
      ),
    ).toEqual([]);
    expect(
      gatewayFindings(
        MESH + gateway(8080, '["./*.example.com"]') + boundVs('[edge/gw]', '[web.example.com]'),
      ),
    ).toHaveLength(1);
  });

  it('IST0101 for a selector no pod matches; IST0162 for a port the gateway Service does not expose', () => {
    expect(gatewayFindings(MESH + gateway(8080, '[web.example.com]', 'istio: egress'))).toEqual([
      'IST0101 spec.selector: Referenced selector not found: "istio=egress"',
    ]);
    expect(gatewayFindings(MESH + gateway(9443))).toEqual([
      'IST0162 spec.servers[0].port.number: The gateway is listening on a target port (port 9443) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available.',
    ]);
    // The Service's port (80) counts as well as its targetPort (8080).
    expect(gatewayFindings(MESH + gateway(80))).toEqual([]);
  });
});
