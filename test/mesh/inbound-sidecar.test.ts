import { describe, expect, it } from 'vitest';
import { resolveConnectionPool } from '../../src/config/defaults.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import type { InboundLayerSource } from '../../src/mesh/inbound-listener.js';
import { runScenario } from '../../src/run/index.js';

/**
 * `clients` client pods each send one request at t=0 (one closed-loop connection each, `count` shared) to
 * one `api` pod whose app holds every request 100 ms. Constant latencies and one Envoy worker make every
 * arrival simultaneous, so the server sidecar's pool sees exactly `clients` requests at once.
 */
function scenario(o: {
  clients: number;
  dr?: string;
  events?: string;
  count?: number;
  latency?: string;
  concurrency?: number;
  extra?: string;
}): string {
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: inbound}
spec:
  duration: ${o.events ? '20s' : '5s'}
  seed: 3
  network: {sameZone: 0.2ms, crossZone: 0.2ms, crossRegion: 0.2ms}
  sidecar: {latency: 0.1ms, concurrency: 1}
  kubernetes: {readinessDelay: 2s, startupDelay: 1s}
  workloads:
    default/api: {concurrency: ${o.concurrency ?? 64}, latency: ${o.latency ?? '100ms'}}
  traffic:
    - {name: client, replicas: ${o.clients}, connections: 1, qps: ${o.events ? 50 : 0}, count: ${o.count ?? o.clients}, requests: [{url: "http://api/"}]}
${o.events ? `  events:\n${o.events}` : ''}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]}}
${o.dr ?? ''}${o.extra ?? ''}`;
}

const dr = (pool: string, extra = '') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy:
    connectionPool: ${pool}
${extra}`;

function run(text: string) {
  const load = loadScenarioFromTexts({ file: 'inbound.yaml', text }, []);
  if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  const result = runScenario(load.loaded);
  const inbound = result.clusters.find((c) => c.name === 'inbound|8080||');
  const destination = result.istio.filter((s) => s.labels.reporter === 'destination');
  const source = result.istio.filter((s) => s.labels.reporter === 'source');
  const count = (series: typeof destination, code: string, flags: string) =>
    series
      .filter((s) => s.labels.response_code === code && s.labels.response_flags === flags)
      .reduce((n, s) => n + s.count, 0);
  return { result, inbound, destination, source, count };
}

describe('server sidecar: the inbound cluster inbound|PORT|| with the DestinationRule connectionPool', () => {
  // maxConnections 1 (one request at the app at a time), http1MaxPendingRequests 3. Requests arriving
  // together all wait as pending while the pool's first connection is still connecting (Envoy's
  // Http1ConnPoolImplTest.MaxPendingRequests: max_cx 1, max_pending 1, the second request overflows).
  const pool = '{tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 3}}';

  for (const [clients, overflow] of [
    [2, 0], // just below: 2 pending of 3
    [3, 0], // at the limit: 3 pending
    [4, 1], // just above: the fourth request overflows
  ] as const) {
    it(`${clients} simultaneous requests, 1 connection, 3 pending: ${overflow} overflow(s), 503 UO on the server`, () => {
      const r = run(scenario({ clients, dr: dr(pool) }));
      // Every client sidecar has its own limits (1 connection, 3 pending): none overflows there.
      const outbound = r.result.clusters.find((c) => c.name.startsWith('outbound|80||api'))!;
      expect(outbound.stats.upstream_rq_pending_overflow).toBe(0);
      const s = r.inbound!.stats;
      expect(s.upstream_rq_pending_overflow).toBe(overflow);
      expect(s.upstream_rq_total).toBe(clients - overflow);
      expect(s.upstream_rq_pending_total).toBe(clients - overflow);
      // One connection to the app at a time: each later pending request waits for the previous response.
      expect(s.upstream_cx_total).toBe(1);
      expect(s.upstream_rq_200).toBe(clients - overflow);
      expect(s.upstream_rq_503 ?? 0).toBe(overflow);
      // The server reports its local reply with its flag; the client sees a plain upstream 503.
      expect(r.count(r.destination, '503', 'UO')).toBe(overflow);
      expect(r.count(r.source, '503', '-')).toBe(overflow);
      expect(r.count(r.destination, '200', '-')).toBe(clients - overflow);
      // Served one after the other: the last one waited (clients - overflow - 1) x 100 ms at the server.
      const client = r.result.clients[0]!;
      expect(client.byStatus['200']).toBe(clients - overflow);
      expect(client.latencyMs.max).toBeGreaterThanOrEqual((clients - overflow) * 100);
      expect(client.latencyMs.max).toBeLessThan((clients - overflow) * 100 + 5);
    });
  }

  it('maxConnections caps the requests at the app: 2 connections serve 6 requests in 3 rounds', () => {
    const r = run(scenario({ clients: 6, dr: dr('{tcp: {maxConnections: 2}}') }));
    const s = r.inbound!.stats;
    expect(s.upstream_cx_total).toBe(2);
    expect(s.upstream_rq_pending_overflow).toBe(0);
    // Pending requests that found the limit reached tried to connect and were refused by it.
    expect(s.upstream_cx_overflow).toBeGreaterThan(0);
    const lat = r.result.clients[0]!.latencyMs;
    expect(lat.max).toBeGreaterThanOrEqual(300);
    expect(lat.max).toBeLessThan(305);
    expect(lat.min).toBeLessThan(105);
  });

  it('without a connectionPool there is no inbound cluster and no limit (the app gets all 6 at once)', () => {
    const r = run(scenario({ clients: 6 }));
    expect(r.inbound).toBeUndefined();
    expect(r.result.clients[0]!.latencyMs.max).toBeLessThan(105);
  });

  it('subsets do not apply inbound; a portLevelSettings entry for the service port replaces the top level', () => {
    // Subset limits would cap at 1 + 0 pending; the inbound side ignores them.
    const subset = `  subsets:
  - name: v1
    labels: {app: api}
    trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}}
`;
    const a = run(scenario({ clients: 6, dr: dr('{http: {maxRetries: 5}}', subset) }));
    // The top-level pool limits nothing at the server (maxRetries only caps retries): not interposed.
    expect(a.inbound).toBeUndefined();
    expect(a.result.clients[0]!.latencyMs.max).toBeLessThan(105);
    // A port-level entry for port 80 with a tight pool replaces the top level (which has none here).
    const portLevel = `    portLevelSettings:
    - port: {number: 80}
      connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
`;
    const b = run(scenario({ clients: 6, dr: dr('{http: {maxRetries: 5}}', portLevel) }));
    expect(b.inbound!.stats.upstream_rq_pending_overflow).toBe(5);
  });
});

