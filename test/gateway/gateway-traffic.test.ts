import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';
import { binomialBand } from '../support/run-model.js';

/**
 * Traffic entering through an ingress gateway: a client outside the mesh, the gateway's Envoy with its
 * own route configuration, clusters and circuit breakers (ARCHITECTURE rule 4: per proxy), and the
 * sidecars beside it that see only mesh-bound VirtualServices.
 */
const MANIFESTS = (pool = '') => `apiVersion: v1
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
  replicas: 2
  selector: {matchLabels: {app: web, version: v1}}
  template:
    metadata: {labels: {app: web, version: v1}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-v2, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web, version: v2}}
  template:
    metadata: {labels: {app: web, version: v2}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress, namespace: edge}
spec:
  replicas: 1
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway, app: ingress}}
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
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
${pool}  subsets:
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
    hosts: [web.example.com]
---
# External traffic: the 80/20 canary, at the gateway only.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-external, namespace: shop}
spec:
  hosts: [web.example.com]
  gateways: [edge/gw]
  http:
  - route:
    - {destination: {host: web, subset: v1, port: {number: 9080}}, weight: 80}
    - {destination: {host: web, subset: v2, port: {number: 9080}}, weight: 20}
---
# In-mesh callers: everything on v1.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route: [{destination: {host: web, subset: v1}}]
`;

const scenario = (traffic: string, extra = '') => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: gateway-test}
spec:
  duration: 20s
  seed: 5
${extra}  workloads:
    shop/web-v1: {concurrency: 64, latency: 10ms}
    shop/web-v2: {concurrency: 64, latency: 10ms}
  traffic:
${traffic}`;

function load(traffic: string, pool = '', extra = '') {
  return loadScenarioFromTexts({ file: 's.yaml', text: scenario(traffic, extra) }, [
    { file: 'm.yaml', text: MANIFESTS(pool) },
  ]);
}

function run(traffic: string, pool = '', extra = ''): Result {
  const l = load(traffic, pool, extra);
  if (l.loaded === undefined)
    throw new Error(
      l.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => d.message)
        .join('; '),
    );
  return runScenario(l.loaded);
}

const hop = (r: Result, source: string, subset: string) =>
  r.hops.find((h) => h.source === source && h.subset === subset)?.requests ?? 0;

const EXTERNAL = `    - name: users
      gateway: edge/ingress
      rate: 200/s
      requests: [{url: "http://web.example.com/"}]
`;
const IN_MESH = `    - name: caller
      namespace: shop
      rate: 50/s
      requests: [{url: "http://web:9080/"}]
`;

describe('a canary split at the gateway while in-mesh callers see the other VirtualService', () => {
  const r = run(EXTERNAL + IN_MESH);

  it('external users are split 80/20 by the gateway; the in-mesh caller goes 100 % to v1', () => {
    const users = r.clients.find((c) => c.name === 'users')!;
    expect(users.byStatus).toEqual({ '200': users.requests });
    const v1 = hop(r, 'edge/ingress', 'v1');
    const v2 = hop(r, 'edge/ingress', 'v2');
    expect(v1 + v2).toBe(users.requests);
    const band = binomialBand(users.requests, 0.2);
    expect(v2).toBeGreaterThan(band.low);
    expect(v2).toBeLessThan(band.high);
    const caller = r.clients.find((c) => c.name === 'caller')!;
    expect(hop(r, 'shop/caller', 'v1')).toBe(caller.requests);
    expect(hop(r, 'shop/caller', 'v2')).toBe(0);
  });

  it('Istio metrics: reporter=source from the gateway workload, reporter=destination names it as the source', () => {
    const source = r.istio.filter(
      (s) => s.labels.reporter === 'source' && s.labels.source_workload === 'ingress',
    );
    expect(source.reduce((n, s) => n + s.count, 0)).toBe(r.clients.find((c) => c.name === 'users')!.requests);
    expect(new Set(source.map((s) => s.labels.source_workload_namespace))).toEqual(new Set(['edge']));
    expect(new Set(source.map((s) => s.labels.destination_version))).toEqual(new Set(['v1', 'v2']));
    const dest = r.istio.filter(
      (s) => s.labels.reporter === 'destination' && s.labels.source_workload === 'ingress',
    );
    expect(dest.reduce((n, s) => n + s.count, 0)).toBeGreaterThan(0);
    // The client outside the mesh has no sidecar: it reports nothing itself.
    expect(r.istio.some((s) => s.labels.source_workload === 'users')).toBe(false);
  });

  it('is deterministic: the same inputs and seed give byte-identical results', () => {
    const again = run(EXTERNAL + IN_MESH);
    expect(JSON.stringify(again)).toBe(JSON.stringify(r));
  });
});

describe("the gateway's circuit breaker is its own (one Envoy, shared by every external client)", () => {
  const pool = `  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1}
`;
  const fortio = (name: string, connections: number, gateway: boolean) => `    - name: ${name}
      namespace: shop
${gateway ? '      gateway: edge/ingress\n' : ''}      connections: ${connections}
      count: 400
      requests: [{url: "${gateway ? 'http://web.example.com/' : 'http://web:9080/'}"}]
