import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { binomialBand, runModel } from '../support/run-model.js';

/**
 * models/outlier: one of N ratings pods answers 503 from 30 s to 100 s; consecutive5xxErrors 5,
 * interval 10 s, baseEjectionTime 30 s (semantics §3.3, §3.4).
 */
function errorsBetween(r: Result, fromMs: number, toMs: number): { errors: number; requests: number } {
  let errors = 0;
  let requests = 0;
  for (const p of r.series.clients.productpage!) {
    if (p.t >= fromMs && p.t < toMs) {
      errors += p.errors;
      requests += p.requests;
    }
  }
  return { errors, requests };
}

describe('models/outlier: one bad pod of five, maxEjectionPercent 50', () => {
  it('each client sidecar ejects it, returns it at a tick after base x multiplier, re-ejects it for longer', async () => {
    const r = await runModel('models/outlier/one-bad-of-five.scenario.yaml');
    const clients = [...new Set(r.ejections.map((e) => e.client))].sort();
    expect(clients).toEqual(['productpage-0', 'productpage-1']);
    for (const client of clients) {
      const ej = r.ejections.filter((e) => e.client === client);
      expect(ej.map((e) => [e.pod.startsWith('ratings-flaky'), e.reason, e.ejectionTimeMs])).toEqual([
        [true, 'consecutive_5xx', 30_000],
        [true, 'consecutive_5xx', 60_000],
      ]);
      const [first, second] = ej as [(typeof ej)[0], (typeof ej)[0]];
      // Ejected within a second of going bad (5 consecutive 503s at ~20 requests/s to that pod).
      expect(first.timeMs).toBeGreaterThanOrEqual(30_000);
      expect(first.timeMs).toBeLessThan(31_000);
      // Back only at an interval tick: the ejection time rounded up to the next tick (< 10 s later).
      const back1 = first.timeMs + first.durationMs!;
      expect(first.durationMs!).toBeGreaterThanOrEqual(30_000);
      expect(first.durationMs!).toBeLessThan(40_000);
      // Still bad: re-ejected right after returning, now for base x 2.
      expect(second.timeMs - back1).toBeGreaterThan(0);
      expect(second.timeMs - back1).toBeLessThan(1_000);
      expect(second.durationMs!).toBeGreaterThanOrEqual(60_000);
      expect(second.durationMs!).toBeLessThan(70_000);
      // Both returns happen on the same detector's ticks: a whole number of intervals apart.
      const back2 = second.timeMs + second.durationMs!;
      const intervals = (back2 - back1) / 10_000;
      expect(Math.abs(intervals - Math.round(intervals))).toBeLessThan(1e-6);
    }
    const s = r.clusters[0]!.stats;
    expect(s['outlier_detection.ejections_enforced_consecutive_5xx']).toBe(4);
    expect(s['outlier_detection.ejections_active']).toBe(0);
    expect(s['outlier_detection.ejections_overflow']).toBe(0);
  });

  it('users see a handful of 503s per ejection instead of a fifth of their requests', async () => {
    const r = await runModel('models/outlier/one-bad-of-five.scenario.yaml');
    expect(errorsBetween(r, 0, 20_000).errors).toBe(0);
    const during = errorsBetween(r, 20_000, 100_000);
    // 4 ejections, each after 5 consecutive 503s the user saw (Istio's default retries skip 503), plus
    // the few requests already on their way to the pod.
    expect(during.errors).toBeGreaterThanOrEqual(4 * 5);
    expect(during.errors).toBeLessThanOrEqual(4 * 10);
    expect(errorsBetween(r, 100_000, 180_000).errors).toBe(0);
  });
});

describe('models/outlier: one bad pod of three, default maxEjectionPercent (10 %)', () => {
  it('never ejects (ejections_overflow) and a third of the requests fail while the pod is bad', async () => {
    const r = await runModel('models/outlier/one-bad-of-three.scenario.yaml');
    expect(r.ejections).toEqual([]);
    const s = r.clusters[0]!.stats;
    expect(s['outlier_detection.ejections_enforced_total']).toBe(0);
    expect(s['outlier_detection.ejections_detected_consecutive_5xx']).toBeGreaterThan(0);
    // Each detection is checked twice (gateway failure, then 5xx): both overflow.
    expect(s['outlier_detection.ejections_overflow']).toBe(
      s['outlier_detection.ejections_detected_consecutive_5xx']! +
        s['outlier_detection.ejections_detected_consecutive_gateway_failure']!,
    );
    const during = errorsBetween(r, 30_000, 100_000);
    const band = binomialBand(during.requests, 1 / 3);
    expect(during.errors).toBeGreaterThanOrEqual(band.low);
    expect(during.errors).toBeLessThanOrEqual(band.high);
    expect(errorsBetween(r, 100_000, 180_000).errors).toBe(0);
  });
});
