import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { binomialBand } from '../support/run-model.js';
import { gateway, HTTP_LISTENER, route } from './helpers.js';
import { APP, runInline } from './run-inline.js';

/**
 * Edges of the translation, run end to end: what the clients get when weights are zero, a backend is of a
 * kind istiod does not resolve, a cross-namespace backend has no ReferenceGrant, or a parentRef names a
 * section or port the Gateway has not (istio conversion.go buildHTTPDestination, buildDestination,
 * referenceAllowed).
 */
const MESH = '  parentRefs: [{group: "", kind: Service, name: web, port: 8080}]\n';
const MESH_CLIENT =
  '    - {name: c, namespace: production, rate: 200/s, requests: [{url: "http://web:8080/"}]}\n';
const GW_CLIENT = `    - name: c
      gateway: production/shop-istio
      rate: 200/s
      requests: [{url: "http://shop.example.com/"}]
`;
const served = (r: Result) => r.workloads.find((w) => w.workload === 'production/web')!.served;
const routeStatus = (ds: readonly { code: string; message: string }[]) =>
  ds.filter((d) => /^MSIM312[1-7]$/.test(d.code)).map((d) => `${d.code} ${d.message}`);

/** A second namespace with its own `api` Service and pods. */
const BACKEND_NS = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: backend}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 80}]}]
`;

describe('weights', () => {
  it('all backends weight 0: every request gets the direct 500, no pod serves', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${route(`${MESH}  rules:\n  - backendRefs: [{name: web, port: 8080, weight: 0}, {name: gone, port: 8080, weight: 0}]\n`)}`,
      MESH_CLIENT,
    );
    const c = result.clients[0]!;
    expect(c.requests).toBeGreaterThan(1500);
    expect(c.byStatus).toEqual({ '500': c.requests });
    expect(served(result)).toBe(0);
    // Weight-0 backends are dropped before they are resolved: `gone` is not BackendNotFound.
    expect(routeStatus(diagnostics)).toEqual([]);
  });

  it('one backend weight 0 beside one of weight 1: all traffic to the other, none to the weight-0 one', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${route(`${MESH}  rules:\n  - backendRefs: [{name: gone, port: 8080, weight: 0}, {name: web, port: 8080, weight: 1}]\n`)}`,
      MESH_CLIENT,
    );
    const c = result.clients[0]!;
    expect(c.byStatus).toEqual({ '200': c.requests });
    expect(served(result)).toBe(c.requests);
    expect(routeStatus(diagnostics)).toEqual([]);
  });

  it('weights 1 and 1 (one unresolved): each backend takes 50 % (binomial band)', async () => {
    const { result } = await runInline(
      `${APP}---\n${route(`${MESH}  rules:\n  - backendRefs: [{name: web, port: 8080, weight: 1}, {name: gone, port: 8080, weight: 1}]\n`)}`,
      MESH_CLIENT,
    );
    const c = result.clients[0]!;
    const band = binomialBand(c.requests, 0.5);
    expect(c.byStatus['500']).toBeGreaterThan(band.low);
    expect(c.byStatus['500']).toBeLessThan(band.high);
  });
});

describe('unresolved backends keep their share and answer 500 NC', () => {
  it('a backend of an unknown kind: InvalidKind (MSIM3126), its half of the requests 500 NC', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${route(`${MESH}  rules:\n  - backendRefs: [{name: web, port: 8080}, {group: storage.example.com, kind: Bucket, name: b}]\n`)}`,
      MESH_CLIENT,
    );
    expect(routeStatus(diagnostics)).toEqual([
      'MSIM3126 ResolvedRefs=False (InvalidKind): referencing unsupported backendRef: group "storage.example.com" kind "Bucket"; requests sent to it get 500',
    ]);
    const c = result.clients[0]!;
    const band = binomialBand(c.requests, 0.5);
    expect(c.byStatus['500']).toBeGreaterThan(band.low);
    expect(c.byStatus['500']).toBeLessThan(band.high);
    expect(c.byFlag.NC).toBe(c.byStatus['500']);
    expect(served(result)).toBe(c.byStatus['200']);
  });

  it('a cross-namespace backend from a Gateway route without ReferenceGrant: RefNotPermitted (MSIM3125), all 500 NC', async () => {
    const manifests = `${APP}---\n${BACKEND_NS}---\n${gateway(HTTP_LISTENER)}---\n${route('  parentRefs: [{name: shop}]\n  hostnames: [shop.example.com]\n  rules:\n  - backendRefs: [{name: api, namespace: backend, port: 80}]\n')}`;
    const { result, diagnostics } = await runInline(manifests, GW_CLIENT);
    expect(routeStatus(diagnostics)).toEqual([
      'MSIM3125 ResolvedRefs=False (RefNotPermitted): backendRef api/backend not accessible to a HTTPRoute in namespace "production" (missing a ReferenceGrant?); requests sent to it get 500',
    ]);
    const c = result.clients[0]!;
    expect(c.requests).toBeGreaterThan(1500);
    expect(c.byStatus).toEqual({ '500': c.requests });
    expect(result.workloads.find((w) => w.workload === 'backend/api')!.served).toBe(0);
    // With the grant, the same route reaches api.
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: backend}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: production}]
  to: [{group: "", kind: Service, name: api}]