describe('container crash vs pod crash', () => {
  const events = (action: string) => `    - {at: 5s, target: default/api, ${action}: {pods: 1}, for: 10s}`;

  it('crashContainer: the sidecar accepts, its connects to the app are refused, 2 inbound retries, 503 UF,URX', () => {
    const r = run(scenario({ clients: 1, count: 1000, latency: '1ms', events: events('crashContainer') }));
    const s = r.inbound!.stats;
    const refused = r.count(r.destination, '503', 'UF,URX');
    expect(refused).toBeGreaterThan(0);
    // Every refused request was tried three times: two retries on reset-before-request, then URX.
    expect(s.upstream_rq_retry).toBe(2 * refused);
    expect(s.upstream_rq_retry_limit_exceeded).toBe(refused);
    expect(s.upstream_cx_connect_fail).toBe(3 * refused);
    // The client never sees a connection failure: plain upstream 503s from the server sidecar.
    expect(r.count(r.source, '503', '-')).toBe(refused);
    expect(r.count(r.source, '503', 'UF')).toBe(0);
    // Until the pod leaves the endpoints (readinessDelay 2 s): one connection paced at 50 qps (20 ms), each
    // refused request taking its two back-offs (at most 25 + 50 ms): between 2000/80 and 2000/20 requests.
    expect(refused).toBeGreaterThan(25);
    expect(refused).toBeLessThan(100);
    // After the readiness delay the pod is out of the endpoints: the client answers itself 503 UH.
    expect(r.count(r.source, '503', 'UH')).toBeGreaterThan(0);
  });

  it('crash: the whole pod refuses TCP, the client sidecar sees connection failures (UF), no inbound cluster', () => {
    const r = run(scenario({ clients: 1, count: 1000, latency: '1ms', events: events('crash') }));
    expect(r.inbound).toBeUndefined();
    expect(r.count(r.destination, '503', 'UF,URX')).toBe(0);
    const outbound = r.result.clusters.find((c) => c.name.startsWith('outbound|80||api'))!;
    expect(outbound.stats.upstream_cx_connect_fail).toBeGreaterThan(0);
    const uf = r.source
      .filter((x) => x.labels.response_code === '503' && (x.labels.response_flags ?? '').includes('UF'))
      .reduce((n, x) => n + x.count, 0);
    expect(uf).toBeGreaterThan(0);
  });

  it('the inbound retry: a request refused by a restarting container is retried and served when it is back', () => {
    // The container crashes at 5 s, restarts at 5.2 s and is ready at 6.2 s (startupDelay 1 s), before the
    // readiness delay (2 s) takes the pod out of the endpoints: requests refused in the last back-off
    // window before 6.2 s are served by a retry.
    const r = run(
      scenario({
        clients: 10,
        count: 100_000,
        latency: '1ms',
        events: '    - {at: 5s, target: default/api, crashContainer: {pods: 1}, for: 200ms}',
      }),
    );
    const s = r.inbound!.stats;
    const refused = r.count(r.destination, '503', 'UF,URX');
    expect(refused).toBeGreaterThan(0);
    expect(s.upstream_rq_retry_success).toBeGreaterThan(0);
    // Every try is a refused connect except the served ones: retries = 2 per exhausted request + the
    // retries of the requests a retry served (1 or 2 each).
    const retries = s.upstream_rq_retry ?? 0;
    const successes = s.upstream_rq_retry_success ?? 0;
    const servedByRetry = retries - 2 * refused;
    expect(servedByRetry).toBeGreaterThanOrEqual(successes);
    expect(servedByRetry).toBeLessThanOrEqual(2 * successes);
    expect(s.upstream_cx_connect_fail).toBe(3 * refused + servedByRetry);
    // No request was lost: after the restart the pod never left the endpoints.
    expect(r.count(r.source, '503', 'UH')).toBe(0);
  });

  it('crashContainer with requests in the app: the sidecar answers them 503 UC, not a reset', () => {
    const r = run(
      scenario({
        clients: 4,
        count: 4,
        latency: '10s',
        events: '    - {at: 1s, target: default/api, crashContainer: {pods: 1}}',
      }),
    );
    expect(r.count(r.destination, '503', 'UC')).toBe(4);
    expect(r.count(r.source, '503', '-')).toBe(4);
  });
});

