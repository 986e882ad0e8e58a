import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests, type MeshConfig } from '../../../src/config/index.js';
import type { HttpRequest } from '../../../src/envoy/index.js';
import type { RouteAction, RouteEntry, RouteTable } from '../../../src/envoy/router/index.js';
import { buildRouteTable, RouteConfigs } from '../../../src/mesh/control-plane/route-config.js';
import { SidecarScopes } from '../../../src/mesh/control-plane/sidecar-scope.js';
import { Pod } from '../../../src/mesh/pod.js';

const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: production}
spec:
  selector: {app: reviews}
  ports: [{port: 9080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: multi, namespace: production}
spec:
  selector: {app: multi}
  ports: [{port: 8080, name: http}, {port: 9090, name: http-admin}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: production}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

function load(...texts: string[]): MeshConfig {
  const { config, diagnostics } = loadManifests(texts.map((text, i) => ({ file: `m${i}.yaml`, text })));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  return config;
}

const vs = (http: string, hosts = '[reviews]') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: production}
spec:
  hosts: ${hosts}
  http:
${http}`;

function pod(labels: Record<string, string> = { app: 'frontend' }, ns = 'production'): Pod {
  return new Pod('client-0', ns, labels, { region: 'r', zone: 'z', subZone: '' }, '10.0.0.1', `${ns}/client`);
}

function table(config: MeshConfig, port = 9080, p = pod()): RouteTable {
  return buildRouteTable(config, config.services, p, port);
}

const req = (
  authority: string,
  path = '/',
  headers: Record<string, string> = {},
  port = 9080,
): HttpRequest => ({
  method: 'GET',
  scheme: 'http',
  authority,
  path,
  headers: new Map(Object.entries(headers)),
  port,
});

function entry(a: RouteAction | null): RouteEntry {
  if (a === null || a.kind !== 'route')
    throw new Error(`expected a route entry, got ${a === null ? 'no route' : a.kind}`);
  return a;
}
const clusters = (a: RouteAction | null) => entry(a).clusters.map((c) => `${c.name}@${c.weight}`);

describe('VirtualService → Envoy routes (semantics §1.1-1.3)', () => {
  it('recipe step 3: beta-testers → v2; everyone else 90/10 over v1/v2', () => {
    const text = readFileSync('models/recipe/step03-traffic-split.yaml', 'utf8');
    const svc = readFileSync('models/recipe/step02-product-service.yaml', 'utf8');
    const t = table(load(svc, text), 8080);
    const host = 'product-service.production.svc.cluster.local';
    expect(
      clusters(t.route(req('product-service:8080', '/', { 'user-group': 'beta-testers' }, 8080))),
    ).toEqual([`outbound|8080|v2|${host}@1`]);
    const split = entry(t.route(req('product-service:8080', '/', {}, 8080)));
    expect(clusters(split)).toEqual([`outbound|8080|v1|${host}@90`, `outbound|8080|v2|${host}@10`]);
    expect(split.totalWeight).toBe(100);
  });

  it('first match wins; match blocks are ORed; nothing after a catch-all is emitted', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{headers: {a: {exact: "1"}}}, {uri: {prefix: /b}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]
  - match: [{uri: {prefix: /never}}]
    route: [{destination: {host: reviews, subset: v2}}]`),
      ),
    );
    const vh = t.virtualHost('reviews')!;
    expect(vh.routes).toHaveLength(3);
    expect(entry(t.route(req('reviews', '/x', { a: '1' }))).name).toBe('production/vs#0');
    expect(entry(t.route(req('reviews', '/b/c'))).name).toBe('production/vs#0');
    expect(entry(t.route(req('reviews', '/never'))).name).toBe('production/vs#1');
  });

  it('a host with a VirtualService gets no default route: an unmatched request is 404 (no route)', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{uri: {exact: /only}}]
    route: [{destination: {host: reviews}}]`),
      ),
    );
    expect(t.route(req('reviews', '/only?x=1'))).not.toBeNull();
    expect(t.route(req('reviews', '/other'))).toBeNull();
    // A host without a VirtualService keeps Istio's default route.
    const other = table(load(SERVICES), 8080);
    expect(entry(other.route(req('multi.production:8080', '/anything', {}, 8080))).name).toBe('default');
  });

  it('drops weight-0 destinations, ignores the weight of a single destination, keeps weights not summing to 100', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{uri: {prefix: /one}}]
    route: [{destination: {host: reviews, subset: v1}, weight: 30}]
  - match: [{uri: {prefix: /zero}}]
    route: [{destination: {host: reviews, subset: v1}, weight: 0}, {destination: {host: reviews, subset: v2}, weight: 100}]
  - route: [{destination: {host: reviews, subset: v1}, weight: 3}, {destination: {host: reviews, subset: v2}, weight: 1}]`),
      ),
    );
    const h = 'reviews.production.svc.cluster.local';
    expect(clusters(t.route(req('reviews', '/one')))).toEqual([`outbound|9080|v1|${h}@1`]);
    expect(clusters(t.route(req('reviews', '/zero')))).toEqual([`outbound|9080|v2|${h}@100`]);
    const e = entry(t.route(req('reviews', '/')));
    expect(e.totalWeight).toBe(4);
  });

  it('match.port and sourceLabels/sourceNamespace decide whether this proxy and listener get the route', () => {
    const config = load(
      SERVICES,
      vs(`  - match: [{port: 9999}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{sourceLabels: {app: canary-client}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{sourceNamespace: other, uri: {prefix: /}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]`),
    );
    const h = 'reviews.production.svc.cluster.local';
    expect(table(config).virtualHost('reviews')!.routes).toHaveLength(1);
    expect(clusters(table(config).route(req('reviews')))).toEqual([`outbound|9080|v1|${h}@1`]);
    const canary = table(config, 9080, pod({ app: 'canary-client', version: 'x' }));
    expect(clusters(canary.route(req('reviews')))).toEqual([`outbound|9080|v2|${h}@1`]);
  });

  it('a VirtualService that yields no route on this port leaves the service its default route', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{port: 9999}]
    route: [{destination: {host: reviews, subset: v2}}]`),
      ),
    );
    expect(entry(t.route(req('reviews'))).name).toBe('default');
  });

  it('destination port: explicit, else the only service port, else the listener port', () => {
    const config = load(
      SERVICES,
      vs(
        `  - match: [{uri: {prefix: /explicit}}]
    route: [{destination: {host: multi, port: {number: 9090}}}]
  - route: [{destination: {host: multi}}]`,
        '[multi]',
      ),
    );
    const h = 'multi.production.svc.cluster.local';
    const t = table(config, 8080);
    expect(clusters(t.route(req('multi:8080', '/explicit', {}, 8080)))).toEqual([`outbound|9090||${h}@1`]);
    expect(clusters(t.route(req('multi:8080', '/', {}, 8080)))).toEqual([`outbound|8080||${h}@1`]);
    expect(clusters(table(config, 9090).route(req('multi:9090', '/', {}, 9090)))).toEqual([
      `outbound|9090||${h}@1`,
    ]);
    const single = table(load(SERVICES, vs(`  - route: [{destination: {host: reviews}}]`, '[multi]')), 8080);
    expect(clusters(single.route(req('multi:8080', '/', {}, 8080)))).toEqual([
      'outbound|9080||reviews.production.svc.cluster.local@1',
    ]);
  });

  it('a VirtualService for a host that is not a service answers on port 80 only', () => {
    const config = load(SERVICES, vs(`  - route: [{destination: {host: reviews}}]`, '[api.example.com]'));
    expect(table(config, 80).route(req('api.example.com', '/', {}, 80))).not.toBeNull();
    // On 9080 the name is unknown: the catch-all virtual host (ALLOW_ANY) takes it, not the VirtualService.
    expect(table(config, 9080).route(req('api.example.com', '/', {}, 9080))?.name).toBe('allow_any');
  });

  it('withoutHeaders matches when the header is absent (treat_missing_header_as_empty)', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{withoutHeaders: {x-debug: {exact: "1"}}}]
    route: [{destination: {host: reviews, subset: v1}}]`),
      ),
    );
    expect(t.route(req('reviews'))).not.toBeNull();
    expect(t.route(req('reviews', '/', { 'x-debug': '0' }))).not.toBeNull();
    expect(t.route(req('reviews', '/', { 'x-debug': '1' }))).toBeNull();
  });

  it("retries: absent → Istio's default; attempts 0 → none; consistent hash on one destination drops previous_hosts", () => {
    const hashDr = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: multi, namespace: production}
spec:
  host: multi
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}`;
    const config = load(
      SERVICES,
      hashDr,
      vs(
        `  - match: [{uri: {prefix: /none}}]
    route: [{destination: {host: multi}}]
    retries: {attempts: 0}
  - route: [{destination: {host: multi}}]
    timeout: 2s`,
        '[multi]',
      ),
    );
    const t = table(config, 8080);
    expect(entry(t.route(req('multi:8080', '/none', {}, 8080))).retryPolicy).toBeNull();
    const d = entry(t.route(req('multi:8080', '/', {}, 8080)));
    expect(d.retryPolicy?.numRetries).toBe(2);
    expect(d.retryPolicy?.retryOn).toContain('connect-failure');
    expect(d.retryPreviousHosts).toBe(false);
    expect(d.hashPolicy).toEqual({ kind: 'header', name: 'x-user' });
    expect(d.timeoutMs).toBe(2000);
  });

  it('mirrors default to 100 %, explicit 0 % mirrors nothing; prefix rewrite remembers the matched prefix', () => {
    const t = table(
      load(
        SERVICES,
        vs(`  - match: [{uri: {prefix: /v2/}}]
    rewrite: {uri: /}
    route: [{destination: {host: reviews, subset: v1}}]
    mirror: {host: reviews, subset: v2}
  - route: [{destination: {host: reviews, subset: v1}}]
    mirror: {host: reviews, subset: v2}
    mirrorPercentage: {value: 0}`),
      ),
    );
    const a = entry(t.route(req('reviews', '/v2/x')));
    expect(a.mirrors).toEqual([
      { cluster: 'outbound|9080|v2|reviews.production.svc.cluster.local', percentage: 100 },
    ]);
    expect(a.pathRewrite).toEqual({ kind: 'prefix', replacement: '/', matchedPrefixLength: 4 });
    expect(entry(t.route(req('reviews', '/'))).mirrors).toEqual([]);
  });
});

describe('RouteConfigs: one table per route-relevant identity', () => {
  const SIDECAR = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: narrow, namespace: production}
spec:
  workloadSelector: {labels: {app: narrow}}
  egress: [{hosts: ["./multi.production.svc.cluster.local"]}]
`;
  const configs = (config: MeshConfig) =>
    new RouteConfigs(config, new SidecarScopes(config, config.services));

  it('workloads of a namespace share a table when no VirtualService matches on sourceLabels', () => {
    const config = load(SERVICES, vs('  - route: [{destination: {host: reviews, subset: v1}}]'), SIDECAR);
    const rc = configs(config);
    const a = rc.table(pod({ app: 'frontend' }), 9080);
    expect(rc.table(pod({ app: 'checkout', version: 'v9' }), 9080)).toBe(a);
    // Another port, another namespace and a workload a Sidecar selects each have their own.
    expect(rc.table(pod({ app: 'frontend' }), 8080)).not.toBe(a);
    expect(rc.table(pod({ app: 'frontend' }, 'other'), 9080)).not.toBe(a);
    const narrow = rc.table(pod({ app: 'narrow' }), 9080);
    expect(narrow).not.toBe(a);
    // Its Sidecar imports multi alone: reviews falls to the catch-all virtual host there.
    expect(narrow.virtualHost('reviews')!.name).toBe('allow_any');
    expect(a.virtualHost('reviews')!.name).not.toBe('allow_any');
  });

  it('with a sourceLabels match, workloads share a table only when they satisfy the same matches', () => {
    const config = load(
      SERVICES,
      vs(`  - match: [{sourceLabels: {app: canary-client}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]`),
    );
    const rc = configs(config);
    const h = 'reviews.production.svc.cluster.local';
    const plain = rc.table(pod({ app: 'frontend' }), 9080);
    const canary = rc.table(pod({ app: 'canary-client', version: 'a' }), 9080);
    expect(canary).not.toBe(plain);
    expect(rc.table(pod({ app: 'canary-client', version: 'b' }), 9080)).toBe(canary);
    expect(rc.table(pod({ app: 'checkout' }), 9080)).toBe(plain);
    // Without the label at all it satisfies none either; in another namespace it has a table of its own.
    const none = rc.table(pod({ version: 'a' }), 9080);
    expect(none).toBe(plain);
    expect(rc.table(pod({ app: 'canary-client' }, 'other'), 9080)).not.toBe(canary);
    expect(clusters(canary.route(req('reviews')))).toEqual([`outbound|9080|v2|${h}@1`]);
    expect(clusters(plain.route(req('reviews')))).toEqual([`outbound|9080|v1|${h}@1`]);
    expect(clusters(none.route(req('reviews')))).toEqual([`outbound|9080|v1|${h}@1`]);
  });
});
