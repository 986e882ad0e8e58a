import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binomialBand, runModel } from '../support/run-model.js';
import { istioCount, runTexts } from './support.js';

/**
 * models/ambient/canary: a 90/10 VirtualService applied by the waypoint (2 replicas) with retries; and
 * the same manifests without the waypoint label, where ztunnel balances at L4 and the split is lost.
 */
describe('models/ambient/canary', async () => {
  const r = await runModel('models/ambient/canary.scenario.yaml');
  const users = r.clients.find((c) => c.name === 'productpage')!;
  const v2 = r.hops.find((h) => h.subset === 'v2')!;

  it("the waypoint splits 90/10 and its retries hide v2's 5 % errors", () => {
    expect(r.hops.map((h) => h.source)).toEqual(['bookstore/waypoint', 'bookstore/waypoint']);
    const band = binomialBand(users.requests, 0.1);
    expect(v2.requests).toBeGreaterThan(band.low);
    expect(v2.requests).toBeLessThan(band.high);
    expect(users.byStatus).toEqual({ '200': users.requests });
    const v2Tries = r.services[0]!.bySubset.v2!;
    expect((v2Tries.byStatus['503'] ?? 0) + (v2Tries.byStatus['200'] ?? 0)).toBe(v2Tries.requests);
    expect(v2Tries.byStatus['503']).toBeGreaterThan(0);
  });

  it('reports reporter="waypoint" by destination version, and TCP from ztunnel to the waypoint', () => {
    expect(istioCount(r, { reporter: 'waypoint', destination_version: 'v2' })).toBe(v2.requests);
    expect(istioCount(r, { reporter: 'waypoint', source_workload: 'productpage' })).toBe(users.requests);
    // The server pods are ambient: their ztunnel reports TCP (one connection per try), no HTTP.
    const dest = (r.istioTcp ?? []).filter((s) => s.labels.reporter === 'destination');
    const served = r.workloads.reduce((n, w) => n + w.served, 0);
    expect(dest.reduce((n, s) => n + s.opened, 0)).toBe(served);
    expect(istioCount(r, { reporter: 'destination' })).toBe(0);
  });

  it('without the waypoint, ztunnel ignores the VirtualService: v2 takes one pod in four', () => {
    const dir = 'models/ambient';
    const manifests = readFileSync(`${dir}/canary.manifests.yaml`, 'utf8').replace(
      '    istio.io/use-waypoint: waypoint\n',
      '',
    );
    const scenario = readFileSync(`${dir}/canary.scenario.yaml`, 'utf8');
    const l4 = runTexts(scenario, manifests);
    const n = l4.clients[0]!.requests;
    const toV2 = (l4.istioTcp ?? [])
      .filter((s) => s.labels.reporter === 'destination' && s.labels.destination_version === 'v2')
      .reduce((k, s) => k + s.opened, 0);
    const band = binomialBand(n, 0.25);
    expect(toV2).toBeGreaterThan(band.low);
    expect(toV2).toBeLessThan(band.high);
    // No retries at L4: v2's 503s reach the users.
    expect(l4.clients[0]!.byStatus['503']).toBeGreaterThan(0);
  });
});
