import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/index.js';
import { checkModel } from '../../web/src/worker/check.js';
import { POD_STATE } from '../../web/src/worker/protocol.js';
import { Cancelled, simulate } from '../../web/src/worker/simulate.js';

const read = (p: string) => ({ file: p, text: readFileSync(p, 'utf8') });

/** The canary model cut to 8 s so the suite stays quick; same files the app bundles. */
function canaryInput(durationText = '8s') {
  const s = read('models/canary/canary.scenario.yaml');
  return {
    scenario: {
      ...s,
      text: s.text.replace('duration: 60s', `duration: ${durationText}`).replace('warmup: 5s', 'warmup: 1s'),
    },
    manifests: [
      read('models/recipe/step02-product-service.yaml'),
      read('models/recipe/step03-traffic-split.yaml'),
    ],
  };
}

describe('the worker run loop', () => {
  it('steps the world interval by interval and gets the same Result as runScenario', async () => {
    const checked = checkModel(canaryInput());
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const loaded = checked.loaded!;
    const out = await simulate(loaded, checked.size!, undefined);
    expect(JSON.stringify(out.result)).toBe(JSON.stringify(runScenario(loaded)));
    const tl = out.timeline;
    expect(tl.intervals).toBe(8);
    // Every pod is sampled once per interval; nothing crashes in the canary model.
    expect(tl.pods.length).toBeGreaterThan(0);
    for (const p of tl.pods) expect(p.states).toBe(POD_STATE.running.repeat(8));
    // Traffic: frontend's sidecars → the service (per request), the service's cluster → each pod (per try).
    const sum = (r: (typeof tl.edges)[number]) =>
      r.codes.reduce((n, c) => n + c.counts.reduce((a, b) => a + b, 0), 0);
    const svc = 'product-service.production.svc.cluster.local';
    const toSvc = tl.edges.filter((r) => r.side === 'out' && r.service === svc);
    expect(toSvc.length).toBeGreaterThan(0);
    expect(toSvc.every((r) => r.peer?.owner === 'production/frontend' && r.peer.workload === false)).toBe(
      true,
    );
    expect(toSvc[0]!.codes[0]!.counts.length).toBe(8);
    const tries = tl.edges
      .filter((r) => r.side === 'in' && r.service === svc)
      .reduce((n, r) => n + sum(r), 0);
    const requests = toSvc.reduce((n, r) => n + sum(r), 0);
    // The Result counts only after warm-up; the graph counts the whole run.
    expect(requests).toBeGreaterThan(toSvc.length);
    // Every try reached a pod: tries = requests + retries (upstream_rq_retry scraped beside the record).
    const retried = toSvc.reduce(
      (n, r) => n + (r.envoy?.upstream_rq_retry?.reduce((a, b) => a + b, 0) ?? 0),
      0,
    );
    expect(retried).toBe(tl.retries.reduce((a, b) => a + b, 0));
    expect(tries).toBe(requests + retried);
    // Retries scraped from upstream_rq_retry add up to the counter in the Result's cluster stats.
    const retries = out.result.clusters.reduce((n, c) => n + (c.stats.upstream_rq_retry ?? 0), 0);
    expect(tl.retries.reduce((a, b) => a + b, 0)).toBe(retries);
  });

  it('stops at the first interval boundary after cancel', async () => {
    const checked = checkModel(canaryInput());
    let intervals = 0;
    const run = simulate(checked.loaded!, checked.size!, undefined, {
      onProgress: () => intervals++,
      cancelled: () => intervals >= 3,
    });
    await expect(run).rejects.toBeInstanceOf(Cancelled);
    expect(intervals).toBe(3);
  });
});

describe('the browser limits', () => {
  it('refuses more than a day of simulated time with a positioned message', () => {
    // The scenario loader itself refuses it (LIMITS.maxDurationMs, MSIM2006), at the duration's line.
    const c = checkModel(canaryInput('25h'));
    expect(c.loaded).toBeUndefined();
    const d = c.diagnostics.find((x) => x.code === 'MSIM2006');
    expect(d?.message).toBe(`"25h" is above meshsim's limit of 24h for any scenario duration`);
    expect(d?.line).toBeGreaterThan(0);
  });

  it('refuses more than 50 M expected requests and accepts just below', () => {
    // 1,000/s for 50,000 s = 50 M requests: at the limit (allowed); 50,001 s is above it.
    const at = checkModel(canaryInput('50000s'));
    expect(at.size!.expectedRequests).toBe(50_000_000);
    expect(at.refused).toBeUndefined();
    const above = checkModel(canaryInput('50001s'));
    expect(above.refused).toMatch(/about 50,001,000 requests/);
  });

  it('warns about a spec.manifests entry that no open file provides, at its line', () => {
    const input = canaryInput();
    input.manifests = input.manifests.slice(1);
    const c = checkModel(input);
    const w = c.diagnostics.find((d) => d.code === 'WEB0001')!;
    expect(w.message).toContain('../recipe/step02-product-service.yaml');
    expect(w.line).toBe(input.scenario.text.split('\n').findIndex((l) => l.includes('step02')) + 1);
  });
});
