import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../notebooks/run.js';

describe('notebooks/hpa-ramp (short settings: targets 40 % and 80 %, 7 minutes, seed 11)', () => {
  it('a 40 % target reaches maxReplicas at the first sync after the 600/s step and keeps p99 near the model; 80 % queues', async () => {
    const r = await runNotebook('notebooks/hpa-ramp', { short: true, workers: 1 });
    expect(r.html).toMatch(/^<!doctype html>/);
    expect(r.html).not.toMatch(/<script|<link |src="http/);
    expect((r.html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(2);
    const f = r.figures;
    // 40 %: 2 -> 4 at 75 s, then straight to maxReplicas 10 at the 135 s sync (the 600/s step is at 120 s).
    expect([f.lowTarget, f.lowPeak, f.lowPeakAtS]).toEqual([40, 10, 135]);
    // 80 %: 6 pods at 135 s, about 1000 requests/s of slots for 600/s only once they are ready.
    expect([f.highPeak, f.highPeakAtS]).toEqual([6, 135]);
    // The model's own p99 is 120 ms; without a queue the 40 % run stays within 200 ms, the 80 % run's
    // pods fall behind between 120 s and their readiness and queue for seconds.
    expect(f.lowP99Ms).toBeLessThan(200);
    expect(f.highP99Ms).toBeGreaterThan(1000);
    // Cost: desired replicas x time from the first sync to the end of the load.
    expect([f.lowPodMinutes, f.highPodMinutes]).toEqual([55, 33.5]);
    expect(r.answer).toContain('At a **40 %** target');
  }, 300_000);
});
