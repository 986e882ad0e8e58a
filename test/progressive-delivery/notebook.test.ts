import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../notebooks/run.js';
import { rolloutMetric } from '../../src/run/progressive-delivery/rollout-metrics.js';
import type { Result } from '../../src/run/index.js';

describe('rollout study figures', () => {
  const result = (outcome: string, finishedAtMs: number | null) =>
    ({
      simulatedMs: 600_000,
      progressiveDelivery: [{ name: 'test/podinfo', outcome, finishedAtMs }],
    }) as unknown as Result;
  it.each([
    ['failed', 1, 0],
    ['degraded', 1, 0],
    ['succeeded', 0, 1],
    ['healthy', 0, 1],
    ['progressing', 0, 0],
    ['paused', 0, 0],
  ])('%s: rolled_back %d, promoted %d', (outcome, back, promoted) => {
    const r = result(outcome, 480_000);
    expect(rolloutMetric(r, 'rolled_back', 'podinfo')).toEqual({ ok: true, value: back });
    expect(rolloutMetric(r, 'promoted', 'test/podinfo')).toEqual({ ok: true, value: promoted });
  });
  it('rollout_seconds is the verdict time, the run end without one; unknown names are a message', () => {
    expect(rolloutMetric(result('failed', 480_000), 'rollout_seconds', 'podinfo')).toEqual({
      ok: true,
      value: 480,
    });
    expect(rolloutMetric(result('paused', null), 'rollout_seconds', 'podinfo')).toEqual({
      ok: true,
      value: 600,
    });
    const m = rolloutMetric(result('failed', 1), 'rolled_back', 'guestbook');
    expect(m.ok).toBe(false);
  });
});

describe('notebooks/rollout-outcome (short settings)', () => {
  it('a 0.4 % canary is promoted in every run, a 2 % canary rolled back in every run', async () => {
    const r = await runNotebook('notebooks/rollout-outcome', { short: true, workers: 2 });
    expect(r.html).toMatch(/^<!doctype html>/);
    expect((r.html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(2);
    // 0.4 %: each 1-minute check sees ~1,800 canary requests, 99.6 % expected, 99 % needs 5 sigma of bad luck
    expect(r.figures.lowest).toBe(0);
    // 2 %: 98 % expected, every check fails
    expect(r.figures.highest).toBe(1);
    // promoted: detect, start, 10..50 in five passing ticks, promote, finalise, succeed = tick 9 (540 s)
    expect(r.figures.promoteSeconds).toBe(540);
  });
});
