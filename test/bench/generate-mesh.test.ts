import { describe, expect, it } from 'vitest';
import { generateMesh, layerSizes, type MeshParams } from '../../bench/scale/generate-mesh.js';
import { countPairs, createCallGraphClusters, runScaleCase } from '../../bench/scale/run-case.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/load.js';
import { buildRun } from '../../src/run/index.js';

const tiny: MeshParams = {
  services: 3,
  podsPerService: 4,
  clientPods: 2,
  depth: 3,
  fanOut: 1,
  ratePerSec: 200,
  durationMs: 2000,
  outlierDetection: false,
  retries: false,
};

function load(p: MeshParams) {
  const m = generateMesh(p);
  return { mesh: m, load: loadScenarioFromTexts(m.scenario, [m.manifests]) };
}

describe('scale bench mesh generator', () => {
  it('a balancer for every service goes in the same DestinationRule as outlier detection', () => {
    const { load: l } = load({ ...tiny, outlierDetection: true, loadBalancer: 'MAGLEV' });
    expect(l.diagnostics).toEqual([]);
    const drs = l.loaded!.config.destinationRules;
    expect(drs).toHaveLength(3);
    for (const dr of drs) {
      expect(dr.trafficPolicy?.loadBalancer?.policy).toBe('MAGLEV');
      expect(dr.trafficPolicy?.loadBalancer?.maglevTableSize).toBe(65537);
      expect(dr.trafficPolicy?.outlierDetection?.consecutive5xxErrors).toBe(5);
    }
    const warm = load({ ...tiny, loadBalancer: 'warmup' }).load.loaded!.config.destinationRules[0]!;
    expect([
      warm.trafficPolicy?.loadBalancer?.policy,
      warm.trafficPolicy?.loadBalancer?.warmup?.durationMs,
    ]).toEqual(['LEAST_REQUEST', 60_000]);
  });

  it('splits services over layers, the remainder to the first layers', () => {
    expect(layerSizes(200, 4)).toEqual([50, 50, 50, 50]);
    expect(layerSizes(7, 3)).toEqual([3, 2, 2]);
    expect(layerSizes(30, 30)).toEqual(Array(30).fill(1));
    expect(layerSizes(2, 5)).toEqual([1, 1]);
  });

  it('produces a mesh that loads without a diagnostic, with every resource the parameters ask for', () => {
    const { mesh, load: l } = load({
      ...tiny,
      services: 7,
      depth: 3,
      fanOut: 2,
      callProbability: 0.5,
      outlierDetection: true,
      retries: true,
      errorRate: 0.01,
    });
    expect(l.diagnostics).toEqual([]);
    const { config, scenario } = l.loaded!;
    expect(mesh.layers).toEqual([
      ['svc-0', 'svc-1', 'svc-2'],
      ['svc-3', 'svc-4'],
      ['svc-5', 'svc-6'],
    ]);
    expect(config.services.map((s) => s.meta.name)).toEqual(mesh.layers.flat());
    expect(config.workloads.map((w) => w.replicas)).toEqual(Array(7).fill(4));
    expect(config.virtualServices).toHaveLength(7);
    expect(config.destinationRules).toHaveLength(7);
    // Layer 0 service k calls next-layer services (2k) and (2k + 1) mod 2, each with probability 0.5.
    const calls = scenario.workloads.get('scale/svc-1')!.calls;
    expect(calls.map((c) => [c.url, c.probability])).toEqual([
      ['http://svc-3:8080/', 0.5],
      ['http://svc-4:8080/', 0.5],
    ]);
    expect(scenario.workloads.get('scale/svc-5')!.calls).toEqual([]);
    expect(scenario.traffic[0]!.replicas).toBe(2);
  });

  it('without retries or outlier detection emits no VirtualService or DestinationRule', () => {
    const { load: l } = load(tiny);
    expect(l.diagnostics).toEqual([]);
    expect(l.loaded!.config.virtualServices).toHaveLength(0);
    expect(l.loaded!.config.destinationRules).toHaveLength(0);
  });

  it('creates exactly the call graph pairs: clients x layer 0, and each layer x the next', () => {
    const { mesh, load: l } = load(tiny);
    const { world } = buildRun(l.loaded!);
    createCallGraphClusters(world, mesh.layers);
    // 2 clients x 4 svc-0 pods + 4 svc-0 pods x 4 svc-1 pods + 4 svc-1 pods x 4 svc-2 pods; before any
    // request no pair has a pool or a Host of its own (members are listed by shared placeholders).
    expect(countPairs(world)).toEqual({ pairs: 2 * 4 + 16 + 16, usedPairs: 0, ownHosts: 0 });
  });

  it('runs a tiny chain with conservation holding and three hops per finished client request', () => {
    const f = runScaleCase(tiny);
    expect(f.conservationHolds).toBe(true);
    expect(f.clientRequests).toBeGreaterThan(300);
    // A finished client request made exactly its three hops; hops of requests still in flight come on top.
    expect(f.hops).toBeGreaterThanOrEqual(3 * f.clientRequests);
    expect(f.hops).toBeLessThanOrEqual(3 * f.clientRequests + 3 * 20);
    expect(f.pairs).toBe(40);
    expect(f.usedPairs).toBe(40);
    expect(f.heapMiBOverTime).toHaveLength(4);
  });

  it('fans out: depth 3 with fan-out 2 makes 1 + 2 + 4 hops per client request', () => {
    const f = runScaleCase({ ...tiny, services: 7, fanOut: 2 });
    expect(f.conservationHolds).toBe(true);
    expect(f.hops).toBeGreaterThanOrEqual(7 * f.clientRequests);
    expect(f.hops).toBeLessThanOrEqual(7 * f.clientRequests + 7 * 20);
  });
});
