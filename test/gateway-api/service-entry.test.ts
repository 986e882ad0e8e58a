import { describe, expect, it } from 'vitest';
import { binomialBand } from '../support/run-model.js';
import { brief, generated, load, route, SERVICES } from './helpers.js';
import { APP, runInline } from './run-inline.js';

/** A ServiceEntry for two external hosts on port 443 and 80 (resolution DNS, as egress entries are). */
const ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: production}
spec:
  hosts: [api.payments.example, pay.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`;
const SE_PARENT =
  '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: payments, port: 80}]\n';

describe('HTTPRoute with a ServiceEntry parent (route_collections.go: one VirtualService per ServiceEntry host)', () => {
  it('is the mesh parent: one VirtualService per host of the ServiceEntry, keyed by namespace, port and host', () => {
    const { config, diagnostics } = load(
      SERVICES,
      ENTRY,
      route(`${SE_PARENT}  rules:\n  - backendRefs: [{name: product-service-v1, port: 8080}]\n`),
    );
    expect(brief(diagnostics)).toEqual([]);
    const vs = generated(config);
    expect(vs.map((v) => v.meta.name)).toEqual([
      'production~80~api.payments.example',
      'production~80~pay.example.com',
    ]);
    expect(vs.map((v) => v.hosts)).toEqual([['api.payments.example'], ['pay.example.com']]);
    for (const v of vs) {
      expect(v.gateways).toEqual(['mesh']);
      // The route is in the ServiceEntry's namespace: a producer route, seen by every namespace.
      expect(v.exportTo).toEqual([]);
      expect(v.http[0]!.match[0]!.port).toBe(80);
      expect(v.http[0]!.route[0]!.destination).toEqual({
        host: 'product-service-v1.production.svc.cluster.local',
        port: 8080,
      });
    }
  });

  it('a route in another namespace than the ServiceEntry is a consumer route (its own namespace only)', () => {
    const { config } = load(
      SERVICES,
      ENTRY,
      route(
        '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: payments, namespace: production}]\n  rules:\n  - backendRefs: [{name: product-service-v1, namespace: production, port: 8080}]\n',
        'mine',
        'frontend',
      ),
    );
    const vs = generated(config);
    expect(vs.map((v) => v.meta.name)).toEqual(['frontend~api.payments.example', 'frontend~pay.example.com']);
    expect(vs.map((v) => v.exportTo)).toEqual([['.'], ['.']]);
  });

  it('no such ServiceEntry: Accepted=False NoMatchingParent and nothing generated', () => {
    const { config, diagnostics } = load(
      SERVICES,
      route(`${SE_PARENT}  rules:\n  - backendRefs: [{name: product-service-v1, port: 8080}]\n`),
    );
    expect(generated(config)).toEqual([]);
    expect(brief(diagnostics)).toEqual([
      'MSIM3121 Accepted=False (NoMatchingParent) for parentRef ServiceEntry production/payments: parent service entry: "payments" not found',
    ]);
    expect(diagnostics[0]!.path).toBe('spec.parentRefs[0]');
  });

  it('a ServiceEntry in another namespace than the parentRef names is not found either', () => {
    const { diagnostics } = load(
      SERVICES,
      ENTRY,
      route(
        '  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: payments, namespace: frontend}]\n  rules:\n  - backendRefs: [{name: product-service-v1, port: 8080}]\n',
      ),
    );
    expect(brief(diagnostics)).toEqual([
      'MSIM3121 Accepted=False (NoMatchingParent) for parentRef ServiceEntry frontend/payments: parent service entry: "payments" not found',
    ]);
  });

  it('a ServiceEntry of another group is no parent istiod knows: ignored, no status (info MSIM3130)', () => {
    const { diagnostics } = load(
      SERVICES,
      ENTRY,
      route(
        '  parentRefs: [{group: example.com, kind: ServiceEntry, name: payments}]\n  rules:\n  - backendRefs: [{name: product-service-v1, port: 8080}]\n',
      ),
    );
    expect(brief(diagnostics)).toEqual([
      'MSIM3130 parentRef example.com/ServiceEntry production/payments is no kind istiod handles (Gateway, Service, ServiceEntry): it ignores the reference and writes no status for it (another controller may own it)',
    ]);
  });
});

describe('backendRef kind Hostname (group networking.istio.io): a ServiceEntry host (conversion.go buildDestination)', () => {
  const hostRoute = (backend: string) =>
    route(
      `  parentRefs: [{group: "", kind: Service, name: product-service, port: 8080}]\n  rules:\n  - backendRefs: [${backend}]\n`,
    );

  it('routes to the host as written, on the backendRef port', () => {
    const { config, diagnostics } = load(
      SERVICES,
      ENTRY,
      hostRoute('{group: networking.istio.io, kind: Hostname, name: pay.example.com, port: 80}'),
    );
    expect(brief(diagnostics)).toEqual([]);
    expect(generated(config)[0]!.http[0]!.route).toEqual([
      { destination: { host: 'pay.example.com', port: 80 }, weight: 0 },
    ]);
  });

  it('a Kubernetes Service FQDN is a host too (PushContext.GetService)', () => {
    const { diagnostics } = load(
      SERVICES,
      hostRoute(
        '{group: networking.istio.io, kind: Hostname, name: product-service-v2.production.svc.cluster.local, port: 8080}',
      ),
    );
    expect(brief(diagnostics)).toEqual([]);
  });

  it('an unknown host: ResolvedRefs=False BackendNotFound, its share answered 500', () => {
    const { config, diagnostics } = load(
      SERVICES,
      ENTRY,
      hostRoute('{group: networking.istio.io, kind: Hostname, name: nope.example.com, port: 80}'),
    );
    expect(brief(diagnostics)).toEqual([
      'MSIM3124 ResolvedRefs=False (BackendNotFound): backend(nope.example.com) not found; requests sent to it get 500',
    ]);
    expect(generated(config)[0]!.http[0]!.clusterNotFoundStatus).toBe(500);
  });

  it.each([
    [
      'no port',
      '{group: networking.istio.io, kind: Hostname, name: pay.example.com}',
      'port is required in backendRef',
    ],
    [
      'a namespace',
      '{group: networking.istio.io, kind: Hostname, name: pay.example.com, namespace: production, port: 80}',
      'namespace may not be set with Hostname type',
    ],
  ])('with %s: InvalidDestination, a hard error (no routes for the HTTPRoute)', (_what, backend, message) => {
    const { config, diagnostics } = load(SERVICES, ENTRY, hostRoute(backend));
    expect(generated(config)).toEqual([]);
    expect(brief(diagnostics)).toEqual([
      `MSIM3127 ResolvedRefs=False (InvalidDestination): ${message}; istiod generates no routes for this HTTPRoute`,
    ]);
  });

  it('kind ServiceEntry as a backend is InvalidKind (istiod resolves only Service, ServiceImport, Hostname)', () => {
    const { diagnostics } = load(
      SERVICES,
      ENTRY,
      hostRoute('{group: networking.istio.io, kind: ServiceEntry, name: payments, port: 80}'),
    );
    expect(brief(diagnostics)).toEqual([
      'MSIM3126 ResolvedRefs=False (InvalidKind): referencing unsupported backendRef: group "networking.istio.io" kind "ServiceEntry"; requests sent to it get 500',
    ]);
  });
});

describe('at run time: a ServiceEntry parent and a Hostname backend route real traffic', () => {
  const EXTERNAL = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: production}
spec:
  hosts: [pay.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`;
  const SPEC = '  external:\n    pay.example.com: {latency: 20ms}\n';

  it('calls to the ServiceEntry host follow the route: to the web Service instead of the external host', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${EXTERNAL}---\n${route('  parentRefs: [{group: networking.istio.io, kind: ServiceEntry, name: payments, port: 80}]\n  rules:\n  - matches: [{path: {value: /local}}]\n    backendRefs: [{name: web, port: 8080}]\n')}`,
      '    - {name: c, namespace: production, rate: 100/s, requests: [{url: "http://pay.example.com/local/x"}, {url: "http://pay.example.com/other"}]}\n',
      SPEC,
    );
    expect(diagnostics.filter((d) => d.code.startsWith('MSIM312'))).toEqual([]);
    const hops = Object.fromEntries(result.hops.map((h) => [`${h.service} ${h.subset}`, h.byStatus]));
    const local = hops['web.production.svc.cluster.local (default)']!['200']!;
    const c = result.clients[0]!;
    // Half the requests (/local/...) go to web; /other matches no rule of the generated VirtualService.
    const band = binomialBand(c.requests, 0.5);
    expect(local).toBeGreaterThan(band.low);
    expect(local).toBeLessThan(band.high);
    expect(c.byStatus['404']).toBe(c.requests - local);
    expect(result.workloads.find((w) => w.workload === 'production/web')!.served).toBe(local);
  });

  it('a Hostname backend sends its share to the ServiceEntry host (the external server answers)', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${EXTERNAL}---\n${route('  parentRefs: [{group: "", kind: Service, name: web, port: 8080}]\n  rules:\n  - backendRefs: [{name: web, port: 8080}, {group: networking.istio.io, kind: Hostname, name: pay.example.com, port: 80}]\n')}`,
      '    - {name: c, namespace: production, rate: 200/s, requests: [{url: "http://web:8080/"}]}\n',
      SPEC,
    );
    expect(diagnostics.filter((d) => d.code.startsWith('MSIM312'))).toEqual([]);
    const c = result.clients[0]!;
    expect(c.byStatus).toEqual({ '200': c.requests });
    const external = result.hops.find((h) => h.service === 'pay.example.com')!.requests;
    const band = binomialBand(c.requests, 0.5);
    expect(external).toBeGreaterThan(band.low);
    expect(external).toBeLessThan(band.high);
    expect(result.workloads.find((w) => w.workload === 'production/web')!.served).toBe(c.requests - external);
  });
});
