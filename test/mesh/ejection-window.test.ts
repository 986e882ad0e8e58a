import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';

const FIXTURE = 'test/web/fixtures/one-bad-pod.scenario.yaml';

/** One bad pod of two answering 60 % 503s, ejected early and again after each return. */
function run(warmup: string): Result {
  const text = readFileSync(FIXTURE, 'utf8').replace('warmup: 1s', `warmup: ${warmup}`);
  const load = loadScenarioFromTexts({ file: FIXTURE, text }, []);
  return runScenario(load.loaded!, { durationMs: 8000 });
}

const enforced = (r: Result) =>
  r.clusters.reduce((n, c) => n + (c.stats['outlier_detection.ejections_enforced_total'] ?? 0), 0);

describe('ejections in the measurement window', () => {
  it('the ejection list and the ejections_enforced_total counters cover the same window', () => {
    const whole = run('0s');
    const early = whole.ejections.filter((e) => e.timeMs < 1000).length;
    expect(early).toBeGreaterThan(0); // the warm-up below does leave some out
    expect(enforced(whole)).toBe(whole.ejections.length);
    const r = run('1s');
    expect(r.ejections.length).toBeGreaterThan(0);
    for (const e of r.ejections) expect(e.timeMs).toBeGreaterThanOrEqual(1000);
    // The warm-up does not change what happens, only what is counted: the same ejections from 1 s on.
    expect(r.ejections).toEqual(whole.ejections.filter((e) => e.timeMs >= 1000));
    expect(enforced(r)).toBe(r.ejections.length);
  });
});
