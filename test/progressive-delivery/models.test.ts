import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { binomialBand, runModel } from '../support/run-model.js';

/** One line per decision: time (s), step, canary weight, phase, verdict and the metric values. */
function timeline(r: Result): string[] {
  return r.progressiveDelivery![0]!.decisions.map(
    (d) =>
      `${d.timeMs / 1000} ${d.step} ${d.weight} ${d.phase} ${d.verdict}${d.metrics.map((x) => ` ${x.name}=${x.value}`).join('')}`,
  );
}

// The tutorial's podinfo HPA (minReplicas 2) runs too since autoscaling landed: it scales the canary
// Deployment from 1 to 2 pods at its first sync (15 s), as it would in a cluster; and the Canary's
// autoscalerRef makes Flagger copy it into podinfo-primary, which scales the primary from 1 to 2 at the
// same sync. The decisions are the same as without them, the metric values those of 2 + 2 pods.
describe('models/progressive-delivery: golden decision timelines (their seeds)', () => {
  it('models/progressive-delivery/flagger/podinfo-canary.scenario.yaml', async () => {
    const r = await runModel('models/progressive-delivery/flagger/podinfo-canary.scenario.yaml');
    const c = r.progressiveDelivery![0]!;
    expect([c.name, c.outcome, c.finishedAtMs]).toEqual(['test/podinfo', 'succeeded', 540000]);
    expect(timeline(r)).toEqual([
      '60 1 0 Progressing start',
      '120 2 0 Progressing start',
      '120 2 10 Progressing advance',
      '180 3 20 Progressing advance request-success-rate=99.924642 request-duration=82',
      '240 4 30 Progressing advance request-success-rate=99.787573 request-duration=72',
      '300 5 40 Progressing advance request-success-rate=99.826011 request-duration=51',
      '360 6 50 Progressing advance request-success-rate=99.774859 request-duration=75',
      '420 7 50 Promoting promote request-success-rate=99.721879 request-duration=49',
      '480 8 0 Finalising finalise',
      '540 9 0 Succeeded succeeded',
    ]);
    expect(c.impact.served.map((s) => [s.workload, s.requests, s.errors5xx])).toEqual([
      ['test/podinfo', 23104, 44],
      ['test/podinfo-primary', 41925, 20],
    ]);
    expect([c.impact.callers.requests, c.impact.callers.errors5xx]).toEqual([64982, 17]);
    expect(
      r.autoscaling!.map((a) => [a.name, a.target, a.events.map((e) => [e.timeMs, e.from, e.to])]),
    ).toEqual([
      ['test/podinfo', 'Deployment/podinfo', [[15000, 1, 2]]],
      ['test/podinfo-primary', 'Deployment/podinfo-primary', [[15000, 1, 2]]],
    ]);
  });

  it('models/progressive-delivery/flagger/podinfo-canary-faulty.scenario.yaml', async () => {
    const r = await runModel('models/progressive-delivery/flagger/podinfo-canary-faulty.scenario.yaml');
    const c = r.progressiveDelivery![0]!;
    expect([c.name, c.outcome, c.finishedAtMs]).toEqual(['test/podinfo', 'failed', 480000]);
    expect(timeline(r)).toEqual([
      '60 1 0 Progressing start',
      '120 2 0 Progressing start',
      '120 2 10 Progressing advance',
      '180 3 10 Progressing hold request-success-rate=97.53069',
      '240 4 10 Progressing hold request-success-rate=97.542135',
      '300 5 10 Progressing hold request-success-rate=97.186147',
      '360 6 10 Progressing hold request-success-rate=97.056659',
      '420 7 10 Progressing hold request-success-rate=96.857143',
      '480 8 0 Failed rollback',
    ]);
    expect(c.impact.served.map((s) => [s.workload, s.requests, s.errors5xx])).toEqual([
      ['test/podinfo', 13465, 386],
      ['test/podinfo-primary', 44366, 0],
    ]);
    expect([c.impact.callers.requests, c.impact.callers.errors5xx]).toEqual([57742, 297]);
  });

  it('models/progressive-delivery/argo/istio-subset-split.scenario.yaml', async () => {
    const r = await runModel('models/progressive-delivery/argo/istio-subset-split.scenario.yaml');
    const c = r.progressiveDelivery![0]!;
    expect([c.name, c.outcome, c.finishedAtMs]).toEqual(['default/istio-subset-split', 'paused', null]);
    expect(timeline(r)).toEqual(['0 0 10 Progressing advance', '0 1 10 Paused paused-indefinitely']);
    expect(c.impact.served.map((s) => [s.workload, s.requests, s.errors5xx])).toEqual([
      ['default/istio-subset-split-canary', 1167, 9],
      ['default/istio-subset-split-stable', 10746, 0],
    ]);
    expect([c.impact.callers.requests, c.impact.callers.errors5xx]).toEqual([11913, 9]);
  });

  it('models/progressive-delivery/argo/guestbook.scenario.yaml', async () => {
    const r = await runModel('models/progressive-delivery/argo/guestbook.scenario.yaml');
    const c = r.progressiveDelivery![0]!;
    expect([c.name, c.outcome, c.finishedAtMs]).toEqual(['default/guestbook', 'healthy', 2400000]);
    expect(timeline(r)).toEqual([
      '0 0 20 Progressing advance',
      '0 1 20 Progressing pause',
      '600 2 20 Progressing measure',
      '600 2 40 Progressing advance',
      '600 3 40 Progressing pause',
      '600 3 40 Progressing measure success-rate=0.978873',
      '900 3 40 Progressing measure success-rate=0.971609',
      '1200 3 40 Progressing measure success-rate=0.967638',
      '1200 4 60 Progressing advance',
      '1200 5 60 Progressing pause',
      '1500 5 60 Progressing measure success-rate=0.952681',
      '1800 5 60 Progressing measure success-rate=0.955017',
      '1800 6 80 Progressing advance',
      '1800 7 80 Progressing pause',
      '2100 7 80 Progressing measure success-rate=0.927083',
      '2400 7 80 Progressing measure success-rate=0.933099',
      '2400 8 0 Healthy succeeded',
    ]);
    expect(c.impact.served.map((s) => [s.workload, s.requests, s.errors5xx])).toEqual([
      ['default/guestbook-canary', 24026, 1955],
      ['default/guestbook-stable', 23974, 0],
    ]);
    expect([c.impact.callers.requests, c.impact.callers.errors5xx]).toEqual([48000, 1955]);
  });
});

describe('models/progressive-delivery: what the timelines mean', () => {
  it('faulty podinfo: every check reads the canary success rate within sampling error of 97 %', async () => {
    const r = await runModel('models/progressive-delivery/flagger/podinfo-canary-faulty.scenario.yaml', {
      seed: 7,
    });
    const c = r.progressiveDelivery![0]!;
    expect(c.outcome).toBe('failed');
    // 5 failed checks (threshold 5), each over 1 minute of ~30 requests/s at the canary (20/s from the
    // load tester + 10 % of 100/s users): the rate of non-5xx is 97 % within a binomial band.
    const holds = c.decisions.filter((d) => d.verdict === 'hold');
    expect(holds).toHaveLength(5);
    const band = binomialBand(1800, 0.97);
    for (const h of holds) {
      const v = h.metrics[0]!.value!;
      expect(v).toBeGreaterThan((band.low / 1800) * 100);
      expect(v).toBeLessThan((band.high / 1800) * 100);
    }
    expect(c.finishedAtMs).toBe(480_000);
    // the gateway's retries (gateway-error, 3 attempts) hide most 503s from the users
    expect(c.impact.callers.errorRate).toBeLessThan(c.impact.served[0]!.errorRate / 3);
  });
});
