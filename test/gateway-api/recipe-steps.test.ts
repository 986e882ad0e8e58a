import { describe, expect, it } from 'vitest';
import { rewritePath } from '../../src/envoy/router/index.js';
import { buildRouteTable } from '../../src/mesh/control-plane/route-config.js';
import { Pod } from '../../src/mesh/pod.js';
import { binomialBand, loadModel } from '../support/run-model.js';
import { count, type RoutingOutcome, routingOutcome, sameRateBand } from './recipe-outcomes.js';

/**
 * The recipe's steps written with Gateway API resources route like their VirtualService versions: same
 * seed, same workloads and traffic, so every upstream try lands on the same pod with the same code.
 */
const both = (gatewayApi: string, recipe: string) =>
  Promise.all([
    routingOutcome(`models/gateway-api/${gatewayApi}`),
    routingOutcome(`models/recipe/${recipe}`),
  ]);

describe('recipe step 4 (header routing) as a GAMMA HTTPRoute', async () => {
  const [gw, vs] = await both(
    'header-routing/header-routing.scenario.yaml',
    'step04-header-routing.scenario.yaml',
  );

  it('every try reaches the same version with the same code as with the VirtualService', () => {
    expect(gw.tries).toEqual(vs.tries);
    expect(gw.clientCodes).toEqual(vs.clientCodes);
    expect(gw.served).toEqual(vs.served);
  });

  it.each([
    ['jason', 'reviews-v2'],
    ['us-users', 'reviews-us'],
    ['eu-users', 'reviews-v1'], // "eu-us-1": RegularExpression us-.* must match the whole value
    ['mobile', 'reviews-mobile'],
    ['others', 'reviews-v1'], // end-user "jasonx" is no Exact match of jason
  ])('%s reaches only %s', (client, pods) => {
    const all = count(gw, new RegExp(`^${client}-`));
    expect(all).toBeGreaterThan(400);
    expect(count(gw, new RegExp(`^${client}-.* -> ${pods} `))).toBe(all);
  });

  it('both spread v1 over its two pods alike (the pods differ per try: another cluster, another LB stream)', () => {
    for (const o of [gw, vs]) {
      const all = count(o, /-> reviews-v1-/, 'byPod');
      const band = binomialBand(all, 0.5);
      const pod0 = count(o, /-> reviews-v1-[a-z0-9]+-0 /, 'byPod');
      expect(pod0).toBeGreaterThan(band.low);
      expect(pod0).toBeLessThan(band.high);
    }
  });
});

describe('recipe step 5 (URI routing) as an HTTPRoute with a ServiceEntry parent for api.example.com', async () => {
  const [gw, vs] = await both('uri-routing/uri-routing.scenario.yaml', 'step05-uri-routing.scenario.yaml');

  it('every try reaches the same workload with the same code as with the VirtualService', () => {
    expect(gw.tries).toEqual(vs.tries);
    expect(gw.clientCodes).toEqual(vs.clientCodes);
    expect(gw.served).toEqual(vs.served);
  });

  it.each([
    ['v2-clients', 'api-service-v2'],
    ['admins', 'admin-service-v1'],
    ['api-clients', 'api-service-v1'],
    ['browsers', 'frontend-service-v1'],
  ])('%s reach only %s', (client, workload) => {
    const all = count(gw, new RegExp(`^${client}-`));
    expect(all).toBeGreaterThan(400);
    expect(count(gw, new RegExp(`^${client}-.* -> ${workload} try 200$`))).toBe(all);
  });

  it.each([
    ['/v2/users?id=7', '/users?id=7', 'api-service-v2'],
    ['/v2', '/', 'api-service-v2'], // a path-separated prefix: the recipe's prefix "/v2/" would not match
    ['/v2users', '/v2users', 'frontend-service'],
    ['/admin/settings', '/admin/settings', 'admin-service'],
  ])('%s is sent as %s to %s', async (path, sent, service) => {
    const { config } = await loadModel('models/gateway-api/uri-routing/uri-routing.scenario.yaml');
    const pod = new Pod(
      'v2-clients-0',
      'production',
      {},
      { region: 'r', zone: 'z', subZone: '' },
      '10.0.0.9',
      'production/v2-clients',
    );
    const table = buildRouteTable(config, config.services, pod, 80);
    const request = {
      method: 'GET',
      scheme: 'http' as const,
      authority: 'api.example.com',
      path,
      headers: new Map(),
      port: 80,
    };
    const action = table.route(request);
    if (action?.kind !== 'route') throw new Error('no route');
    expect(action.clusters.map((c) => c.name)).toEqual([
      `outbound|8080||${service}.production.svc.cluster.local`,
    ]);
    expect(action.pathRewrite ? rewritePath(action.pathRewrite, path) : path).toBe(sent);
  });
});

