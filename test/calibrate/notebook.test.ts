import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../notebooks/run.js';

describe('notebook calibrate-replay (short settings)', () => {
  it('renders self-contained and the replay meets every tolerance', async () => {
    const r = await runNotebook('notebooks/calibrate-replay', { short: true, workers: 1 });
    expect(r.html).toMatch(/^<!doctype html>/);
    expect(r.html).not.toMatch(/<script|<link |src="http/);
    expect((r.html.match(/<svg /g) ?? []).length).toBe(2);
    expect(r.figures.total).toBeGreaterThan(10);
    expect(r.figures.passed).toBe(r.figures.total);
    expect(r.figures.worstKs).toBeLessThan(0.03);
  }, 300_000);
});
