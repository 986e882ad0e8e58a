import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';
import { binomialBand } from '../support/run-model.js';

const MANIFESTS = `---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec: {selector: {app: echo}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo-b, namespace: default}
spec: {selector: {app: echo}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template: {metadata: {labels: {app: echo}}, spec: {containers: [{name: echo, image: echo}]}}
`;

function run(traffic: string, duration = '20s'): Result {
  const text = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: load}
spec:
  duration: ${duration}
  seed: 9
  workloads:
    default/echo: {concurrency: 256, latency: 10ms}
  traffic:
${traffic}
${MANIFESTS}`;
  const load = loadScenarioFromTexts({ file: 'load.yaml', text }, []);
  if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  return runScenario(load.loaded);
}

/** Poisson count with mean m lies within 4.5 standard deviations of it. */
function expectPoisson(count: number, mean: number): void {
  expect(Math.abs(count - mean)).toBeLessThan(4.5 * Math.sqrt(mean));
}

describe('open loop', () => {
  it('constant rate: Poisson count over the run, split over replicas', () => {
    const r = run('    - {name: c, replicas: 4, rate: 500/s, requests: [{url: "http://echo/"}]}');
    expectPoisson(r.clients[0]!.requests, 10_000);
    // `requests` counts the requests that finished; the few still in flight at the end are the rest.
    expect(r.conservation.started).toBe(r.clients[0]!.requests + r.conservation.inFlightAtEnd);
    expect(r.conservation.inFlightAtEnd).toBeLessThan(50);
  });

  it('steps: each step runs at its rate', () => {
    const r = run(
      '    - {name: c, rate: {steps: [{at: 0s, rate: 100/s}, {at: 10s, rate: 400/s}]}, requests: [{url: "http://echo/"}]}',
    );
    const s = r.series.clients.c!;
    const first = s.slice(0, 10).reduce((a, p) => a + p.requests, 0);
    const second = s.slice(10, 20).reduce((a, p) => a + p.requests, 0);
    expectPoisson(first, 1000);
    expectPoisson(second, 4000);
  });

  it('ramp: the count is the integral of the rate', () => {
    const r = run(
      '    - {name: c, rate: {ramp: {from: 0/s, to: 1000/s, over: 20s}}, requests: [{url: "http://echo/"}]}',
    );
    expectPoisson(r.clients[0]!.requests, 10_000); // triangle: 20 s x 1000/s / 2
    const s = r.series.clients.c!;
    expectPoisson(
      s.slice(0, 5).reduce((a, p) => a + p.requests, 0),
      625,
    ); // ∫0..5 of 50 t
  });

  it('request mix follows the weights (binomial band)', () => {
    // The 5 % template goes to a second Service over the same pods, so the split shows per service.
    const r = run(
      '    - {name: c, rate: 1000/s, requests: [{weight: 95, url: "http://echo/a"}, {weight: 5, url: "http://echo-b/b", method: POST}]}',
    );
    const n = r.clients[0]!.requests;
    const b = r.services.find((x) => x.host === 'echo-b.default.svc.cluster.local')!.requests;
    const a = r.services.find((x) => x.host === 'echo.default.svc.cluster.local')!.requests;
    expect(a + b).toBe(n);
    const band = binomialBand(n, 0.05);
    expect(b).toBeGreaterThan(band.low);
    expect(b).toBeLessThan(band.high);
  });
});

describe('closed loop (fortio -c N -qps Q -n COUNT)', () => {
  it('-n is exact, shared by the connections of all replicas', () => {
    const r = run(
      '    - {name: f, replicas: 2, connections: 5, count: 100, requests: [{url: "http://echo/"}]}',
    );
    expect(r.clients[0]!.requests).toBe(100);
    expect(r.conservation).toEqual({ started: 100, finished: 100, inFlightAtEnd: 0 });
  });

  it('-qps 0 keeps every connection busy: throughput = connections / latency', () => {
    const r = run('    - {name: f, connections: 4, requests: [{url: "http://echo/"}]}', '10s');
    // Each round trip is the 10 ms service time plus ~1-2 ms of sidecars and network.
    const perConnection = r.clients[0]!.requests / 4 / 10;
    expect(perConnection).toBeGreaterThan(1000 / 13);
    expect(perConnection).toBeLessThan(1000 / 10.5);
  });

  it('-qps paces the connections: 40 qps over 4 connections for 10 s is 400 requests', () => {
    const r = run('    - {name: f, connections: 4, qps: 40, requests: [{url: "http://echo/"}]}', '10s');
    expect(r.clients[0]!.requests).toBeGreaterThanOrEqual(396);
    expect(r.clients[0]!.requests).toBeLessThanOrEqual(404);
  });
});
