import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';
import { binomialBand, runModel } from '../support/run-model.js';

/**
 * models/ambient/waypoint-replica-crash: one of three waypoint replicas crashes at 10s (for 10s). ztunnel
 * keeps sending it a third of the connections until the pod is unready (readinessDelay 2s): those are
 * refused (resets, status 0). Golden figures on seed 11, and the same scenario with other delays.
 */
const DIR = 'models/ambient';
const MODEL = `${DIR}/waypoint-replica-crash.scenario.yaml`;
const manifests = [
  {
    file: 'waypoint-replicas.manifests.yaml',
    text: readFileSync(`${DIR}/waypoint-replicas.manifests.yaml`, 'utf8'),
  },
];
const variant = (edit: (s: string) => string): Result => {
  const l = loadScenarioFromTexts({ file: 's.yaml', text: edit(readFileSync(MODEL, 'utf8')) }, manifests);
  if (l.loaded === undefined) throw new Error(l.diagnostics.map((d) => d.message).join('; '));
  return runScenario(l.loaded);
};

describe('models/ambient/waypoint-replica-crash', async () => {
  const r = await runModel(MODEL);
  const c = r.clients[0]!;

  it('golden: 62 resets while ztunnel still lists the dead replica, 57 overflows (503 UO) of 3039', () => {
    expect(c.requests).toBe(3039);
    expect(c.byStatus).toEqual({ '0': 62, '200': 2920, '503': 57 });
    expect(c.byFlag).toEqual({ '-': 2982, UO: 57 });
  });

  it('the resets are about a third of the requests sent in the 2 s before the pod turned unready', () => {
    const sent = r.series.clients
      .fortio!.filter((p) => p.t >= 10000 && p.t < 12000)
      .reduce((n, p) => n + p.requests, 0);
    const band = binomialBand(sent, 1 / 3);
    expect(c.byStatus['0']).toBeGreaterThan(band.low);
    expect(c.byStatus['0']).toBeLessThan(band.high);
  });

  it('no crash, no resets; a replica unready at once (readinessDelay 1ms) leaves next to none', () => {
    const calm = variant((s) => s.replace(/ {2}events:\n.*\n/, ''));
    expect(calm.clients[0]!.byStatus['0'] ?? 0).toBe(0);
    const quick = variant((s) => s.replace('readinessDelay: 2s', 'readinessDelay: 1ms'));
    expect(quick.clients[0]!.byStatus['0'] ?? 0).toBeLessThanOrEqual(2);
    // A longer delay before unready: more refused connections.
    const slow = variant((s) => s.replace('readinessDelay: 2s', 'readinessDelay: 4s'));
    expect(slow.clients[0]!.byStatus['0']!).toBeGreaterThan(c.byStatus['0']!);
  });
});
