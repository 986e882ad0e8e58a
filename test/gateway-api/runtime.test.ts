import { describe, expect, it } from 'vitest';
import { binomialBand } from '../support/run-model.js';
import { gateway, HTTP_LISTENER, route } from './helpers.js';
import { APP, runInline } from './run-inline.js';

const run = async (manifests: string, traffic: string) => (await runInline(manifests, traffic)).result;

describe('Gateway semantics at run time', () => {
  it('an unresolved backend answers 500 NC for its share; the resolved one serves the rest', async () => {
    const r = await run(
      `${APP}---\n${route('  parentRefs: [{group: "", kind: Service, name: web, port: 8080}]\n  rules:\n  - backendRefs: [{name: web, port: 8080, weight: 3}, {name: gone, port: 8080, weight: 1}]\n')}`,
      '    - {name: c, namespace: production, rate: 200/s, requests: [{url: "http://web:8080/"}]}\n',
    );
    const c = r.clients[0]!;
    const band = binomialBand(c.requests, 0.25);
    expect(c.byStatus['500']).toBeGreaterThan(band.low);
    expect(c.byStatus['500']).toBeLessThan(band.high);
    expect(c.byStatus['500']! + c.byStatus['200']!).toBe(c.requests);
    // The route's cluster_not_found_response_code is 500 (Envoy's default 503); the flag stays NC.
    const nc = r.hops.filter((h) => h.byFlag.NC !== undefined);
    expect(nc.map((h) => [h.byStatus, h.byFlag])).toEqual([
      [{ '500': c.byStatus['500'] }, { NC: c.byStatus['500'] }],
    ]);
  });

  it('PathPrefix /api matches /api and /api/x but not /apix (404 NR at the gateway)', async () => {
    const r = await run(
      `${APP}---\n${gateway(HTTP_LISTENER)}---\n${route('  parentRefs: [{name: shop}]\n  rules:\n  - matches: [{path: {value: /api}}]\n    backendRefs: [{name: web, port: 8080}]\n')}`,
      `    - name: c
      gateway: production/shop-istio
      rate: 150/s
      requests:
        - {url: "http://shop.example.com/api"}
        - {url: "http://shop.example.com/api/x"}
        - {url: "http://shop.example.com/apix"}
`,
    );
    const c = r.clients[0]!;
    const band = binomialBand(c.requests, 1 / 3);
    expect(c.byStatus['404']).toBeGreaterThan(band.low);
    expect(c.byStatus['404']).toBeLessThan(band.high);
    expect(c.byStatus['404']! + c.byStatus['200']!).toBe(c.requests);
    expect(r.services.find((s) => s.host === 'web.production.svc.cluster.local')!.requests).toBe(
      c.byStatus['200'],
    );
  });
});
