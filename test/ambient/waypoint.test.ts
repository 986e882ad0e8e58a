import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { istioCount, runTexts, webService } from './support.js';

/**
 * Waypoint binding and placement: which Services' traffic goes through which waypoint (labels on the
 * Service and the namespace, waypoint-for), how many replicas share the limits, and sidecar callers.
 */
const manifests = (o: { ns?: string; svc?: string; gw?: string; deployment?: number } = {}) => `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient${o.ns ?? ', istio.io/use-waypoint: wp'}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: shop, labels: {${o.gw ?? 'istio.io/waypoint-for: service'}}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HTTP}]
---
${
  o.deployment === undefined
    ? ''
    : `apiVersion: apps/v1
kind: Deployment
metadata: {name: wp, namespace: shop}
spec:
  replicas: ${o.deployment}
  selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: wp}}
  template:
    metadata: {labels: {gateway.networking.k8s.io/gateway-name: wp}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
`
}${webService({ labels: o.svc, replicas: 2 })}apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  trafficPolicy:
    connectionPool: {http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}, tcp: {maxConnections: 1}}
`;

const scenario = (clients: string, extra = '') => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: waypoint}
spec:
  duration: 5s
  seed: 3
${extra}  workloads:
    shop/web: {concurrency: 64, latency: 2ms}
  traffic:
${clients}`;

const fortio = (name: string, ns = 'shop', labels = '') => `    - name: ${name}
      namespace: ${ns}
${labels}      connections: 1
      count: 50
      requests: [{url: "http://web.shop:9080/"}]
`;
const THREE = fortio('a') + fortio('b') + fortio('c');

/** Pending overflows of web's cluster: at client sidecars `outbound|...`, at a waypoint `inbound-vip|...`. */
const overflow = (r: Result) =>
  r.clusters
    .filter((c) => c.name.endsWith('|web.shop.svc.cluster.local'))
    .reduce((n, c) => n + (c.stats.upstream_rq_pending_overflow ?? 0), 0);
const viaWaypoint = (r: Result) => istioCount(r, { reporter: 'waypoint' });

describe('which Services use the waypoint', () => {
  it("the namespace's istio.io/use-waypoint binds its Services: every request goes through it", () => {
    const r = runTexts(scenario(THREE), manifests());
    expect(viaWaypoint(r)).toBe(150);
    expect(overflow(r)).toBeGreaterThan(0);
  });

  it("a Service's own `istio.io/use-waypoint: none` opts it out: L4 only, no DR, no overflow", () => {
    const r = runTexts(scenario(THREE), manifests({ svc: 'istio.io/use-waypoint: none' }));
    expect(viaWaypoint(r)).toBe(0);
    expect(r.clients.every((c) => c.byStatus['200'] === 50)).toBe(true);
  });

  it('a Service label binds it when the namespace has none', () => {
    const r = runTexts(scenario(THREE), manifests({ ns: '', svc: 'istio.io/use-waypoint: wp' }));
    expect(viaWaypoint(r)).toBe(150);
  });

  it('a waypoint for workloads only does not take Service traffic', () => {
    const r = runTexts(scenario(THREE), manifests({ gw: 'istio.io/waypoint-for: workload' }));
    expect(viaWaypoint(r)).toBe(0);
  });

  it('waypoint-for all takes it; a missing waypoint leaves the Service on L4', () => {
    expect(viaWaypoint(runTexts(scenario(THREE), manifests({ gw: 'istio.io/waypoint-for: all' })))).toBe(150);
    const missing = runTexts(scenario(THREE), manifests({ ns: ', istio.io/use-waypoint: nope' }));
    expect(viaWaypoint(missing)).toBe(0);
    expect(missing.clients.every((c) => c.byStatus['200'] === 50)).toBe(true);
  });
});

describe('waypoint replicas share the load: limits count per replica', () => {
  it('one client (one connection) never overflows a waypoint', () => {
    const r = runTexts(scenario(fortio('a')), manifests());
    expect(r.clients[0]!.byStatus).toEqual({ '200': 50 });
  });

  it('the Deployment named as the Gateway sets the replicas; spec.ambient.waypointReplicas otherwise', () => {
    const one = runTexts(scenario(THREE), manifests());
    const three = runTexts(scenario(THREE), manifests({ deployment: 3 }));
    const threeByScenario = runTexts(scenario(THREE, '  ambient: {waypointReplicas: 3}\n'), manifests());
    expect(JSON.stringify(three.clients)).toBe(JSON.stringify(threeByScenario.clients));
    expect(overflow(one)).toBeGreaterThan(0);
    // Spread over 3 replicas, the same three clients overflow less often than in one.
    expect(overflow(three)).toBeLessThan(overflow(one));
  });
});

describe('a sidecar client calling a Service that has a waypoint', () => {
  it('skips the waypoint (only gateways send to waypoints): its own sidecar enforces the DR, per client', () => {
    const sidecarClients = fortio('a', 'front') + fortio('b', 'front') + fortio('c', 'front');
    const r = runTexts(scenario(sidecarClients), manifests());
    expect(viaWaypoint(r)).toBe(0);
    expect(istioCount(r, { reporter: 'source', source_workload_namespace: 'front' })).toBe(150);
    expect(overflow(r)).toBe(0);
    expect(r.clients.every((c) => c.byStatus['200'] === 50)).toBe(true);
  });
});
