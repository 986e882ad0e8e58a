import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/config/scenario/fs-load.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { runScenario } from '../../src/run/index.js';
import { readFileSync } from 'node:fs';
import { binomialBand, runModel } from '../support/run-model.js';

/**
 * models/bookinfo: a Bookinfo-style mesh behind the istio-ingressgateway. External users get the 90/10
 * productpage canary from a gateway-only VirtualService; the in-mesh monitor bypasses it (MSIM3000).
 */
describe('models/bookinfo: the gateway canary', () => {
  it('golden: seed 16 gives these figures', async () => {
    const r = await runModel('models/bookinfo/gateway-canary.scenario.yaml');
    const users = r.clients.find((c) => c.name === 'external-users')!;
    const monitor = r.clients.find((c) => c.name === 'in-mesh-monitor')!;
    expect([users.requests, users.byStatus]).toEqual([5572, { '200': 5561, '503': 11 }]);
    expect([monitor.requests, monitor.byStatus]).toEqual([597, { '200': 592, '503': 5 }]);
    const gw = r.hops.filter((h) => h.source === 'istio-system/istio-ingressgateway');
    expect(gw.map((h) => [h.subset, h.requests, h.byStatus])).toEqual([
      ['v1', 5027, { '200': 5027 }],
      ['v2', 545, { '200': 534, '503': 11 }],
    ]);
  });

  it('the split is the VirtualService weights at the gateway, and pod counts for the monitor that bypasses it', async () => {
    const r = await runModel('models/bookinfo/gateway-canary.scenario.yaml', { seed: 3 });
    const users = r.clients.find((c) => c.name === 'external-users')!;
    const v2 = r.hops.find((h) => h.source === 'istio-system/istio-ingressgateway' && h.subset === 'v2')!;
    const band = binomialBand(users.requests, 0.1);
    expect(v2.requests).toBeGreaterThan(band.low);
    expect(v2.requests).toBeLessThan(band.high);
    // The monitor's sidecar has no VirtualService for productpage: LEAST_REQUEST over 2 v1 + 2 v2 pods.
    const seen = r.istio.filter(
      (s) => s.labels.reporter === 'destination' && s.labels.source_workload === 'in-mesh-monitor',
    );
    const byVersion = (v: string) =>
      seen.filter((s) => s.labels.destination_version === v).reduce((n, s) => n + s.count, 0);
    const total = byVersion('v1') + byVersion('v2');
    const half = binomialBand(total, 0.5);
    expect(byVersion('v2')).toBeGreaterThan(half.low);
    expect(byVersion('v2')).toBeLessThan(half.high);
  });

  it('validate reports the gateway-only VirtualService that in-mesh callers bypass, at spec.gateways', async () => {
    const l = await loadScenarioFile('models/bookinfo/gateway-canary.scenario.yaml');
    const d = l.diagnostics.filter((x) => x.code === 'MSIM3000');
    expect(d.map((x) => `${x.file}:${x.line}:${x.column}`)).toEqual([
      'models/bookinfo/networking.yaml:73:13',
    ]);
    expect(l.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });
});

/**
 * The shape of Istio's own samples/bookinfo networking files (a Gateway for host "*" on 8080 and a
 * VirtualService for "*" bound by its short name, exact and prefix matches to productpage:9080),
 * written out here over our platform and ingress gateway manifests.
 */
const ISTIO_STYLE = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: bookinfo}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {exact: /productpage}}, {uri: {prefix: /static}}, {uri: {exact: /login}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
`;

describe('Bookinfo as Istio ships its gateway files', () => {
  it('routes /productpage from any host through the gateway; other paths are 404 NR at the gateway', () => {
    const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: istio-style}
spec:
  duration: 10s
  seed: 2
  workloads:
    bookinfo/productpage-v1: {calls: [{url: "http://details:9080/details/0"}, {url: "http://reviews:9080/reviews/0"}]}
    bookinfo/productpage-v2: {calls: [{url: "http://details:9080/details/0"}, {url: "http://reviews:9080/reviews/0"}]}
  traffic:
    - name: users
      gateway: istio-system/istio-ingressgateway
      connections: 2
      count: 300
      requests:
        - {url: "http://203.0.113.7/productpage", weight: 2}
        - {url: "http://203.0.113.7/nothing"}
`;
    const l = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [
      { file: 'platform.yaml', text: readFileSync('models/bookinfo/platform.yaml', 'utf8') },
      { file: 'ingress-gateway.yaml', text: readFileSync('models/bookinfo/ingress-gateway.yaml', 'utf8') },
      { file: 'istio.yaml', text: ISTIO_STYLE },
    ]);
    // The gateway-bound "*" VirtualService is not a mesh route: no fan-out loop (MSIM2006), no IST0109.
    expect(l.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = runScenario(l.loaded!);
    const users = r.clients[0]!;
    expect(users.requests).toBe(300);
    const hops = r.hops.filter((h) => h.source === 'istio-system/istio-ingressgateway');
    const ok = hops.find((h) => h.service === 'productpage.bookinfo.svc.cluster.local')!;
    const nr = hops.find((h) => h.subset === '-')!;
    expect(ok.byStatus).toEqual({ '200': ok.requests });
    expect(nr.byFlag).toEqual({ NR: nr.requests });
    expect(ok.requests + nr.requests).toBe(300);
    const band = binomialBand(300, 1 / 3);
    expect(nr.requests).toBeGreaterThan(band.low);
    expect(nr.requests).toBeLessThan(band.high);
  });
});

