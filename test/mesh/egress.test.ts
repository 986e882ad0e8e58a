import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import type { ClusterSpec, HttpRequest, RequestCompleteEvent } from '../../src/envoy/index.js';
import type { RouteAction } from '../../src/envoy/router/index.js';
import { buildRun, type LoadedScenario, runScenario } from '../../src/run/index.js';
import { binomialBand, runModel } from '../support/run-model.js';

const MESH = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: production}
spec: {selector: {app: reviews}, ports: [{port: 9080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: billing, namespace: payments}
spec: {selector: {app: billing}, ports: [{port: 9080, name: http}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: production}
spec:
  replicas: 1
  selector: {matchLabels: {app: reviews}}
  template: {metadata: {labels: {app: reviews, version: v1}}, spec: {containers: [{name: r, image: r}]}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: production}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
  endpoints:
  - {address: a.example.com, locality: region-a/zone-a}
  - {address: b.example.com, locality: region-b/zone-b, weight: 4}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: static, namespace: production}
spec:
  hosts: [db.internal]
  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}, {address: 10.9.0.2, ports: {http: 9999}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wild, namespace: production}
spec:
  hosts: ["*.wild.example.com"]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: NONE
`;

function world(manifests: string, spec = '') {
  const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: egress}
spec:
  duration: 1s
  external:
    a.example.com: {addresses: 3}
${spec}
  traffic:
  - name: client
    namespace: production
    rate: 1/s
    requests: [{url: "http://reviews:9080/"}]
`;
  const load = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [
    { file: 'm.yaml', text: manifests },
  ]);
  if (load.loaded === undefined) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  return buildRun(load.loaded as LoadedScenario).world;
}

const req = (authority: string, port: number): HttpRequest => ({
  method: 'GET',
  scheme: 'http',
  authority,
  path: '/',
  headers: new Map(),
  port,
});

const routeOf = (
  w: ReturnType<typeof world>,
  pod: string,
  authority: string,
  port: number,
): RouteAction | null => w.controlPlane.routeTable(w.podByName(pod)!, port).route(req(authority, port));

const clusterOf = (a: RouteAction | null) => (a?.kind === 'route' ? a.clusters.map((c) => c.name) : a?.kind);

describe('ServiceEntry hosts as clusters (Istio conversion.go, cluster_builder.go)', () => {
  const w = world(MESH);
  const spec = (name: string): ClusterSpec => w.controlPlane.lookup(name)!;

  it('routes each host on its ports to outbound|PORT||host, by its own name only', () => {
    expect(clusterOf(routeOf(w, 'client-0', 'api.example.com', 80))).toEqual([
      'outbound|80||api.example.com',
    ]);
    expect(clusterOf(routeOf(w, 'client-0', 'x.wild.example.com', 80))).toEqual([
      'outbound|80||*.wild.example.com',
    ]);
    // Not a Kubernetes name: no short forms.
    expect(clusterOf(routeOf(w, 'client-0', 'api', 80))).toEqual(['PassthroughCluster']);
  });

  it('DNS: every address a name resolves to is a host (STRICT_DNS), with the endpoint locality and weight', () => {
    const eps = spec('outbound|80||api.example.com').endpoints.endpoints;
    expect(eps.map((e) => [e.address, e.locality.zone, e.weight])).toEqual([
      ['a.example.com#0:80', 'zone-a', 1],
      ['a.example.com#1:80', 'zone-a', 1],
      ['a.example.com#2:80', 'zone-a', 1],
      ['b.example.com:80', 'zone-b', 4],
    ]);
  });

  it('STATIC: the listed IPs, on the endpoint port of that name, else targetPort', () => {
    expect(spec('outbound|80||db.internal').endpoints.endpoints.map((e) => e.address)).toEqual([
      '10.9.0.1:8080',
      '10.9.0.2:9999',
    ]);
  });

  it('NONE: one original-destination host, load balancer CLUSTER_PROVIDED (PASSTHROUGH)', () => {
    const s = spec('outbound|80||*.wild.example.com');
    expect(s.endpoints.endpoints).toHaveLength(1);
    expect(s.policy.loadBalancer.policy).toBe('PASSTHROUGH');
    expect(spec('outbound|80||api.example.com').policy.loadBalancer.policy).toBe('LEAST_REQUEST');
  });

  it('an unknown port of a host has no cluster', () => {
    expect(w.controlPlane.lookup('outbound|8080||api.example.com')).toBeUndefined();
  });
});

