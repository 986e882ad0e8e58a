import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { binomialBand } from '../support/run-model.js';
import { istioCount, runTexts } from './support.js';

/**
 * ztunnel at L4: an ambient client's requests reach a Service's pods through its node's ztunnel and the
 * server node's, with no HTTP routing, no retries, no DestinationRule and no HTTP metrics.
 */
const manifests = (opts: { dist?: string; nsLabels?: string; extra?: string } = {}) => `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {${opts.nsLabels ?? 'istio.io/dataplane-mode: ambient'}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
${opts.dist ? `  trafficDistribution: ${opts.dist}\n` : ''}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-a, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web, zone: a}}
  template:
    metadata: {labels: {app: web, zone: a}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-b, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web, zone: b}}
  template:
    metadata: {labels: {app: web, zone: b}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route: [{destination: {host: web}}]
    retries: {attempts: 3, retryOn: 5xx}
${opts.extra ?? ''}`;

const scenario = (extra = '', client = '') => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: ztunnel}
spec:
  duration: 10s
  seed: 7
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
${extra}  workloads:
    shop/web-a: {concurrency: 64, latency: 5ms, zones: [zone-a], errors: [{status: 503, rate: 0.2}]}
    shop/web-b: {concurrency: 64, latency: 5ms, zones: [zone-b], errors: [{status: 503, rate: 0.2}]}
  traffic:
    - name: caller
      namespace: shop
      zones: [zone-a]
      rate: 200/s
${client}      requests: [{url: "http://web:9080/"}]
`;

const tcp = (r: Result, m: Record<string, string>, k: 'opened' | 'closed' = 'opened') =>
  (r.istioTcp ?? [])
    .filter((s) => Object.entries(m).every(([a, b]) => s.labels[a] === b))
    .reduce((n, s) => n + s[k], 0);

describe('an ambient client and server: L4 only', () => {
  const r = runTexts(scenario(), manifests());
  const caller = r.clients.find((c) => c.name === 'caller')!;

  it("ignores the VirtualService's retries: the app's 503s reach the client at the app's rate", () => {
    const band = binomialBand(caller.requests, 0.2);
    const e = caller.byStatus['503'] ?? 0;
    expect(e).toBeGreaterThan(band.low);
    expect(e).toBeLessThan(band.high);
    expect((caller.byStatus['200'] ?? 0) + e).toBe(caller.requests);
  });

  it('reports no istio_requests_total (no sidecar, no waypoint): TCP connections from both ztunnels', () => {
    expect(r.istio).toEqual([]);
    expect(r.hops).toEqual([]);
    expect(tcp(r, { reporter: 'source', source_workload: 'caller' })).toBe(caller.requests);
    expect(tcp(r, { reporter: 'destination', destination_service: 'web.shop.svc.cluster.local' })).toBe(
      caller.requests,
    );
    expect(tcp(r, { reporter: 'source' }, 'closed')).toBe(caller.requests);
    expect(new Set(r.istioTcp!.map((s) => s.labels.request_protocol))).toEqual(new Set(['tcp']));
  });

  it('without trafficDistribution, ztunnel spreads connections uniformly over both zones', () => {
    const b = tcp(r, { reporter: 'destination', destination_workload: 'web-b' });
    const band = binomialBand(caller.requests, 0.5);
    expect(b).toBeGreaterThan(band.low);
    expect(b).toBeLessThan(band.high);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(runTexts(scenario(), manifests()))).toBe(JSON.stringify(r));
  });
});

describe('trafficDistribution: ztunnel prefers the closest endpoints, failing over when there are none', () => {
  it('PreferClose: every connection from zone-a stays in zone-a', () => {
    const r = runTexts(scenario(), manifests({ dist: 'PreferClose' }));
    const n = r.clients[0]!.requests;
    expect(tcp(r, { reporter: 'destination', destination_workload: 'web-a' })).toBe(n);
    expect(tcp(r, { reporter: 'destination', destination_workload: 'web-b' })).toBe(0);
  });

  it('PreferClose with no ready pod in the zone: all go to the next rank (zone-b)', () => {
    const events = '  events:\n    - {at: 0s, target: shop/web-a, scale: {replicas: 0}}\n';
    const r = runTexts(scenario(events), manifests({ dist: 'PreferClose' }));
    const n = r.clients[0]!.requests;
    expect(n).toBeGreaterThan(0);
    expect(tcp(r, { reporter: 'destination', destination_workload: 'web-b' })).toBe(n);
  });

  it('PreferSameNode: with 2 nodes per zone, a client sticks to the pod on its own node', () => {
    const r = runTexts(scenario('  ambient: {nodesPerZone: 2}\n'), manifests({ dist: 'PreferSameNode' }));
    const n = r.clients[0]!.requests;
    // The caller (the first pod placed in zone-a after web-a's two) lands on node 0, as web-a's first pod.
    expect(tcp(r, { reporter: 'destination', destination_workload: 'web-a' })).toBe(n);
  });
});

describe('enrolment in the run', () => {
  it('a pod labelled istio.io/dataplane-mode=none in an ambient namespace keeps its sidecar (the VS retries)', () => {
    const r = runTexts(scenario('', '      labels: {istio.io/dataplane-mode: none}\n'), manifests());
    const caller = r.clients[0]!;
    // Its sidecar retries 5xx up to 3 times: a 503 needs four failures in a row (0.2^4).
    expect((caller.byStatus['503'] ?? 0) / caller.requests).toBeLessThan(0.01);
    expect(istioCount(r, { reporter: 'source', source_workload: 'caller' })).toBe(caller.requests);
    // The servers are still ambient: no reporter=destination HTTP series from them.
    expect(istioCount(r, { reporter: 'destination' })).toBe(0);
  });

  it('a namespace without the label: everything has sidecars, no TCP metrics at all', () => {
    const r = runTexts(scenario(), manifests({ nsLabels: 'team: shop' }));
    expect(r.istioTcp).toBeUndefined();
    expect(istioCount(r, { reporter: 'destination' })).toBeGreaterThan(0);
  });
});