describe('the MeshConfig and Sidecar layers through RunOptions.inboundLayers', () => {
  const tight = resolveConnectionPool({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } });
  const roomy = resolveConnectionPool({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 5 } });
  const runWith = (dr: string, layers: InboundLayerSource) => {
    const load = loadScenarioFromTexts({ file: 'inbound.yaml', text: scenario({ clients: 4, dr }) }, []);
    if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
    const r = runScenario(load.loaded, { inboundLayers: layers });
    return r.clusters.find((c) => c.name === 'inbound|8080||')?.stats.upstream_rq_pending_overflow;
  };
  const drPending3 = dr('{tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 3}}');

  it('the mesh default applies without a DR connectionPool, and only then', () => {
    // 4 simultaneous requests, pending limit 1: 3 overflow.
    expect(runWith('', () => ({ meshDefault: tight }))).toBe(3);
    // The DR's block (pending 3) replaces the mesh default: 1 overflow.
    expect(runWith(drPending3, () => ({ meshDefault: tight }))).toBe(1);
  });
  it('the Sidecar layer replaces the DR and the mesh default', () => {
    expect(runWith(drPending3, () => ({ meshDefault: tight, sidecar: roomy }))).toBe(0);
    expect(runWith(drPending3, () => ({ sidecar: tight }))).toBe(3);
  });
  it('the hook is asked with the pod and its container port', () => {
    const asked: string[] = [];
    runWith('', (pod, port) => {
      asked.push(`${pod.namespace}/${pod.labels.app}:${port}`);
      return {};
    });
    expect(asked).toEqual(['default/api:8080']);
  });
});

describe('the MeshConfig and Sidecar layers read from the manifests (inbound-layers.ts)', () => {
  // 4 simultaneous requests at one api pod: pending limit 1 gives 3 overflows, 3 gives 1, 5 gives 0.
  const pool = (pending: number) => `{tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: ${pending}}}`;
  const meshConfig = (pending: number) => `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    defaultTrafficPolicy:
      connectionPool: ${pool(pending)}
`;
  const sidecar = (pending: number, ns = 'default') => `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${ns}}
spec:
  inboundConnectionPool: ${pool(pending)}
`;
  const overflows = (extra: string) =>
    run(scenario({ clients: 4, extra })).inbound?.stats.upstream_rq_pending_overflow ?? 0;

  it('MeshConfig defaultTrafficPolicy.connectionPool caps the server pods when no DR sets one', () => {
    expect(overflows(meshConfig(1))).toBe(3);
    expect(overflows(meshConfig(3))).toBe(1);
    expect(overflows(dr(pool(5)) + meshConfig(1))).toBe(0);
  });
  it("the Sidecar's inboundConnectionPool replaces the DR's and the mesh default, in its namespace only", () => {
    expect(overflows(dr(pool(5)) + sidecar(1))).toBe(3);
    expect(overflows(meshConfig(1) + sidecar(5))).toBe(0);
    expect(overflows(dr(pool(5)) + sidecar(1, 'elsewhere'))).toBe(0);
  });
});

describe('determinism on the inbound path', () => {
  it('same scenario and seed: byte-identical results (pool overflow, retries, container crash)', () => {
    const text = scenario({
      clients: 10,
      count: 20_000,
      latency: '1ms',
      dr: dr('{tcp: {maxConnections: 2}, http: {http1MaxPendingRequests: 3}}'),
      events: '    - {at: 5s, target: default/api, crashContainer: {pods: 1}, for: 200ms}',
    });
    const a = run(text);
    const b = run(text);
    expect(a.inbound!.stats.upstream_rq_pending_overflow).toBeGreaterThan(0);
    expect(a.inbound!.stats.upstream_rq_retry).toBeGreaterThan(0);
    expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
  });
});