describe('recipe step 8 (timeouts, retries) as GAMMA HTTPRoutes with GEP-1731 retry', async () => {
  const [gw, vs] = await both(
    'timeouts-retries/timeouts-retries.scenario.yaml',
    'step08-timeouts-retries.scenario.yaml',
  );
  const callers = (o: RoutingOutcome, name: string) => o.result.clients.find((c) => c.name === name)!;

  // Which requests fail is drawn by the apps in arrival order, and the api-service v1 pods are picked from
  // another LB stream (another cluster name), so the runs agree in kind and rate, not try for try.
  it('the same kinds of tries: each caller reaches only its version, retries and mirrors as with the VirtualServices', () => {
    expect(Object.keys(gw.tries).sort()).toEqual(Object.keys(vs.tries).sort());
    expect(Object.keys(gw.tries).sort()).toEqual([
      'api-callers-0 -> api-service-v1 retry 200',
      'api-callers-0 -> api-service-v1 retry 503',
      'api-callers-0 -> api-service-v1 try 200',
      'api-callers-0 -> api-service-v1 try 503',
      'api-callers-0 -> api-service-v2-test mirror 200',
      'external-callers-0 -> external-api-v1 retry 200',
      'external-callers-0 -> external-api-v1 retry 503',
      'external-callers-0 -> external-api-v1 try 200',
      'external-callers-0 -> external-api-v1 try 503',
    ]);
    expect(callers(gw, 'external-callers').requests).toBe(callers(vs, 'external-callers').requests);
  });

  it.each([
    ['external-callers', 0.3, 5],
    ['api-callers', 0.2, 3],
  ])(
    '%s: first tries fail at the app rate %d and the retries rescue all but p^(%d+1), in both',
    (name, p, attempts) => {
      for (const o of [gw, vs]) {
        const n = callers(o, name).requests;
        const first503 = count(o, new RegExp(`^${name}-.* try 503$`));
        const band = binomialBand(n, p);
        expect(first503).toBeGreaterThan(band.low);
        expect(first503).toBeLessThan(band.high);
        // Each failed first try is retried: a retry's own 503 is retried again until the attempts run out.
        const retries = count(o, new RegExp(`^${name}-.* retry `));
        expect(retries).toBeGreaterThanOrEqual(first503);
        const failed = callers(o, name).byStatus['503'] ?? 0;
        const fail = binomialBand(n, p ** (attempts + 1));
        expect(failed).toBeLessThan(fail.high);
        expect(failed + (callers(o, name).byStatus['200'] ?? 0)).toBe(n);
      }
      const d = Math.abs(
        count(gw, new RegExp(`^${name}-.* try 503$`)) - count(vs, new RegExp(`^${name}-.* try 503$`)),
      );
      expect(d).toBeLessThan(sameRateBand(callers(gw, name).requests, p));
    },
  );
});

describe('recipe step 9 (mirroring, with step 8 retries) as a GAMMA HTTPRoute with RequestMirror', async () => {
  const [gw, vs] = await both('mirroring/mirroring.scenario.yaml', 'step09-mirroring.scenario.yaml');
  const clients = (o: RoutingOutcome) => o.result.clients.find((c) => c.name === 'clients')!;

  it('every request reaches v1 and is answered 200 as with the VirtualService; only mirrors reach v2-test', () => {
    expect(gw.clientCodes).toEqual(vs.clientCodes);
    expect(clients(gw).byStatus).toEqual({ '200': clients(gw).requests });
    expect(count(gw, /-> api-service-v1 try 200$/)).toBe(count(vs, /-> api-service-v1 try 200$/));
    expect(Object.keys(gw.tries).sort()).toEqual([
      'clients-0 -> api-service-v1 try 200',
      'clients-0 -> api-service-v2-test mirror 500',
    ]);
    expect(Object.keys(vs.tries).sort()).toEqual(Object.keys(gw.tries).sort());
  });

  it('10 % of the requests are mirrored to v2-test in both (binomial band; the two within the band of a difference)', () => {
    const n = clients(gw).requests;
    const band = binomialBand(n, 0.1);
    for (const o of [gw, vs]) {
      const mirrored = count(o, /-> api-service-v2-test mirror /);
      expect(mirrored).toBeGreaterThan(band.low);
      expect(mirrored).toBeLessThan(band.high);
    }
    const d = Math.abs(count(gw, /mirror /) - count(vs, /mirror /));
    expect(d).toBeLessThan(sameRateBand(n, 0.1));
  });
});

