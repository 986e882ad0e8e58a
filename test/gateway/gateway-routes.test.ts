import { describe, expect, it } from 'vitest';
import { loadManifests, type MeshConfig } from '../../src/config/index.js';
import type { HttpRequest } from '../../src/envoy/index.js';
import type { RouteAction, RouteTable } from '../../src/envoy/router/index.js';
import { buildGatewayRouteTable, intersectHosts } from '../../src/mesh/control-plane/gateway-routes.js';
import { gatewaysForProxy, isGatewayProxy } from '../../src/mesh/control-plane/gateway-selection.js';
import { buildRouteTable } from '../../src/mesh/control-plane/route-config.js';
import { Pod } from '../../src/mesh/pod.js';

/** Gateway route configuration (Istio gateway.go buildGatewayHTTPRouteConfig) against sidecar routes. */
const BASE = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*.example.com", "shop/admin.internal.io"]
---
`;

const vs = (name: string, spec: string, ns = 'shop') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}
---
`;

const toSubset = (s: string) => `  - route: [{destination: {host: web, subset: ${s}, port: {number: 9080}}}]`;

function load(...texts: string[]): MeshConfig {
  const { config, diagnostics } = loadManifests([{ file: 'm.yaml', text: texts.join('') }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  return config;
}

const gatewayPod = new Pod(
  'gw-0',
  'edge',
  { istio: 'ingressgateway' },
  { region: 'r', zone: 'z', subZone: '' },
  '10.0.0.9',
  'edge/ingress',
);
const meshPod = new Pod(
  'c-0',
  'shop',
  { app: 'client' },
  { region: 'r', zone: 'z', subZone: '' },
  '10.0.0.1',
  'shop/client',
);

const gwTable = (c: MeshConfig, port = 8080): RouteTable =>
  buildGatewayRouteTable(c, new Map(c.services.map((s) => [s.fqdn, s])), gatewayPod, port);
const sidecarTable = (c: MeshConfig): RouteTable => buildRouteTable(c, c.services, meshPod, 9080);

const req = (authority: string, path = '/', port = 8080): HttpRequest => ({
  method: 'GET',
  scheme: 'http',
  authority,
  path,
  headers: new Map(),
  port,
});

/** `name -> cluster@weight,...` of the chosen route, or the local answer. */
function target(a: RouteAction | null): string {
  if (a === null) return '404 NR';
  if (a.kind === 'redirect') return `${a.status} ${a.scheme}`;
  if (a.kind === 'direct-response') return `${a.status}`;
  return `${a.name} -> ${a.clusters.map((c) => `${c.name.split('|')[2]}@${c.weight}`).join(',')}`;
}

describe('binding: gateways and the mesh keyword (push_context.go getGatewayNames, initVirtualServices)', () => {
  const split = `  http:
  - route:
    - {destination: {host: web, subset: v1}, weight: 90}
    - {destination: {host: web, subset: v2}, weight: 10}`;

  it('no gateways: mesh only. The gateway answers 404 (blackhole) and sidecars take the split', () => {
    const c = load(BASE, vs('web', `  hosts: [web, web.example.com]\n${split}`));
    expect(target(gwTable(c).route(req('web.example.com')))).toBe('404 NR');
    expect(gwTable(c).virtualHosts.map((v) => `${v.name} ${v.domains}`)).toEqual(['blackhole:8080 *']);
    expect(target(sidecarTable(c).route(req('web', '/', 9080)))).toBe('shop/web#0 -> v1@90,v2@10');
  });

  it('gateways without mesh: the gateway takes the split, sidecars ignore the VirtualService (default route)', () => {
    const c = load(BASE, vs('web', `  hosts: [web, web.example.com]\n  gateways: [edge/gw]\n${split}`));
    expect(target(gwTable(c).route(req('web.example.com')))).toBe('shop/web#0 -> v1@90,v2@10');
    expect(target(sidecarTable(c).route(req('web', '/', 9080)))).toBe('default -> @1');
  });

  it('gateways with mesh: both', () => {
    const c = load(BASE, vs('web', `  hosts: [web, web.example.com]\n  gateways: [edge/gw, mesh]\n${split}`));
    expect(target(gwTable(c).route(req('web.example.com')))).toBe('shop/web#0 -> v1@90,v2@10');
    expect(target(sidecarTable(c).route(req('web', '/', 9080)))).toBe('shop/web#0 -> v1@90,v2@10');
  });

  it('a short gateway name is in the VirtualService namespace: gw in shop is not edge/gw', () => {
    const c = load(BASE, vs('web', `  hosts: [web.example.com]\n  gateways: [gw]\n${split}`));
    expect(target(gwTable(c).route(req('web.example.com')))).toBe('404 NR');
    const legacy = load(
      BASE,
      vs('web', `  hosts: [web.example.com]\n  gateways: [gw.edge.svc.cluster.local]\n${split}`),
    );
    expect(target(gwTable(legacy).route(req('web.example.com')))).toBe('shop/web#0 -> v1@90,v2@10');
  });

  it('match-level gateways narrow each match block to the gateway or the mesh (route.go sourceMatchHTTP)', () => {
    const c = load(
      BASE,
      vs(
        'web',
        `  hosts: [web, web.example.com]
  gateways: [edge/gw, mesh]
  http:
  - match: [{uri: {prefix: /canary}, gateways: [edge/gw]}]
    route: [{destination: {host: web, subset: v2}}]
  - match: [{uri: {prefix: /canary}, gateways: [mesh]}]
    route: [{destination: {host: web, subset: v1}}]
  - match: [{uri: {prefix: /other}, gateways: [./gw]}]
    route: [{destination: {host: web, subset: v2}}]
${toSubset('v1')}`,
      ),
    );
    const gw = gwTable(c);
    expect(target(gw.route(req('web.example.com', '/canary')))).toBe('shop/web#0 -> v2@1');
    // ./gw is shop/gw, not the edge Gateway: that block is not on the gateway.
    expect(target(gw.route(req('web.example.com', '/other')))).toBe('shop/web#3 -> v1@1');
    const sc = sidecarTable(c);
    expect(target(sc.route(req('web', '/canary', 9080)))).toBe('shop/web#1 -> v1@1');
    expect(target(sc.route(req('web', '/other', 9080)))).toBe('shop/web#3 -> v1@1');
  });
});

describe('gateway host matching (host.NamesForNamespace, Names.Intersection; ignore_port_in_host_matching)', () => {
  it('a wildcard server host takes the VirtualService hosts under it; the port in Host is ignored', () => {
    const c = load(
      BASE,
      vs('web', `  hosts: [a.example.com, b.other.com]\n  gateways: [edge/gw]\n  http:\n${toSubset('v1')}`),
    );
    const t = gwTable(c);
    expect(t.virtualHosts.map((v) => v.domains.join(' '))).toEqual(['a.example.com']);
    expect(target(t.route(req('a.example.com:80')))).toBe('shop/web#0 -> v1@1');
    expect(target(t.route(req('A.Example.com')))).toBe('shop/web#0 -> v1@1');
    expect(target(t.route(req('b.other.com')))).toBe('404 NR');
    expect(target(t.route(req('z.example.com')))).toBe('404 NR');
  });

  it('a wildcard VirtualService host binds to the more specific server hosts', () => {
    expect(intersectHosts(['*.example.com', 'admin.internal.io'], ['*'])).toEqual([
      '*.example.com',
      'admin.internal.io',
    ]);
    expect(intersectHosts(['a.example.com'], ['*.example.com'])).toEqual(['a.example.com']);
    expect(intersectHosts(['*.example.com'], ['*.eu.example.com', 'example.com'])).toEqual([
      '*.eu.example.com',
    ]);
    expect(intersectHosts(['*'], ['*'])).toEqual(['*']);
  });

  it('namespace/host: shop/admin.internal.io binds shop VirtualServices only', () => {
    const spec = `  hosts: [admin.internal.io]\n  gateways: [edge/gw]\n  http:\n${toSubset('v2')}`;
    expect(target(gwTable(load(BASE, vs('admin', spec))).route(req('admin.internal.io')))).toBe(
      'shop/admin#0 -> v2@1',
    );
    const other = load(BASE, vs('admin', spec, 'ops'));
    expect(target(gwTable(other).route(req('admin.internal.io')))).toBe('404 NR');
  });

  it('VirtualServices sharing a host are merged at the gateway: routes appended, catch-alls last', () => {
    const c = load(
      BASE,
      vs('a-catchall', `  hosts: [a.example.com]\n  gateways: [edge/gw]\n  http:\n${toSubset('v1')}`),
      vs(
        'b-api',
        `  hosts: [a.example.com]\n  gateways: [edge/gw]\n  http:\n  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: web, subset: v2}}]`,
      ),
    );
    const t = gwTable(c);
    expect(t.virtualHost('a.example.com')!.routes.map((r) => r.action.name)).toEqual([
      'shop/b-api#0',
      'shop/a-catchall#0',
    ]);
    expect(target(t.route(req('a.example.com', '/api/x')))).toBe('shop/b-api#0 -> v2@1');
    expect(target(t.route(req('a.example.com', '/')))).toBe('shop/a-catchall#0 -> v1@1');
  });

  it('exportTo: a VirtualService private to its namespace is not on the edge gateway; one exported to edge is', () => {
    const spec = (exportTo: string) =>
      `  hosts: [a.example.com]\n  gateways: [edge/gw]\n  exportTo: ${exportTo}\n  http:\n${toSubset('v1')}`;
    expect(target(gwTable(load(BASE, vs('web', spec('["."]')))).route(req('a.example.com')))).toBe('404 NR');
    expect(target(gwTable(load(BASE, vs('web', spec('[edge]')))).route(req('a.example.com')))).toBe(
      'shop/web#0 -> v1@1',
    );
  });

  it('another port, or a TCP server, has no HTTP routes', () => {
    const c = load(
      BASE,
      vs('web', `  hosts: [a.example.com]\n  gateways: [edge/gw]\n  http:\n${toSubset('v1')}`),
    );
    expect(target(gwTable(c, 8443).route(req('a.example.com', '/', 8443)))).toBe('404 NR');
  });

  it('httpsRedirect: the virtual host requires TLS and answers 301 to https', () => {
    const c = load(
      BASE.replace(
        '    hosts: ["*.example.com", "shop/admin.internal.io"]',
        '    hosts: ["*.example.com"]\n    tls: {httpsRedirect: true}',
      ),
      vs('web', `  hosts: [a.example.com]\n  gateways: [edge/gw]\n  http:\n${toSubset('v1')}`),
    );
    expect(target(gwTable(c).route(req('a.example.com')))).toBe('301 https');
    expect(target(gwTable(c).route(req('b.example.com')))).toBe('301 https');
  });
});

describe('which pods are gateway proxies (push_context.go mergeGateways)', () => {
  const twoGateways = `${BASE}apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: any, namespace: shop}
spec:
  servers:
  - port: {number: 8081, name: http, protocol: HTTP}
    hosts: ["*"]
`;
  it('selected by labels from any namespace; a Gateway without selector applies to every gateway proxy', () => {
    const c = load(twoGateways);
    expect(isGatewayProxy(c, gatewayPod)).toBe(true);
    expect(isGatewayProxy(c, meshPod)).toBe(false);
    expect(gatewaysForProxy(c, gatewayPod).map((g) => g.meta.name)).toEqual(['gw', 'any']);
    // PILOT_SCOPE_GATEWAY_TO_NAMESPACE: only the proxy's own namespace.
    expect(gatewaysForProxy(c, gatewayPod, true).map((g) => g.meta.name)).toEqual(['gw']);
    const elsewhere = new Pod(
      'gw-1',
      'ops',
      { istio: 'ingressgateway' },
      gatewayPod.locality,
      '10.0.0.8',
      'ops/ingress',
    );
    expect(isGatewayProxy(c, elsewhere)).toBe(true);
    expect(isGatewayProxy(c, elsewhere, true)).toBe(false);
  });
});
