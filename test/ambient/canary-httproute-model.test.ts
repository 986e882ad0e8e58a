import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMesh, loadManifests } from '../../src/config/index.js';
import { binomialBand, runModel } from '../support/run-model.js';
import { istioCount } from './support.js';

/**
 * models/ambient/canary-httproute: the ambient canary with its split written as a GAMMA HTTPRoute (parentRef
 * the reviews Service, backends reviews-v1 and reviews-v2) instead of a VirtualService with subsets. Same
 * pods, waypoint, traffic and seed: the waypoint applies the translated route, so both models give the
 * same 90/10 split and the same user outcome (retries hide v2's 5 % errors).
 */
describe('models/ambient/canary-httproute', async () => {
  const gamma = await runModel('models/ambient/canary-httproute.scenario.yaml');
  const vs = await runModel('models/ambient/canary.scenario.yaml');
  const users = (r: typeof gamma) => r.clients.find((c) => c.name === 'productpage')!;
  const v2Share = (r: typeof gamma) =>
    r.hops
      .filter((h) => h.subset === 'v2' || h.service.startsWith('reviews-v2.'))
      .reduce((n, h) => n + h.requests, 0);

  it('loads without findings (the HTTPRoute is Accepted, the waypoint is used)', () => {
    const file = 'models/ambient/canary-httproute.manifests.yaml';
    const { config, diagnostics } = loadManifests([{ file, text: readFileSync(file, 'utf8') }]);
    expect([...diagnostics, ...analyzeMesh(config)].map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it('every request goes through the waypoint, which sends to the two per-version Services', () => {
    expect(gamma.hops.map((h) => [h.source, h.service])).toEqual([
      ['bookstore/waypoint', 'reviews-v1.bookstore.svc.cluster.local'],
      ['bookstore/waypoint', 'reviews-v2.bookstore.svc.cluster.local'],
    ]);
    expect(istioCount(gamma, { reporter: 'waypoint', source_workload: 'productpage' })).toBe(
      users(gamma).requests,
    );
  });

  it("gives the VirtualService version's split: 10 % to v2 in both, within the binomial band", () => {
    for (const r of [gamma, vs]) {
      const band = binomialBand(users(r).requests, 0.1);
      expect(v2Share(r)).toBeGreaterThan(band.low);
      expect(v2Share(r)).toBeLessThan(band.high);
    }
    // The two shares differ by less than the difference of two independent binomials may (z = 4.5).
    const n = users(gamma).requests;
    expect(users(vs).requests).toBe(n);
    const sd = Math.sqrt(2 * n * 0.1 * 0.9);
    expect(Math.abs(v2Share(gamma) - v2Share(vs))).toBeLessThan(4.5 * sd);
  });

  it("retries 503 as the VirtualService does: users see none of v2's errors", () => {
    for (const r of [gamma, vs]) expect(users(r).byStatus).toEqual({ '200': users(r).requests });
    const v2Tries = gamma.services.find((s) => s.host.startsWith('reviews-v2.'))!;
    expect(v2Tries.byStatus['503']).toBeGreaterThan(0);
    expect((v2Tries.byStatus['503'] ?? 0) + (v2Tries.byStatus['200'] ?? 0)).toBe(v2Tries.requests);
  });
});
