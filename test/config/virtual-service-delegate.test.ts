import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMesh, type Diagnostic, loadManifests, type MeshConfig } from '../../src/config/index.js';
import {
  hasConflict,
  mergeHttpMatchRequests,
  mergeHttpRoute,
  stringMatchConflict,
} from '../../src/config/resolve/virtual-service-delegate.js';
import type { HttpRequest } from '../../src/envoy/index.js';
import type { RouteAction, RouteEntry } from '../../src/envoy/router/index.js';
import { buildRouteTable } from '../../src/mesh/control-plane/route-config.js';
import { Pod } from '../../src/mesh/pod.js';

/**
 * Delegate VirtualServices against istiod's merge (pilot/pkg/model/virtualservice.go MergeHTTPRoutes,
 * mergeHTTPMatchRequests, hasConflict, stringMatchConflict; virtualservice_controller.go
 * mergeVirtualServices) and the webhook (pkg/config/validation/virtualservice.go
 * validateHTTPRouteConflict, validation.go ValidateVirtualService). The merge cases mirror the cases of
 * Istio's virtualservice_test.go TestMergeHttpRoutes / TestHasConflict, written anew.
 */

const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: productpage, namespace: front}
spec:
  selector: {app: productpage}
  ports: [{port: 9080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: pp-v1, namespace: team}
spec:
  selector: {app: productpage, version: v1}
  ports: [{port: 9080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: pp-v2, namespace: team}
spec:
  selector: {app: productpage, version: v2}
  ports: [{port: 9080, name: http}]
`;

const root = (http: string, name = 'root') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: front}
spec:
  hosts: [productpage]
  http:
${http}`;

const delegate = (http: string, extra = '', name = 'pp', ns = 'team') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}  http:
${http}`;

const DELEGATE = delegate(`  - name: v1
    match: [{uri: {prefix: /productpage/v1}}]
    route: [{destination: {host: pp-v1}}]
  - match: [{uri: {prefix: /productpage/v2}, headers: {version: {exact: v2}}}]
    timeout: 2s
    route: [{destination: {host: pp-v2}}]
  - route: [{destination: {host: pp-v1}}]`);

function loadAll(...texts: string[]): { config: MeshConfig; diagnostics: Diagnostic[] } {
  return loadManifests(texts.map((text, i) => ({ file: `m${i}.yaml`, text })));
}
function load(...texts: string[]): MeshConfig {
  const { config, diagnostics } = loadAll(...texts);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  return config;
}
const pod = new Pod(
  'c-0',
  'front',
  { app: 'c' },
  { region: 'r', zone: 'z', subZone: '' },
  '10.0.0.1',
  'front/c',
);
const req = (path: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'GET',
  scheme: 'http',
  authority: 'productpage:9080',
  path,
  headers: new Map(Object.entries(headers)),
  port: 9080,
});
function entry(a: RouteAction | null): RouteEntry {
  if (a === null || a.kind !== 'route') throw new Error(`expected a route, got ${a?.kind ?? 'no route'}`);
  return a;
}
const cluster = (a: RouteAction | null) =>
  entry(a)
    .clusters.map((c) => c.name)
    .join(',');
const brief = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.path ?? ''} ${d.message}`);