describe('recipe step 10 (load balancing): GAMMA HTTPRoutes beside the step’s DestinationRules', () => {
  // The generated VirtualService routes to the Service's own cluster, so the cluster names, LB streams and
  // hence every draw are the VirtualService-less recipe run's: the same pod for every try.
  it.each([
    [
      'load-balancing/sticky-sessions.scenario.yaml',
      'step10-sticky-sessions.scenario.yaml',
      'database-service-v1',
    ],
    [
      'load-balancing/locality-distribute.scenario.yaml',
      'step10-locality-distribute.scenario.yaml',
      'api-service',
    ],
  ])('%s: every try reaches the same pod with the same code as %s', async (gwModel, recipe, pods) => {
    const [gw, vs] = await both(gwModel, recipe);
    expect(gw.byPod).toEqual(vs.byPod);
    expect(gw.clientCodes).toEqual(vs.clientCodes);
    expect(count(gw, new RegExp(`-> ${pods}-`), 'byPod')).toBeGreaterThan(5000);
  });

  it('sticky sessions: each user on one database pod while the pods are stable (consistentHash applies)', async () => {
    const gw = await routingOutcome('models/gateway-api/load-balancing/sticky-sessions.scenario.yaml');
    const podsOf = new Map<string, Set<string>>();
    for (const e of gw.events) {
      if (e.timeMs >= 30_000) continue;
      let s = podsOf.get(e.sidecar);
      if (s === undefined) podsOf.set(e.sidecar, (s = new Set()));
      s.add(e.pod);
    }
    expect(podsOf.size).toBe(12);
    for (const s of podsOf.values()) expect(s.size).toBe(1);
    expect(new Set([...podsOf.values()].map((s) => [...s][0])).size).toBe(3);
  });

  it('zone failover: the same failover, but per-try timeouts are not retried (GEP-1731 codes cannot say gateway-error)', async () => {
    const [gw, vs] = await both(
      'load-balancing/zone-failover.scenario.yaml',
      'step10-zone-failover.scenario.yaml',
    );
    // checkout's pods 0..5 are placed round-robin in us-east-1, us-east-2, us-west-1.
    const zoneOf = (pod: string) => ['us-east-1', 'us-east-2', 'us-west-1'][Number(pod.slice(-1)) % 3]!;
    const firstTriesByZone = (o: RoutingOutcome, fromMs: number, toMs: number) => {
      const z: Record<string, number> = {};
      for (const e of o.events)
        if (e.attempt === 1 && e.timeMs >= fromMs && e.timeMs < toMs)
          z[`${zoneOf(e.pod)} ${e.status}`] = (z[`${zoneOf(e.pod)} ${e.status}`] ?? 0) + 1;
      return z;
    };
    // The same failover: first tries per zone and code before, during and after the outage are the same
    // (which pod of a zone serves a try drifts once the retries differ; the zone does not).
    for (const [from, to] of [
      [0, 20_000],
      [20_000, 40_000],
      [40_000, 60_000],
    ] as const)
      expect(firstTriesByZone(gw, from, to)).toEqual(firstTriesByZone(vs, from, to));
    const during = firstTriesByZone(gw, 21_000, 40_000);
    expect(Object.keys(during)).toEqual(['us-east-2 200']);
    // Requests in flight to the dark zone's pods end at the 500 ms per-try timeout (504 UT), as many in both.
    const timedOut = count(vs, / try 504$/);
    expect(timedOut).toBe(16);
    expect(count(gw, / try 504$/)).toBe(timedOut);
    // Envoy retries a per-try timeout only under 5xx, gateway-error or reset (retry_state_impl.cc
    // wouldRetryFromReset): the VirtualService's gateway-error rescues them in us-east-2; the HTTPRoute's
    // retriable-status-codes 502/503/504 do not, so its clients get the 504s.
    expect(count(vs, /-> checkout-[a-z0-9]+-[14] retry 200$/, 'byPod')).toBe(
      count(gw, /-> checkout-[a-z0-9]+-[14] retry 200$/, 'byPod') + timedOut,
    );
    expect(vs.clientCodes).toEqual({ frontend: { '200': 11520 } });
    expect(gw.clientCodes).toEqual({ frontend: { '200': 11520 - timedOut, '504': timedOut } });
  });
});
