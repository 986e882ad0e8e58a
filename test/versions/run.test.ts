import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { type IstioVersion, istioProfile } from '../../src/config/istio-version.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { runScenario } from '../../src/run/index.js';

function load(text: string, v?: IstioVersion) {
  const r = loadScenarioFromTexts({ file: 's.yaml', text }, [], v ? { istio: istioProfile(v) } : {});
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r;
}

const deployment = (name: string, labels: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {${labels}}}, spec: {containers: [{name: api, image: api}]}}
`;

/** `clients` pods each send one request at t=0 to one api pod that holds it 100 ms; `dr` on api. */
const overflow = (dr: string, version = '') => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: overflow}
spec:
  duration: 2s
  seed: 3
${version}  network: {sameZone: 0.2ms, crossZone: 0.2ms, crossRegion: 0.2ms}
  sidecar: {latency: 0.1ms, concurrency: 1}
  workloads:
    default/api: {concurrency: 64, latency: 100ms}
  traffic:
    - {name: client, connections: 5, qps: 0, count: 5, requests: [{url: "http://api/"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
${deployment('api', 'app: api')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy: ${dr}
`;

const clusterStats = (text: string, v: IstioVersion) => {
  const r = runScenario(load(text, v).loaded!);
  return r.clusters.find((c) => c.name === 'outbound|80||api.default.svc.cluster.local')!.stats;
};

describe('max_requests overflow: upstream_rq_pending_overflow before Envoy 1.38 (Istio 1.30), active_overflow since', () => {
  // One connection per request (HTTP/1.1): five requests attach at once under max_requests 1.
  const text = overflow('{connectionPool: {http: {http2MaxRequests: 1}}}');
  it('Istio 1.29 (Envoy 1.37): four overflows in upstream_rq_pending_overflow', () => {
    const s = clusterStats(text, '1.29');
    expect([s.upstream_rq_pending_overflow, s.upstream_rq_active_overflow, s.upstream_rq_503]).toEqual([
      4,
      undefined,
      4,
    ]);
  });
  it('Istio 1.30 (Envoy 1.38): the same four in upstream_rq_active_overflow', () => {
    const s = clusterStats(text, '1.30');
    expect([s.upstream_rq_pending_overflow, s.upstream_rq_active_overflow, s.upstream_rq_503]).toEqual([
      0, 4, 4,
    ]);
  });
});

describe('circuit-breaker remaining_* gauges: tracked before Istio 1.29 (DISABLE_TRACK_REMAINING_CB_METRICS)', () => {
  const text = overflow(
    '{connectionPool: {http: {http2MaxRequests: 3, maxRetries: 2}, tcp: {maxConnections: 7}}}',
  );
  it('Istio 1.28: the four gauges, each the full limit once the requests are done', () => {
    const s = clusterStats(text, '1.28');
    expect([
      s['circuit_breakers.default.remaining_cx'],
      s['circuit_breakers.default.remaining_pending'],
      s['circuit_breakers.default.remaining_rq'],
      s['circuit_breakers.default.remaining_retries'],
    ]).toEqual([7 - s.upstream_cx_active!, 4294967295, 3, 2]);
  });
  it('Istio 1.29: none of them', () => {
    const s = clusterStats(text, '1.29');
    expect(Object.keys(s).filter((k) => k.includes('remaining'))).toEqual([]);
  });
});

/** A client in zone-a calls api: one pod in zone-a (api-a), one in zone-b (api-b); no DestinationRule. */
const zones = (td: string, version: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: td}
spec:
  duration: 10s
  seed: 11
  istio: {version: "${version}"}
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
  workloads:
    default/api-a: {zones: [zone-a], latency: 1ms}
    default/api-b: {zones: [zone-b], latency: 1ms}
  traffic:
    - {name: client, zones: [zone-a], rate: 200/s, requests: [{url: "http://api/"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}], trafficDistribution: ${td}}