`;
    const ok = await runInline(`${manifests}---\n${grant}`, GW_CLIENT);
    expect(routeStatus(ok.diagnostics)).toEqual([]);
    expect(ok.result.clients[0]!.byStatus).toEqual({ '200': ok.result.clients[0]!.requests });
  });

  it('a ReferenceGrant for another Service name does not permit this one', async () => {
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: backend}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: production}]
  to: [{group: "", kind: Service, name: other}]
`;
    const manifests = `${APP}---\n${BACKEND_NS}---\n${gateway(HTTP_LISTENER)}---\n${route('  parentRefs: [{name: shop}]\n  hostnames: [shop.example.com]\n  rules:\n  - backendRefs: [{name: api, namespace: backend, port: 80}]\n')}---\n${grant}`;
    const { diagnostics } = await runInline(manifests, GW_CLIENT);
    expect(routeStatus(diagnostics).map((d) => d.split(' ')[0])).toEqual(['MSIM3125']);
  });
});

describe('parentRefs that match no listener: NoMatchingParent (MSIM3121), the route binds nowhere', () => {
  it.each([
    ['sectionName', '{name: shop, sectionName: https}', 'sectionName "https" not found'],
    ['port', '{name: shop, port: 8080}', 'port 8080 not found'],
  ])('a %s the Gateway has not: the gateway has no route (404 NR)', async (_what, ref, why) => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${gateway(HTTP_LISTENER)}---\n${route(`  parentRefs: [${ref}]\n  hostnames: [shop.example.com]\n  rules:\n  - backendRefs: [{name: web, port: 8080}]\n`)}`,
      GW_CLIENT,
    );
    expect(routeStatus(diagnostics)).toEqual([
      `MSIM3121 Accepted=False (NoMatchingParent) for parentRef Gateway production/shop: ${why}`,
    ]);
    const c = result.clients[0]!;
    expect(c.byStatus).toEqual({ '404': c.requests });
    expect(served(result)).toBe(0);
  });

  it('the matching sectionName and port bind (the control case)', async () => {
    const { result, diagnostics } = await runInline(
      `${APP}---\n${gateway(HTTP_LISTENER)}---\n${route('  parentRefs: [{name: shop, sectionName: http, port: 80}]\n  hostnames: [shop.example.com]\n  rules:\n  - backendRefs: [{name: web, port: 8080}]\n')}`,
      GW_CLIENT,
    );
    expect(routeStatus(diagnostics)).toEqual([]);
    expect(result.clients[0]!.byStatus).toEqual({ '200': result.clients[0]!.requests });
  });
});
