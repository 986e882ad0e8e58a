import { describe, expect, it } from 'vitest';
import type { ChaosEvent } from '../../src/config/scenario/index.js';
import type { HpaRecord } from '../../src/mesh/autoscaling/hpa-record.js';
import type { ControllerResult } from '../../src/mesh/progressive-delivery/timeline.js';
import { renderText } from '../../src/report/fortio-text.js';
import { resultSchema } from '../../src/report/result-schema.js';
import { timelineEvents } from '../../src/run/timeline-events.js';
import { runModel } from '../support/run-model.js';

const hpa: HpaRecord = {
  name: 'shop/checkout',
  target: 'Deployment/checkout',
  minReplicas: 2,
  maxReplicas: 10,
  syncs: [],
  events: [
    {
      timeMs: 30_000,
      from: 2,
      to: 4,
      reason: 'cpu resource utilization (percentage of request) above target',
    },
  ],
};
const canary = {
  kind: 'Canary',
  name: 'test/podinfo',
  decisions: [
    {
      timeMs: 30_000,
      step: 2,
      weight: 10,
      phase: 'Progressing',
      verdict: 'advance',
      metrics: [],
      message: 'Advance',
    },
  ],
} as unknown as ControllerResult;
const chaos = (atMs: number, e: Omit<ChaosEvent, 'atMs'>) => ({ timeMs: atMs, event: { atMs, ...e } });

describe('timelineEvents: chaos, rescales and rollout decisions in one time-ordered list', () => {
  it('same instant: chaos, then the rescale, then the rollout step; a revert at its `for`', () => {
    const events = timelineEvents(
      [
        chaos(30_000, { target: 'shop/checkout', action: { kind: 'crash', pods: 1 }, forMs: 10_000 }),
        chaos(5_000, { action: { kind: 'zone-down', zone: 'eu-west-1a' }, forMs: 0 }),
      ],
      [hpa],
      [canary],
      60_000,
    );
    expect(events.map((e) => [e.timeMs, e.kind, e.source, e.target, e.text])).toEqual([
      [5_000, 'chaos', 'chaos', 'eu-west-1a', 'zone eu-west-1a down'],
      [30_000, 'chaos', 'chaos', 'shop/checkout', 'crash 1 pod'],
      [
        30_000,
        'rescale',
        'HorizontalPodAutoscaler shop/checkout',
        'shop/checkout',
        'SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target',
      ],
      [
        30_000,
        'rollout',
        'Canary test/podinfo',
        'test/podinfo',
        'Progressing advance, canary weight 10 %: Advance',
      ],
      [40_000, 'chaos-revert', 'chaos', 'shop/checkout', 'revert crash 1 pod'],
    ]);
    expect(events[2]!.replicas).toEqual({ from: 2, to: 4 });
  });

  it('a revert is listed only when the run reached it: just below, at and above the end', () => {
    const ev = [chaos(10_000, { target: 'a/b', action: { kind: 'scale', replicas: 3 }, forMs: 5_000 })];
    const reverts = (end: number) => timelineEvents(ev, [], [], end).filter((e) => e.kind === 'chaos-revert');
    expect(reverts(15_001).map((e) => e.text)).toEqual(['revert scale to 3 replicas']);
    expect(reverts(15_000)).toEqual([]);
    expect(reverts(14_999)).toEqual([]);
  });

  it('is the same list twice (no dependence on insertion order of equal keys beyond the sources)', () => {
    const a = timelineEvents([], [hpa, { ...hpa, name: 'shop/a' }], [canary], 60_000);
    const b = timelineEvents([], [hpa, { ...hpa, name: 'shop/a' }], [canary], 60_000);
    expect(a).toEqual(b);
    expect(a.map((e) => e.source)).toEqual([
      'HorizontalPodAutoscaler shop/a',
      'HorizontalPodAutoscaler shop/checkout',
      'Canary test/podinfo',
    ]);
  });
});

describe('timelineEvents in a run (models/autoscaling/ramp, golden)', () => {
  it('the three rescales, in the Result, its schema and the text report', async () => {
    const r = await runModel('models/autoscaling/ramp.scenario.yaml');
    expect(r.timelineEvents!.map((e) => [e.timeMs / 1000, e.kind, e.replicas])).toEqual([
      [75, 'rescale', { from: 2, to: 4 }],
      [135, 'rescale', { from: 4, to: 8 }],
      [675, 'rescale', { from: 8, to: 3 }],
    ]);
    expect(resultSchema.safeParse(r).success).toBe(true);
    const text = renderText(r);
    expect(text).toContain('Timeline (chaos events, HPA rescales, rollout decisions):');
    expect(text).toMatch(
      /675s\s+rescale\s+HorizontalPodAutoscaler shop\/checkout\s+shop\/checkout\s+SuccessfulRescale New size: 3; reason: All metrics below target/,
    );
  });

  it('chaos events as they ran (models/outlier/one-bad-of-three: errors set at 30 s, reverted at 100 s)', async () => {
    const r = await runModel('models/outlier/one-bad-of-three.scenario.yaml');
    expect(r.timelineEvents!.map((e) => [e.timeMs / 1000, e.kind, e.target, e.text])).toEqual([
      [30, 'chaos', 'shop/ratings-flaky', 'set errors'],
      [100, 'chaos-revert', 'shop/ratings-flaky', 'revert set errors'],
    ]);
  });

  it('a run without chaos, HPA or rollout has no timelineEvents and no Timeline section', async () => {
    const r = await runModel('models/circuit-breaker/fortio-c1.scenario.yaml');
    expect(r.timelineEvents).toBeUndefined();
    expect(renderText(r)).not.toContain('Timeline');
  });
});