const configMap = (mesh: string) => `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
${mesh}
`;

describe('outboundTrafficPolicy (Istio httproute.go buildCatchAllVirtualHost)', () => {
  it('ALLOW_ANY (the default): unknown hosts go to PassthroughCluster with no retries and no timeout', () => {
    const a = routeOf(world(MESH), 'client-0', 'unknown.example.org', 80);
    expect(a?.kind === 'route' && [a.name, a.clusters[0]!.name, a.retryPolicy, a.timeoutMs]).toEqual([
      'allow_any',
      'PassthroughCluster',
      null,
      0,
    ]);
  });

  it('REGISTRY_ONLY: block_all answers 502 directly; registry hosts are unaffected', () => {
    const w = world(MESH + configMap('    outboundTrafficPolicy: {mode: REGISTRY_ONLY}'));
    const a = routeOf(w, 'client-0', 'unknown.example.org', 80);
    expect(a?.kind === 'direct-response' && [a.name, a.status]).toEqual(['block_all', 502]);
    expect(clusterOf(routeOf(w, 'client-0', 'api.example.com', 80))).toEqual([
      'outbound|80||api.example.com',
    ]);
  });

  it("spec.meshConfig overrides the ConfigMap; a Sidecar's outboundTrafficPolicy overrides both for its pods", () => {
    const sidecar = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews, namespace: production}
spec:
  workloadSelector: {labels: {app: reviews}}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;
    const w = world(
      MESH + configMap('    outboundTrafficPolicy: {mode: REGISTRY_ONLY}') + sidecar,
      '  meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}',
    );
    expect(routeOf(w, 'client-0', 'unknown.example.org', 80)?.name).toBe('allow_any');
    const reviews = w.pods.find((p) => p.owner === 'production/reviews')!.name;
    expect(routeOf(w, reviews, 'unknown.example.org', 80)?.name).toBe('block_all');
  });

  it('warns (MSIM3042) when spec.meshConfig replaces a ConfigMap', () => {
    const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
  duration: 1s
  meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}
  traffic: [{name: c, namespace: production, rate: 1/s, requests: [{url: "http://reviews:9080/"}]}]
`;
    const load = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [
      { file: 'm.yaml', text: MESH + configMap('    connectTimeout: 1s') },
    ]);
    expect(load.diagnostics.filter((d) => d.code === 'MSIM3042').map((d) => `${d.file}:${d.line}`)).toEqual([
      's.yaml:6',
    ]);
  });

  it('defaultHttpRetryPolicy replaces the built-in default on routes without retries, not written ones', () => {
    const vsText = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: production}
spec:
  hosts: [api.example.com]
  http:
  - match: [{uri: {prefix: /v2}}]
    route: [{destination: {host: api.example.com}}]
    retries: {attempts: 1, retryOn: reset}
  - route: [{destination: {host: api.example.com}}]
`;
    const w = world(MESH + vsText + configMap('    defaultHttpRetryPolicy: {attempts: 4, retryOn: 5xx}'));
    const retries = (a: RouteAction | null) =>
      a?.kind === 'route' ? [a.retryPolicy?.numRetries, a.retryPolicy?.retryOn] : a?.kind;
    expect(retries(routeOf(w, 'client-0', 'reviews', 9080))).toEqual([4, ['5xx']]);
    expect(retries(routeOf(w, 'client-0', 'api.example.com', 80))).toEqual([4, ['5xx']]);
    const v2 = w.controlPlane
      .routeTable(w.podByName('client-0')!, 80)
      .route({ ...req('api.example.com', 80), path: '/v2/x' });
    expect(retries(v2)).toEqual([1, ['reset']]);
    // Without it: istiod's built-in default (2 retries, no 5xx).
    expect(retries(routeOf(world(MESH + vsText), 'client-0', 'api.example.com', 80))?.[0]).toBe(2);
  });

  it('PassthroughCluster: ORIGINAL_DST with the mesh connectTimeout and defaultTrafficPolicy pool', () => {
    const w = world(
      MESH +
        configMap(
          '    connectTimeout: 3s\n    defaultTrafficPolicy:\n      connectionPool: {tcp: {maxConnections: 9}}',
        ),
    );
    const p = w.controlPlane.lookup('PassthroughCluster')!.policy;
    expect([
      p.connectionPool.tcp.connectTimeoutMs,
      p.connectionPool.tcp.maxConnections,
      p.outlierDetection,
    ]).toEqual([3000, 9, undefined]);
  });
});

