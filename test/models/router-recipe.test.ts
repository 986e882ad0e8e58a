import { beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { buildRouteTable } from '../../src/mesh/control-plane/route-config.js';
import { Pod } from '../../src/mesh/pod.js';
import { rewritePath } from '../../src/envoy/router/index.js';
import { binomialBand, loadModel, runModel } from '../support/run-model.js';

/** Requests that reached a server pod (Istio's reporter=destination series), filtered by labels. */
function reached(r: Result, labels: Record<string, string>): number {
  let n = 0;
  for (const e of r.istio) {
    if (e.labels.reporter !== 'destination') continue;
    if (Object.entries(labels).every(([k, v]) => e.labels[k] === v)) n += e.count;
  }
  return n;
}

const client = (r: Result, name: string) => {
  const c = r.clients.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no client ${name}`);
  return c;
};

function expectWithin(x: number, band: { low: number; high: number }): void {
  expect(x).toBeGreaterThanOrEqual(band.low);
  expect(x).toBeLessThanOrEqual(band.high);
}

describe('recipe step 3: traffic split 90/10, beta testers always on v2', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step03-traffic-split.scenario.yaml');
  });

  it('sends every beta-tester request to v2', () => {
    expect(reached(r, { source_workload: 'beta-testers', destination_version: 'v1' })).toBe(0);
    expect(reached(r, { source_workload: 'beta-testers', destination_version: 'v2' })).toBeGreaterThan(900);
  });

  it('splits the other users 90/10 within the binomial band', () => {
    const v1 = reached(r, { source_workload: 'users', destination_version: 'v1' });
    const v2 = reached(r, { source_workload: 'users', destination_version: 'v2' });
    expect(v1 + v2).toBeGreaterThan(9000);
    expectWithin(v2, binomialBand(v1 + v2, 0.1));
    expect(client(r, 'users').successRate).toBe(1);
  });
});

describe('recipe step 4: header-based routing of reviews', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step04-header-routing.scenario.yaml');
  });

  it.each([
    ['jason', 'v2'],
    ['us-users', 'us-version'],
    ['eu-users', 'v1'], // x-region "eu-us-1": the regex us-.* must match the whole value
    ['mobile', 'mobile-optimized'],
    ['others', 'v1'], // end-user "jasonx" is not an exact match
  ])('%s reaches only %s', (source, version) => {
    const all = reached(r, { source_workload: source });
    expect(all).toBeGreaterThan(400);
    expect(reached(r, { source_workload: source, destination_version: version })).toBe(all);
  });
});

describe('recipe step 5: URI routing with rewrite', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step05-uri-routing.scenario.yaml');
  });

  it.each([
    ['v2-clients', 'api-service', 'v2'],
    ['admins', 'admin-service', 'v1'],
    ['api-clients', 'api-service', 'v1'],
    ['browsers', 'frontend-service', 'v1'],
  ])('%s reach only %s %s', (source, service, version) => {
    const all = reached(r, { source_workload: source });
    expect(all).toBeGreaterThan(400);
    expect(
      reached(r, { source_workload: source, destination_app: service, destination_version: version }),
    ).toBe(all);
    expect(client(r, source).successRate).toBe(1);
  });

  it('rewrites /v2/ to / on the way to api-service v2 (query kept)', async () => {
    const { config } = await loadModel('models/recipe/step05-uri-routing.scenario.yaml');
    const pod = new Pod(
      'v2-clients-0',
      'production',
      {},
      { region: 'r', zone: 'z', subZone: '' },
      '10.0.0.9',
      'production/v2-clients',
    );
    const table = buildRouteTable(config, config.services, pod, 80);
    const action = table.route({
      method: 'GET',
      scheme: 'http',
      authority: 'api.example.com',
      path: '/v2/users?id=7',
      headers: new Map(),
      port: 80,
    });
    if (action?.kind !== 'route') throw new Error('no route');
    expect(action.clusters.map((c) => c.name)).toEqual([
      'outbound|8080|v2|api-service.production.svc.cluster.local',
    ]);
    expect(rewritePath(action.pathRewrite!, '/v2/users?id=7')).toBe('/users?id=7');
    // No Service named api.example.com: the virtual host exists on port 80 only; on 8080 the name falls to
    // the catch-all virtual host (ALLOW_ANY: allow_any, Istio httproute.go buildCatchAllVirtualHost).
    expect(buildRouteTable(config, config.services, pod, 8080).virtualHost('api.example.com')?.name).toBe(
      'allow_any',
    );
  });
});

describe('recipe step 6: fault injection', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step06-fault-injection.scenario.yaml');
  });

  it('delays x-test-scenario: latency by 7 s (flag DI) and still answers 200', () => {
    const c = client(r, 'latency-tests');
    expect(c.requests).toBeGreaterThan(150);
    expect(c.byFlag.DI).toBe(c.requests);
    expect(c.byStatus['200']).toBe(c.requests);
    expect(c.latencyMs.min).toBeGreaterThanOrEqual(7000);
    expect(c.latencyMs.p50).toBeLessThan(7100);
  });

  it('aborts about half of x-test-scenario: error with 500 FI, which never reach a pod', () => {
    const c = client(r, 'error-tests');
    const aborted = c.byStatus['500'] ?? 0;
    expectWithin(aborted, binomialBand(c.requests, 0.5));
    expect(c.byFlag.FI).toBe(aborted);
    // Only the non-aborted requests reached payment-service, each exactly once (aborts are not retried).
    const ok = c.byStatus['200'] ?? 0;
    expect(Math.abs(reached(r, { source_workload: 'error-tests' }) - ok)).toBeLessThan(0.05 * ok);
  });

  it('aborts ~0.1 % of production traffic with 503 FI', () => {
    const c = client(r, 'production');
    expect(c.requests).toBeGreaterThan(90_000);
    const aborted = c.byStatus['503'] ?? 0;
    expectWithin(aborted, binomialBand(c.requests, 0.001));
    expect(c.byFlag.FI).toBe(aborted);
    expect(r.clusters.every((x) => (x.stats.upstream_rq_retry ?? 0) === 0)).toBe(true);
  });
});

describe('recipe step 8: retries turn transient upstream errors into successes', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step08-timeouts-retries.scenario.yaml');
  });

  it('external-api: 30 % transient 503s, 5 retries on 5xx → fails only when all 6 tries fail', () => {
    const c = client(r, 'external-callers');
    expect(c.requests).toBeGreaterThan(9000);
    const failed = c.byStatus['503'] ?? 0;
    expectWithin(failed, binomialBand(c.requests, 0.3 ** 6));
    expect(c.byFlag.URX ?? 0).toBe(failed);
    // Tries per request: 1 + 0.3 + ... + 0.3^5; the mean of n truncated-geometric counts (variance < 0.61).
    const tries = r.services.find((s) => s.host.startsWith('external-api.'))!.requests / c.requests;
    const expected = (1 - 0.3 ** 6) / (1 - 0.3);
    expect(Math.abs(tries - expected)).toBeLessThan(4.5 * Math.sqrt(0.61 / c.requests) + 0.01);
  });

  it('api-service: 20 % transient 503s, 3 retries → fails only when all 4 tries fail', () => {
    const c = client(r, 'api-callers');
    const failed = c.byStatus['503'] ?? 0;
    expectWithin(failed, binomialBand(c.requests, 0.2 ** 4));
    expect(c.successRate).toBeGreaterThan(0.99);
  });
});

describe('recipe step 9: 10 % mirrored to v2-test, fire-and-forget', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/recipe/step09-mirroring.scenario.yaml');
  });

  it('mirrors about 10 % of the traffic to v2-test', () => {
    const primary = reached(r, { source_workload: 'clients', destination_version: 'v1' });
    const mirrored = reached(r, { source_workload: 'clients', destination_version: 'v2-test' });
    expect(primary).toBeGreaterThan(9000);
    expectWithin(mirrored, binomialBand(primary, 0.1));
  });

  it("never shows v2-test's slow 500s to the clients", () => {
    const c = client(r, 'clients');
    expect(c.successRate).toBe(1);
    expect(c.latencyMs.p99).toBeLessThan(1500);
  });
});