describe('stringMatchConflict / hasConflict (a delegate match must be a subset of a root match)', () => {
  it.each([
    [{ exact: '/a' }, { exact: '/a' }, false],
    [{ exact: '/a' }, { exact: '/b' }, true],
    [{ exact: '/a' }, { prefix: '/a' }, true],
    [{ prefix: '/a' }, { prefix: '/a/b' }, false],
    [{ prefix: '/a/b' }, { prefix: '/a' }, true],
    [{ prefix: '/a' }, { exact: '/a/x' }, false],
    [{ prefix: '/a' }, { exact: '/b' }, true],
    [{ regex: '/a.*' }, { prefix: '/a' }, true],
    [{ prefix: '/a' }, { regex: '/a.*' }, true],
    [{ regex: '/a.*' }, { regex: '/a.*' }, true],
    [{ regex: '/a.*' }, {}, true],
    [{}, { exact: 'x' }, true],
    [undefined, { regex: '.*' }, false],
    [{ regex: '.*' }, undefined, false],
  ])('root %j, delegate %j → conflict %s', (r, l, want) => {
    expect(stringMatchConflict(r, l)).toBe(want);
  });
  it('ports, ignoreUriCase, sourceNamespace, sourceLabels and gateways', () => {
    expect(hasConflict({ port: 8080 }, { port: 9080 })).toBe(true);
    expect(hasConflict({ port: 8080 }, {})).toBe(false);
    expect(hasConflict({ ignoreUriCase: true }, {})).toBe(true);
    expect(hasConflict({ sourceNamespace: 'a' }, { sourceNamespace: 'b' })).toBe(true);
    expect(hasConflict({ sourceNamespace: 'a' }, {})).toBe(true);
    expect(hasConflict({ sourceLabels: { app: 'a' } }, { sourceLabels: { app: 'b' } })).toBe(true);
    expect(hasConflict({ sourceLabels: { app: 'a' } }, { sourceLabels: { v: '1' } })).toBe(false);
    expect(hasConflict({ gateways: ['g1'] }, { gateways: ['g1', 'g2'] })).toBe(true);
    expect(hasConflict({ gateways: ['g1', 'g2'] }, { gateways: ['g2'] })).toBe(false);
    expect(hasConflict({ headers: { v: { exact: '1' } } }, { headers: { v: { exact: '2' } } })).toBe(true);
    expect(hasConflict({ headers: { v: { exact: '1' } } }, { headers: { w: { exact: '2' } } })).toBe(false);
  });
});

describe('mergeHTTPRoute / mergeHTTPMatchRequests', () => {
  it('root catch-all: the delegate matches stay, the root timeout and headers fill the unset fields', () => {
    const m = mergeHttpRoute(
      { timeout: '10s', headers: { request: { add: { istio: 'test' } } }, delegate: { name: 'd' } },
      { match: [{ uri: { prefix: '/productpage/v1' } }], route: [{ destination: { host: 'v1' } }] },
    );
    expect(m).toEqual({
      match: [{ uri: { prefix: '/productpage/v1' } }],
      route: [{ destination: { host: 'v1' } }],
      timeout: '10s',
      headers: { request: { add: { istio: 'test' } } },
    });
  });
  it("delegate without match takes the root's; the root port joins every merged match", () => {
    const rootMatch = [{ uri: { prefix: '/productpage' }, port: 8080 }];
    expect(mergeHttpMatchRequests(rootMatch, [])).toEqual(rootMatch);
    expect(mergeHttpMatchRequests(rootMatch, [{ headers: { version: { exact: 'v2' } } }])).toEqual([
      { uri: { prefix: '/productpage' }, port: 8080, headers: { version: { exact: 'v2' } } },
    ]);
  });
  it('one delegate match merged with each compatible root match (multiple header merge)', () => {
    const out = mergeHttpMatchRequests(
      [{ headers: { h1: { regex: 'regex' } } }, { headers: { h2: { exact: 'exact' } } }],
      [{ uri: { prefix: '/' } }],
    );
    expect(out).toEqual([
      { uri: { prefix: '/' }, headers: { h1: { regex: 'regex' } } },
      { uri: { prefix: '/' }, headers: { h2: { exact: 'exact' } } },
    ]);
  });
  it('one delegate match fitting no root match drops the whole delegate rule', () => {
    expect(
      mergeHttpRoute(
        { match: [{ uri: { prefix: '/a' } }] },
        { match: [{ uri: { prefix: '/a/x' } }, { uri: { prefix: '/b' } }], route: [] },
      ),
    ).toBeUndefined();
  });
  it('the delegate keeps what it sets (timeout, mirrors); names join root-delegate', () => {
    const m = mergeHttpRoute(
      { name: 'root', timeout: '10s', mirrors: [{ destination: { host: 'm3' } }] },
      { name: 'sub', timeout: '2s', mirrors: [{ destination: { host: 'm1' } }] },
    );
    expect(m).toMatchObject({ name: 'root-sub', timeout: '2s', mirrors: [{ destination: { host: 'm1' } }] });
    expect(mergeHttpRoute({ name: 'root' }, {})?.name).toBe('root');
    expect(mergeHttpRoute({}, { name: 'sub' })?.name).toBe('sub');
  });
});