${deployment('api-a', 'app: api, pod: a')}${deployment('api-b', 'app: api, pod: b')}`;

const byWorkload = (text: string) => {
  const r = runScenario(load(text).loaded!);
  const out: Record<string, number> = {};
  for (const s of r.istio)
    if (s.labels.reporter === 'destination')
      out[s.labels.destination_workload!] = (out[s.labels.destination_workload!] ?? 0) + s.count;
  return out;
};

describe('Service trafficDistribution: a forced failover by locality, without outlier detection', () => {
  it('PreferClose: ignored by Istio 1.24 sidecars (both zones), honoured since 1.25 (zone-a only)', () => {
    const old = byWorkload(zones('PreferClose', '1.24'));
    expect(old['api-a']! > 0 && old['api-b']! > 0).toBe(true);
    const now = byWorkload(zones('PreferClose', '1.25'));
    expect(now['api-b']).toBeUndefined();
    expect(now['api-a']).toBe(old['api-a']! + old['api-b']!);
  });

  it('PreferSameZone: ignored by 1.26 (MSIM3103), honoured since 1.27', () => {
    const l = loadScenarioFromTexts({ file: 's.yaml', text: zones('PreferSameZone', '1.26') }, []);
    expect(l.diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(
        /s\.yaml:\d+:\d+ warning MSIM3103 Istio 1\.26 sidecars ignore trafficDistribution PreferSameZone \(honoured since Istio 1\.27\)/,
      ),
    );
    const old = byWorkload(zones('PreferSameZone', '1.26'));
    expect(old['api-a']! > 0 && old['api-b']! > 0).toBe(true);
    const now = byWorkload(zones('PreferSameZone', '1.27'));
    expect(now['api-b']).toBeUndefined();
  });
});

describe('spec.istio.version and the result', () => {
  it('the scenario names the version; the Result and the text report say which one was assumed', () => {
    const l = load(
      overflow('{connectionPool: {http: {http2MaxRequests: 1}}}', '  istio: {version: "1.27"}\n'),
    );
    expect(l.loaded!.config.istio!.version).toBe('1.27');
    const r = runScenario(l.loaded!);
    expect(r.versions).toEqual({ istio: '1.27', envoy: '1.35' });
  });

  it('the caller (--istio-version) wins over the file', () => {
    const l = load(
      overflow('{connectionPool: {http: {http2MaxRequests: 1}}}', '  istio: {version: "1.27"}\n'),
      '1.30',
    );
    expect(l.loaded!.config.istio!.version).toBe('1.30');
  });

  it.each([
    ['"1.23"', 'Istio version "1.23" is not supported; supported: 1.24'],
    ['1.3', 'expected the Istio version as a string, got the number 1.3 (quote it'],
  ])('version %s is MSIM3100 at spec.istio.version', (v, msg) => {
    const text = overflow('{connectionPool: {http: {http2MaxRequests: 1}}}', `  istio: {version: ${v}}\n`);
    const r = loadScenarioFromTexts({ file: 's.yaml', text }, []);
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringContaining(`s.yaml:7:20 error MSIM3100 ${msg}`),
    );
  });

  it('MeshConfig defaultTrafficPolicy: MSIM3102 and dropped under 1.30, applied under 1.31', () => {
    const mc = '  meshConfig: {defaultTrafficPolicy: {connectionPool: {http: {http2MaxRequests: 1}}}}\n';
    const old = loadScenarioFromTexts(
      { file: 's.yaml', text: overflow('{tls: {mode: ISTIO_MUTUAL}}', `  istio: {version: "1.30"}\n${mc}`) },
      [],
    );
    expect(old.diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringContaining('s.yaml:8:16 warning MSIM3102'),
    );
    expect(old.loaded!.scenario.meshConfig!.defaultTrafficPolicy).toEqual({});
    expect(runScenario(old.loaded!).clusters[0]!.stats.upstream_rq_pending_overflow).toBe(0);
    const now = load(overflow('{tls: {mode: ISTIO_MUTUAL}}', `  istio: {version: "1.31"}\n${mc}`));
    expect(now.loaded!.scenario.meshConfig!.defaultTrafficPolicy.connectionPool!.http.http2MaxRequests).toBe(
      1,
    );
  });
});