`;

  it('one client connection (never more than 1 request in flight at the gateway): no overflow', () => {
    const r = run(fortio('users', 1, true), pool, '  sidecar: {concurrency: 1}\n');
    expect(r.clients[0]!.byStatus).toEqual({ '200': 400 });
  });

  it('three external clients with one connection each share it: together they overflow', () => {
    const r = run(
      fortio('a', 1, true) + fortio('b', 1, true) + fortio('c', 1, true),
      pool,
      '  sidecar: {concurrency: 1}\n',
    );
    const n503 = r.clients.reduce((n, c) => n + (c.byStatus['503'] ?? 0), 0);
    const uo = r.clients.reduce((n, c) => n + (c.byFlag.UO ?? 0), 0);
    expect(n503).toBeGreaterThan(0);
    expect(uo).toBe(n503);
  });

  it('above it: 503 UO at the gateway, counted in its cluster stats; an in-mesh client of the same DR does not overflow', () => {
    const r = run(
      fortio('users', 4, true) + fortio('caller', 1, false),
      pool,
      '  sidecar: {concurrency: 1}\n',
    );
    const users = r.clients.find((c) => c.name === 'users')!;
    const n503 = users.byStatus['503'] ?? 0;
    expect(n503).toBeGreaterThan(0);
    expect(users.byFlag.UO).toBe(n503);
    expect((users.byStatus['200'] ?? 0) + n503).toBe(400);
    // The gateway's clusters are the subsets its VirtualService routes to; only it builds them.
    const gwClusters = r.clusters.filter((c) => c.name.includes('|v2|') || c.name.includes('|v1|'));
    const overflow = gwClusters.reduce((n, c) => n + (c.stats.upstream_rq_pending_overflow ?? 0), 0);
    // The caller's sidecar has its own v1 cluster and limits: with one connection it never overflows.
    expect(r.clients.find((c) => c.name === 'caller')!.byStatus).toEqual({ '200': 400 });
    expect(overflow).toBe(n503);
    const gwHops = r.hops.filter((h) => h.source === 'edge/ingress');
    expect(gwHops.reduce((n, h) => n + (h.byFlag.UO ?? 0), 0)).toBe(n503);
  });
});

describe('entering through a gateway: the edges', () => {
  it('an unknown path on the gateway is 404 NR from the gateway, not a mesh error', () => {
    const r = run(`    - name: users
      gateway: edge/ingress
      count: 50
      connections: 1
      requests: [{url: "http://other.example.com/"}]
`);
    expect(r.clients[0]!.byStatus).toEqual({ '404': 50 });
    expect(r.clients[0]!.byFlag).toEqual({ NR: 50 });
  });

  it('the gateway Service by host, and the Deployment dialled on its listener port, work alike', () => {
    for (const [gateway, url] of [
      ['ingress.edge.svc.cluster.local', 'http://web.example.com/'],
      ['edge/ingress', 'http://web.example.com:80/'],
    ]) {
      const r = run(`    - name: users
      gateway: ${gateway}
      count: 20
      connections: 1
      requests: [{url: "${url}"}]
`);
      expect(r.clients[0]!.byStatus).toEqual({ '200': 20 });
    }
  });

  it('no gateway pod ready (scaled to 0): every connection is refused, 503 UF', () => {
    const l = loadScenarioFromTexts(
      {
        file: 's.yaml',
        text: scenario(`    - name: users
      gateway: edge/ingress
      count: 10
      connections: 1
      requests: [{url: "http://web.example.com/"}]
`).replace('  traffic:', `  events:\n    - {at: 0s, target: edge/ingress, scale: {replicas: 0}}\n  traffic:`),
      },
      [{ file: 'm.yaml', text: MANIFESTS() }],
    );
    const r = runScenario(l.loaded!);
    expect(r.clients[0]!.byStatus).toEqual({ '503': 10 });
    expect(r.clients[0]!.byFlag).toEqual({ UF: 10 });
  });

  it('scenario checks: a gateway that names nothing (MSIM3002), a port the gateway Service lacks (MSIM3003)', () => {
    const errs = (t: string) =>
      load(t)
        .diagnostics.filter((d) => d.code.startsWith('MSIM300'))
        .map((d) => `${d.code} ${d.path}: ${d.message}`);
    expect(
      errs(`    - name: users
      gateway: edge/nope
      rate: 1/s
      requests: [{url: "http://web.example.com/"}]
`),
    ).toEqual([
      'MSIM3002 spec.traffic[0].gateway: gateway "edge/nope" names no Service (namespace/name or host) or Deployment (namespace/name) in the manifests',
    ]);
    expect(
      errs(`    - name: users
      gateway: edge/ingress
      rate: 1/s
      requests: [{url: "http://web.example.com:8443/"}]
`),
    ).toEqual([
      'MSIM3003 spec.traffic[0].gateway: gateway "edge/ingress" (edge/ingress) has no port 8443 (from http://web.example.com:8443/): the connection would be refused',
    ]);
    expect(
      errs(`    - name: users
      gateway: shop/web
      rate: 1/s
      requests: [{url: "http://web.example.com/"}]
`),
    ).toEqual([
      'MSIM3002 spec.traffic[0].gateway: gateway "shop/web" (shop/web) selects no pod that a Gateway\'s selector picks: no ingress gateway proxy runs there',
    ]);
  });
});

describe('in-mesh callers of the gateway Service', () => {
  it("reach the gateway's Envoy on the Service's targetPort, which routes by their Host (here: none matches)", () => {
    const r = run(`    - name: caller
      namespace: shop
      count: 100
      connections: 2
      requests: [{url: "http://ingress.edge:80/"}]
`);
    expect(r.clients[0]!.byStatus).toEqual({ '404': 100 });
    // The caller's sidecar got the 404 from upstream (no flag); the gateway answered it locally (NR).
    const callerHop = r.hops.find((h) => h.source === 'shop/caller')!;
    expect([callerHop.service, callerHop.byStatus, callerHop.byFlag]).toEqual([
      'ingress.edge.svc.cluster.local',
      { '404': 100 },
      { '-': 100 },
    ]);
    const gwHop = r.hops.find((h) => h.source === 'edge/ingress')!;
    expect([gwHop.byStatus, gwHop.byFlag]).toEqual([{ '404': 100 }, { NR: 100 }]);
  });
});
