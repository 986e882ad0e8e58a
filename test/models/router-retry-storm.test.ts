import { beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { runModel } from '../support/run-model.js';

/** Upstream requests a service received over series intervals [from, to) (1 s each). */
function load(r: Result, service: string, from: number, to: number): number {
  const s = r.series.subsets[`${service}.storm.svc.cluster.local/(default)`]!;
  return s.slice(from, to).reduce((a, b) => a + b, 0);
}

describe('retry storm: 3 layers × 3 tries amplify load on the failing service 27×', () => {
  let r: Result;
  beforeAll(async () => {
    r = await runModel('models/retry-storm/retry-storm.scenario.yaml');
  });

  it('costs one request per layer while svc-c is healthy', () => {
    const client = r.series.clients.frontend!.slice(1, 9).reduce((a, p) => a + p.requests, 0);
    for (const svc of ['svc-a', 'svc-b', 'svc-c']) {
      expect(load(r, svc, 1, 9) / client).toBeGreaterThan(0.95);
      expect(load(r, svc, 1, 9) / client).toBeLessThan(1.05);
    }
  });

  it('multiplies the load by 3 per layer once svc-c fails: 3, 9, 27 requests per client request', () => {
    const client = r.series.clients.frontend!.slice(12, 19).reduce((a, p) => a + p.requests, 0);
    expect(client).toBeGreaterThan(500);
    const depth: [string, number][] = [
      ['svc-a', 3],
      ['svc-b', 9],
      ['svc-c', 27],
    ];
    for (const [svc, factor] of depth) {
      const ratio = load(r, svc, 12, 19) / client;
      expect(ratio).toBeGreaterThan(factor * 0.93);
      expect(ratio).toBeLessThan(factor * 1.07);
    }
    const f = r.clients.find((c) => c.name === 'frontend')!;
    expect(f.byFlag.URX).toBe(f.byStatus['503']);
  });
});
