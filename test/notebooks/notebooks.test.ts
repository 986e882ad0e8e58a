import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../notebooks/run.js';

/** Each notebook on its short (CI) settings: it renders, and the numbers its answer rests on hold. */
describe('notebooks (short settings)', () => {
  const render = (name: string) => runNotebook(`notebooks/${name}`, { short: true, workers: 2 });

  function selfContained(html: string) {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('<div class="answer">');
  }

  it('canary impact: outlier detection changes nothing until the canary is ejected, then costs v2 traffic', async () => {
    const r = await render('canary-impact');
    selfContained(r.html);
    expect(r.figures.srWithout).toBeGreaterThan(0.9);
    expect(r.figures.srWith).toBeLessThan(r.figures.srWithout!);
    expect(r.answer).toContain('Up to 5 % errors outlier detection never fires');
  });

  it('retry storm: amplification is about (attempts + 1)^depth', async () => {
    const r = await render('retry-storm');
    selfContained(r.html);
    expect(r.figures.worst).toBeGreaterThan(27 * 0.85);
    expect(r.figures.worst).toBeLessThan(27 * 1.2);
    expect(r.figures.depth1).toBeGreaterThan(3 * 0.85);
    expect(r.figures.depth1).toBeLessThan(3 * 1.2);
  });

  it('outlier ejection: a low threshold protects users; 10 % cannot eject one of 3 pods', async () => {
    const r = await render('outlier-ejection');
    selfContained(r.html);
    expect(r.figures.sr3).toBeGreaterThan(r.figures.none3!);
    expect(r.figures.blockedAt3).toBe(1);
  });

  it("breaker tuning: the recipe's limits overflow at high load, roomy limits meet the SLO", async () => {
    const r = await render('breaker-tuning');
    selfContained(r.html);
    expect(r.figures.recipeSuccessAtTop).toBeLessThan(0.5);
    expect(r.figures.overflowAtTop).toBeGreaterThan(0);
    expect(r.figures.roomySuccessAtTop).toBeGreaterThanOrEqual(0.999);
  });
});
