import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { binomialBand, runModel } from '../support/run-model.js';

/** Requests per backend: a subset of product-service (VirtualService) or a per-version Service (HTTPRoute). */
function perVersion(r: Result): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of r.services) {
    if (s.host.startsWith('product-service-v'))
      out[s.host.slice('product-service-'.length, 'product-service-'.length + 2)] = s.requests;
    else for (const [subset, v] of Object.entries(s.bySubset ?? {})) out[subset] = v.requests;
  }
  return out;
}

const clientCodes = (r: Result) => Object.fromEntries(r.clients.map((c) => [c.name, c.byStatus]));

describe('models/gateway-api: HTTPRoute versions route like their VirtualService versions (same seed)', () => {
  it('GAMMA traffic split (recipe step 3): the same requests per version and the same codes', async () => {
    const [gw, vs] = await Promise.all([
      runModel('models/gateway-api/traffic-split.scenario.yaml'),
      runModel('models/recipe/step03-traffic-split.scenario.yaml'),
    ]);
    expect(perVersion(gw)).toEqual(perVersion(vs));
    expect(perVersion(gw)).toEqual({ v1: 9051, v2: 2091 });
    expect(clientCodes(gw)).toEqual(clientCodes(vs));
    // Beta testers always reach v2; the rest split 90/10 (binomial band on the users' requests).
    const users = gw.clients.find((c) => c.name === 'users')!.requests;
    const beta = gw.clients.find((c) => c.name === 'beta-testers')!.requests;
    const band = binomialBand(users, 0.1);
    const v2FromUsers = perVersion(gw).v2! - beta;
    expect(v2FromUsers).toBeGreaterThan(band.low);
    expect(v2FromUsers).toBeLessThan(band.high);
  });

  it('circuit breaker (recipe step 7) behind a GAMMA route: identical pool statistics', async () => {
    const [gw, vs] = await Promise.all([
      runModel('models/gateway-api/circuit-breaker.scenario.yaml'),
      runModel('models/recipe/step07-circuit-breaker.scenario.yaml'),
    ]);
    const name = 'outbound|8080||backend-service.production.svc.cluster.local';
    const stats = (r: Result) => r.clusters.find((c) => c.name === name)!.stats;
    expect(clientCodes(gw)).toEqual({ fortio: { '200': 100 } });
    expect(stats(gw)).toEqual(stats(vs));
    expect(stats(gw).upstream_cx_max_requests).toBeGreaterThan(0);
  });

  it('ingress Gateway (automated shop-istio) and Istio Gateway + VirtualService: the same split and 404s', async () => {
    const [gw, vs] = await Promise.all([
      runModel('models/gateway-api/ingress-canary.scenario.yaml'),
      runModel('models/gateway-api/ingress-canary-virtualservice.scenario.yaml'),
    ]);
    expect(perVersion(gw)).toEqual(perVersion(vs));
    expect(perVersion(gw)).toEqual({ v1: 4775, v2: 883 });
    const users = (r: Result) => r.clients.find((c) => c.name === 'users')!;
    expect(users(gw).requests).toBe(users(vs).requests);
    // /health matches no rule of either: Envoy's 404 NR at the gateway.
    expect(users(gw).byStatus['404']).toBe(users(vs).byStatus['404']);
    expect(users(gw).byStatus['404']).toBe(305);
    // v2's 5 % 503s: which requests fail depends on the pods' order of arrival, so only the rate is
    // compared (binomial band on the requests v2 served).
    for (const r of [gw, vs]) {
      const band = binomialBand(perVersion(r).v2!, 0.05);
      const errors = users(r).byStatus['503'] ?? 0;
      expect(errors).toBeGreaterThan(band.low);
      expect(errors).toBeLessThan(band.high);
    }
  });
});