describe("Istio's samples without the ingress gateway they select (istioctl installs it)", () => {
  const scenario = (gateway: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: as-shipped}
spec:
  duration: 5s
  traffic:
    - name: users
      gateway: ${gateway}
      connections: 1
      count: 50
      requests: [{url: "http://bookinfo.example.com/productpage"}]
`;
  const load = (gateway: string) =>
    loadScenarioFromTexts({ file: 's.yaml', text: scenario(gateway) }, [
      { file: 'platform.yaml', text: readFileSync('models/bookinfo/platform.yaml', 'utf8') },
      { file: 'istio.yaml', text: ISTIO_STYLE },
    ]);

  it('traffic naming istio-system/istio-ingressgateway gets the default profile gateway (MSIM3004 info)', () => {
    for (const ref of ['istio-system/istio-ingressgateway', 'istio-ingressgateway.istio-system']) {
      const l = load(ref);
      expect(l.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(
        l.diagnostics.filter((d) => d.code === 'MSIM3004').map((d) => `${d.line}:${d.column} ${d.path}`),
      ).toEqual(['8:16 spec.traffic[0].gateway']);
      const r = runScenario(l.loaded!);
      expect(r.clients[0]!.byStatus).toEqual({ '200': 50 });
      expect(r.hops.find((h) => h.source === 'istio-system/istio-ingressgateway')!.requests).toBe(50);
    }
  });

  it('any other missing gateway is an error (MSIM3002), and the Gateway selector finds no pod (IST0101)', () => {
    const l = load('istio-system/my-gateway');
    expect(l.loaded).toBeUndefined();
    expect(l.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([
      'IST0101',
      'MSIM3002',
    ]);
  });
});

describe('the size estimate counts what happens behind the gateway', () => {
  it('each request through the gateway costs its try plus the fan-out of what the gateway routes to (MSIM2006)', () => {
    const text = readFileSync('models/bookinfo/gateway-canary.scenario.yaml', 'utf8')
      .replace('duration: 30s', 'duration: 90s')
      .replace('rate: 200/s', 'rate: 1000000/s');
    const manifests = ['platform.yaml', 'ingress-gateway.yaml', 'networking.yaml'].map((f) => ({
      file: f,
      text: readFileSync(`models/bookinfo/${f}`, 'utf8'),
    }));
    const l = loadScenarioFromTexts({ file: 'models/bookinfo/s.yaml', text }, manifests);
    const over = l.diagnostics.filter((d) => d.code === 'MSIM2006');
    expect(over.map((d) => d.message.replace(/about [\d,]+ engine/, 'about N engine'))).toEqual([
      'the run would need about N engine events (90,001,800 requests, 4.0 upstream requests each); the limit is 2,000,000,000',
    ]);
  });
});