describe('delegate VirtualServices in the route table', () => {
  it('merges the delegate into the root; destinations resolve in the delegate namespace', () => {
    const config = load(
      SERVICES,
      root(`  - match: [{uri: {prefix: /productpage}}]
    timeout: 10s
    retries: {attempts: 5, retryOn: 5xx}
    delegate: {name: pp, namespace: team}
  - route: [{destination: {host: productpage}}]`),
      DELEGATE,
    );
    const t = buildRouteTable(config, config.services, pod, 9080);
    const v1 = entry(t.route(req('/productpage/v1/x')));
    expect(v1.clusters[0]!.name).toBe('outbound|9080||pp-v1.team.svc.cluster.local');
    expect(v1.timeoutMs).toBe(10_000);
    expect(v1.retryPolicy?.numRetries).toBe(5);
    // The delegate's own timeout wins; its header match is ANDed with the root's uri prefix.
    const v2 = entry(t.route(req('/productpage/v2', { version: 'v2' })));
    expect(v2.clusters[0]!.name).toBe('outbound|9080||pp-v2.team.svc.cluster.local');
    expect(v2.timeoutMs).toBe(2000);
    // The delegate's catch-all becomes "/productpage" (the root's match), not "/".
    expect(cluster(t.route(req('/productpage/v2')))).toBe('outbound|9080||pp-v1.team.svc.cluster.local');
    expect(cluster(t.route(req('/other')))).toBe('outbound|9080||productpage.front.svc.cluster.local');
    const vs = config.virtualServices.find((v) => v.meta.name === 'root')!;
    expect(vs.http.map((r) => r.name ?? '')).toEqual(['v1', '', '', '']);
    expect(vs.writtenHttp).toHaveLength(2);
    expect(analyzeMesh(config).filter((d) => d.code.startsWith('MSIM30') || d.code === 'IST0101')).toEqual(
      [],
    );
  });

  it('a conflicting delegate rule is dropped (MSIM3070 at the delegate rule)', () => {
    const config = load(
      SERVICES,
      root(`  - match: [{uri: {prefix: /productpage/v1}}]
    delegate: {name: pp, namespace: team}`),
      DELEGATE,
    );
    const t = buildRouteTable(config, config.services, pod, 9080);
    // Rule 1 (/productpage/v2) fits no root match and is gone; rule 2 (no match) took the root's.
    expect(config.virtualServices.find((v) => v.meta.name === 'root')!.http).toHaveLength(2);
    expect(t.route(req('/productpage/v2', { version: 'v2' }))).toBeNull();
    const ds = analyzeMesh(config).filter((d) => d.code === 'MSIM3070');
    expect(ds.map((d) => [d.name, d.path, d.line])).toEqual([['pp', 'spec.http[1].match', 10]]);
  });

  it('missing, host-bearing and not-exported delegates drop only that rule', () => {
    const others = root(`  - match: [{uri: {prefix: /a}}]
    delegate: {name: nope}
  - match: [{uri: {prefix: /b}}]
    delegate: {name: hosted, namespace: team}
  - match: [{uri: {prefix: /c}}]
    delegate: {name: private, namespace: team}
  - route: [{destination: {host: productpage}}]`);
    const hosted = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hosted, namespace: team}
spec:
  hosts: [pp-v1]
  http: [{route: [{destination: {host: pp-v1}}]}]`;
    const priv = delegate(`  - route: [{destination: {host: pp-v2}}]`, '  exportTo: ["."]\n', 'private');
    const config = load(SERVICES, others, hosted, priv);
    const t = buildRouteTable(config, config.services, pod, 9080);
    for (const p of ['/a', '/b', '/c'])
      expect(cluster(t.route(req(p)))).toBe('outbound|9080||productpage.front.svc.cluster.local');
    const ds = analyzeMesh(config).filter((d) => d.name === 'root');
    expect(brief(ds)).toEqual([
      'IST0101 spec.http[0].delegate Referenced delegate virtual service not found: "front/nope"',
      expect.stringMatching(/^IST0101 spec.http\[1\].delegate .*"team\/hosted" \(it has hosts/),
      expect.stringMatching(/^MSIM3071 spec.http\[2\].delegate delegate team\/private is not exported/),
    ]);
    // exportTo naming the root namespace makes it visible.
    const shared = delegate(`  - route: [{destination: {host: pp-v2}}]`, '  exportTo: [front]\n', 'private');
    const c2 = load(SERVICES, others, hosted, shared);
    expect(cluster(buildRouteTable(c2, c2.services, pod, 9080).route(req('/c')))).toBe(
      'outbound|9080||pp-v2.team.svc.cluster.local',
    );
  });

  it('a root directResponse applies to delegate rules that set none, and wins over their route (translateRoute order); unreferenced delegates are MSIM3072', () => {
    const config = load(
      SERVICES,
      root(`  - directResponse: {status: 418}
    delegate: {name: pp, namespace: team}`),
      delegate(`  - match: [{uri: {exact: /tea}}]
    route: [{destination: {host: pp-v1}}]`),
      delegate(`  - route: [{destination: {host: pp-v1}}]`, '', 'orphan'),
    );
    const a = buildRouteTable(config, config.services, pod, 9080).route(req('/tea'));
    expect(a?.kind === 'direct-response' && a.status).toBe(418);
    expect(brief(analyzeMesh(config).filter((d) => d.code === 'MSIM3072'))).toEqual([
      expect.stringContaining('delegate VirtualService team/orphan (no hosts) is not referenced'),
    ]);
  });
});

describe("istio.io's Delegate example (test/fixtures/config/delegates)", () => {
  const text = readFileSync('test/fixtures/config/delegates/bookinfo-delegates.yaml', 'utf8');
  it('loads and analyses without findings, and routes through both delegates', () => {
    const { config, diagnostics } = loadAll(text);
    expect(brief([...diagnostics, ...analyzeMesh(config)])).toEqual([]);
    const t = buildRouteTable(config, config.services, pod, 80);
    const r = (path: string) => ({ ...req(path), authority: 'bookinfo.com', port: 80 });
    expect(cluster(t.route(r('/productpage/v1/x')))).toBe('outbound|9080||productpage.nsa.svc.cluster.local');
    expect(cluster(t.route(r('/productpage')))).toBe('outbound|9080||productpage.nsa.svc.cluster.local');
    const v2 = entry(t.route(r('/reviews/v2')));
    expect(v2.clusters[0]!.name).toBe('outbound|9080|v2|reviews.nsb.svc.cluster.local');
    expect(v2.timeoutMs).toBe(3000);
    expect(cluster(t.route(r('/reviews')))).toBe('outbound|9080|v1|reviews.nsb.svc.cluster.local');
    // The delegate's catch-all took the root's prefix: other paths have no route (404 NR).
    expect(t.route(r('/other'))).toBeNull();
  });
});

describe('analysis of delegates as written', () => {
  it('IST0130 VirtualServiceUnreachableRule inside a delegate, as the webhook analyses it', () => {
    const config = load(
      SERVICES,
      root(`  - delegate: {name: pp, namespace: team}`),
      delegate(`  - route: [{destination: {host: pp-v1}}]
  - route: [{destination: {host: pp-v2}}]`),
    );
    expect(
      analyzeMesh(config)
        .filter((d) => d.code === 'IST0130')
        .map((d) => [d.name, d.path, d.message]),
    ).toEqual([
      ['pp', 'spec.http[1]', 'VirtualService rule #1 not used (only the last rule can have no matches).'],
    ]);
  });

  it("MSIM1040: a delegate rule whose delegate ends in a catch-all shadows the root's later rules", () => {
    const shadowed = load(
      SERVICES,
      root(`  - delegate: {name: pp, namespace: team}
  - match: [{uri: {prefix: /x}}]
    route: [{destination: {host: productpage}}]`),
      DELEGATE,
    );
    expect(
      analyzeMesh(shadowed)
        .filter((d) => d.code === 'MSIM1040')
        .map((d) => [d.name, d.path]),
    ).toEqual([['root', 'spec.http[1]']]);
    // With a root match the delegate's catch-all becomes "/productpage": nothing is shadowed.
    const scoped = load(
      SERVICES,
      root(`  - match: [{uri: {prefix: /productpage}}]
    delegate: {name: pp, namespace: team}
  - route: [{destination: {host: productpage}}]`),
      DELEGATE,
    );
    expect(analyzeMesh(scoped).filter((d) => d.code === 'MSIM1040')).toEqual([]);
  });

  it("a delegate's unknown destination is IST0101 once, at the delegate (not again on the merged root)", () => {
    const config = load(
      SERVICES,
      root(`  - delegate: {name: pp, namespace: team}`),
      delegate(`  - route: [{destination: {host: nowhere}}]`),
    );
    const ds = analyzeMesh(config).filter((d) => d.code === 'IST0101');
    expect(ds.map((d) => [d.file, d.name, d.path, d.message])).toEqual([
      [
        'm2.yaml',
        'pp',
        'spec.http[0].route[0].destination.host',
        'Referenced host not found: "nowhere.team.svc.cluster.local"',
      ],
    ]);
  });
});

describe('delegate validation (validateHTTPRouteConflict, ValidateVirtualService)', () => {
  const errs = (...t: string[]) =>
    brief(loadAll(...t).diagnostics.filter((d) => d.severity === 'error' || d.code === 'MSIM0011'));
  it('a root rule must not specify route or redirect; directResponse is allowed', () => {
    expect(
      errs(
        root(`  - name: r
    delegate: {name: pp, namespace: team}
    route: [{destination: {host: productpage}}]
  - delegate: {name: pp, namespace: team}
    redirect: {uri: /x}
  - delegate: {name: pp, namespace: team}
    directResponse: {status: 404}`),
      ),
    ).toEqual([
      'IST0106 spec.http[0].route root HTTP route r must not specify route',
      'IST0106 spec.http[1].redirect root HTTP route  must not specify redirect',
    ]);
  });
  it('a delegate has no gateways, tcp or tls, and its rules do not delegate again (one level)', () => {
    expect(
      errs(
        delegate(
          `  - delegate: {name: other}
  - route: [{destination: {host: pp-v1}}]
  tcp: [{route: [{destination: {host: pp-v1}}]}]`,
          '  gateways: [gw]\n',
        ),
      ),
    ).toEqual([
      'IST0106 spec.gateways delegate virtual service must have no gateways specified',
      'IST0106 spec.tcp delegate virtual service must have no tcp route specified',
      'IST0106 spec.http[0].delegate delegate HTTP route cannot contain delegate',
      'IST0106 spec.http[0] HTTP route, redirect or direct_response is required',
    ]);
  });
  it('a plain delegate loads without errors and without "not simulated"', () => {
    expect(errs(DELEGATE)).toEqual([]);
  });
});