describe('MeshConfig defaults below DestinationRules (cluster_traffic_policy.go applyDefaultTrafficPolicy)', () => {
  const dr = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: production}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {connectionPool: {tcp: {maxConnections: 2}}}
`;
  const mesh = configMap(`    connectTimeout: 2s
    defaultTrafficPolicy:
      connectionPool: {tcp: {maxConnections: 50}}
      outlierDetection: {consecutive5xxErrors: 9}`);

  it('fills the blocks the DR leaves unset, per block; a subset block still wins', () => {
    const w = world(MESH + dr + mesh);
    const top = w.controlPlane.lookup('outbound|9080||reviews.production.svc.cluster.local')!.policy;
    expect([top.connectionPool.tcp.maxConnections, top.outlierDetection?.consecutive5xxErrors]).toEqual([
      50, 3,
    ]);
    const v1 = w.controlPlane.lookup('outbound|9080|v1|reviews.production.svc.cluster.local')!.policy;
    expect([v1.connectionPool.tcp.maxConnections, v1.outlierDetection?.consecutive5xxErrors]).toEqual([2, 3]);
    // A host without any DestinationRule gets the whole baseline.
    const bare = w.controlPlane.lookup('outbound|80||api.example.com')!.policy;
    expect([bare.connectionPool.tcp.maxConnections, bare.outlierDetection?.consecutive5xxErrors]).toEqual([
      50, 9,
    ]);
  });

  it('a port-level entry replaces the top level first, then the baseline fills what it leaves unset', () => {
    const portLevel = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: production}
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 4}}
    outlierDetection: {consecutive5xxErrors: 3}
    retryBudget: {percent: 30}
    portLevelSettings:
    - port: {number: 9080}
      connectionPool: {tcp: {maxConnections: 6}}
`;
    const p = world(MESH + portLevel + mesh).controlPlane.lookup(
      'outbound|9080||reviews.production.svc.cluster.local',
    )!.policy;
    // Port-level entry alone (nothing inherited from the top level), then the mesh baseline's outlier block.
    expect([
      p.connectionPool.tcp.maxConnections,
      p.outlierDetection?.consecutive5xxErrors,
      p.retryBudget,
    ]).toEqual([6, 9, undefined]);
  });

  it('connectTimeout: the mesh value unless the DestinationRule writes one', () => {
    const w = world(MESH + dr + mesh);
    expect(
      w.controlPlane.lookup('outbound|80||api.example.com')!.policy.connectionPool.tcp.connectTimeoutMs,
    ).toBe(2000);
    const w2 = world(
      MESH + dr.replace('{maxConnections: 2}', '{maxConnections: 2, connectTimeout: 10s}') + mesh,
    );
    expect(
      w2.controlPlane.lookup('outbound|9080|v1|reviews.production.svc.cluster.local')!.policy.connectionPool
        .tcp.connectTimeoutMs,
    ).toBe(10_000);
  });
});

describe('Sidecar egress hosts (sidecar.go SidecarScope)', () => {
  const ns = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: production}
spec:
  egress:
  - hosts: ["./*"]
`;
  const root = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  egress:
  - hosts: ["*/*"]
`;

  it('a host outside the egress hosts has no virtual host (catch-all) and no cluster (503 NC)', () => {
    const w = world(MESH + ns);
    expect(routeOf(w, 'client-0', 'billing.payments', 9080)?.name).toBe('allow_any');
    expect(clusterOf(routeOf(w, 'client-0', 'reviews', 9080))).toEqual([
      'outbound|9080||reviews.production.svc.cluster.local',
    ]);
    const client = w.sidecarOf(w.podByName('client-0')!);
    expect(client.clusters.get('outbound|9080||billing.payments.svc.cluster.local')).toBeUndefined();
    expect(client.clusters.get('outbound|9080||reviews.production.svc.cluster.local')).toBeDefined();
  });

  it("the namespace's Sidecar wins over the root namespace's; the root one applies elsewhere", () => {
    const w = world(MESH + ns + root);
    expect(routeOf(w, 'client-0', 'billing.payments', 9080)?.name).toBe('allow_any');
    const w2 = world(MESH + root);
    expect(clusterOf(routeOf(w2, 'client-0', 'billing.payments', 9080))).toEqual([
      'outbound|9080||billing.payments.svc.cluster.local',
    ]);
  });

  it('a port-bound listener serves only its port; other ports fall to the catch-all listener', () => {
    const bound = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: production}
spec:
  egress:
  - port: {number: 9080, protocol: HTTP, name: http}
    hosts: ["payments/*"]
  - hosts: ["./*"]
`;
    const w = world(MESH + bound);
    expect(routeOf(w, 'client-0', 'reviews', 9080)?.name).toBe('allow_any');
    expect(clusterOf(routeOf(w, 'client-0', 'billing.payments', 9080))).toEqual([
      'outbound|9080||billing.payments.svc.cluster.local',
    ]);
    expect(clusterOf(routeOf(w, 'client-0', 'api.example.com', 80))).toEqual([
      'outbound|80||api.example.com',
    ]);
  });
});

describe('models/external-api', () => {
  it('REGISTRY_ONLY: every call to the undeclared host is a 502 from the caller sidecar, the API is untouched', async () => {
    const r = await runModel('models/external-api/registry-only.scenario.yaml');
    const hops = Object.fromEntries(r.hops.map((h) => [h.service, h]));
    expect(hops['telemetry.vendor.io']!.byStatus).toEqual({ 502: hops['telemetry.vendor.io']!.requests });
    expect(hops['api.quotes.example.com']!.byStatus).toEqual({
      200: hops['api.quotes.example.com']!.requests,
    });
    expect(r.clusters.some((c) => c.name === 'PassthroughCluster')).toBe(false);
  });

  it("ALLOW_ANY: PassthroughCluster carries them unretried: the vendor's 10 % 503s reach the caller", async () => {
    const r = await runModel('models/external-api/allow-any.scenario.yaml');
    const pass = r.clusters.find((c) => c.name === 'PassthroughCluster')!;
    const n = pass.stats.upstream_rq_completed!;
    const failed = pass.stats.upstream_rq_503!;
    expect(pass.stats.upstream_rq_retry).toBe(0);
    const band = binomialBand(n, 0.1);
    expect(failed).toBeGreaterThan(band.low);
    expect(failed).toBeLessThan(band.high);
    const hop = r.hops.find((h) => h.service === 'PassthroughCluster')!;
    expect(hop.byStatus[503]).toBe(failed);
    const istio = JSON.stringify(r.istio);
    expect(istio).toContain('"destination_service_name":"PassthroughCluster"');
  });

  it('retries with retryRemoteLocalities: the second retry leaves Europe (previous_priorities, update frequency 2)', () => {
    const remote = attemptsOf(true);
    expect(remote.requests).toBeGreaterThan(1900);
    expect(remote.failed).toBe(0);
    // Two tries in Europe at most: the third goes to the US, which does not fail.
    expect(remote.maxAttempts).toBe(3);
    expect(remote.thirdTriesEndedIn).toEqual(['us']);
    // Without it, retries stay in Europe while it is healthy enough: some requests need a fourth try.
    const local = attemptsOf(false);
    expect(local.maxAttempts).toBeGreaterThan(3);
  });

  it('is deterministic: same inputs and seed give the same result', async () => {
    const a = await runModel('models/external-api/allow-any.scenario.yaml');
    const b = await runModel('models/external-api/allow-any.scenario.yaml');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

/** Runs models/external-api/retries with retryRemoteLocalities on or off; per-request attempts. */
function attemptsOf(remote: boolean) {
  const dir = 'models/external-api';
  const manifests = readFileSync(`${dir}/external-api.yaml`, 'utf8').replace(
    'retryRemoteLocalities: true',
    `retryRemoteLocalities: ${remote}`,
  );
  const scenario = readFileSync(`${dir}/retries.scenario.yaml`, 'utf8');
  const load = loadScenarioFromTexts({ file: `${dir}/retries.scenario.yaml`, text: scenario }, [
    { file: `${dir}/external-api.yaml`, text: manifests },
  ]);
  if (load.loaded === undefined) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  let requests = 0;
  let failed = 0;
  let maxAttempts = 0;
  const third = new Set<string>();
  const observer = {
    onRequestComplete(e: RequestCompleteEvent) {
      if (e.startMs < 1000) return;
      requests++;
      if (e.status !== 200) failed++;
      maxAttempts = Math.max(maxAttempts, e.attempts);
      if (e.attempts === 3) third.add(e.upstreamPod!.slice(0, 2));
    },
    onEjection() {},
    onUnejection() {},
    onUpstreamAttempt() {},
  };
  runScenario(load.loaded, { observer });
  return { requests, failed, maxAttempts, thirdTriesEndedIn: [...third] };
}
