import { describe, expect, it } from 'vitest';
import {
  groupPods,
  objectAverageReplicas,
  objectValueReplicas,
  plainMetricReplicas,
  type PodView,
  resourceReplicas,
} from '../../src/mesh/autoscaling/replica-calculator.js';

const S = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };
const NOW = 1_000_000;

/** A ready pod started long ago, with a CPU sample of `milli` against a 100m request. */
function pod(name: string, milli: number | undefined, extra: Partial<PodView> = {}): PodView {
  return {
    name,
    phase: 'Running',
    deleted: false,
    ready: true,
    readyChangedMs: 0,
    startMs: 0,
    metric: milli === undefined ? undefined : { value: milli, timestampMs: NOW, windowMs: 15_000 },
    requestMilli: 100,
    ...extra,
  };
}

describe('GetResourceReplicas (utilization of request)', () => {
  it('keeps the count within the tolerance: just inside, at and just outside 10 %', () => {
    // 3 pods, target 50 %: 54 % is a ratio of 1.08 (inside); 55 % is 1.1, but |1 - 55/50| is
    // 0.10000000000000009 in float64, above the 0.1 tolerance, so the controller (Go, the same IEEE
    // arithmetic) scales: the edge is exclusive in practice; 56 % is 1.12 (out).
    const at = (u: number) => resourceReplicas(3, 50, 'cpu', [pod('a', u), pod('b', u), pod('c', u)], NOW, S);
    expect(at(54)).toEqual({ ok: true, replicas: 3, current: 54 });
    expect(at(55)).toEqual({ ok: true, replicas: 4, current: 55 });
    expect(at(56)).toEqual({ ok: true, replicas: 4, current: 56 }); // ceil(1.12 x 3) = 4
    expect(at(45)).toEqual({ ok: true, replicas: 3, current: 45 }); // 0.9: inside
    expect(at(44)).toEqual({ ok: true, replicas: 3, current: 44 }); // ceil(0.88 x 3) = ceil(2.64) = 3
    expect(at(30)).toEqual({ ok: true, replicas: 2, current: 30 }); // ceil(0.6 x 3) = 2
  });

  it('truncates utilization to an integer percent before the ratio, as the controller does', () => {
    // 3 pods using 101m, 100m, 100m of 100m each: 301 / 300 = 100.33 % -> 100 %.
    const r = resourceReplicas(2, 50, 'cpu', [pod('a', 101), pod('b', 100), pod('c', 100)], NOW, S);
    expect(r).toEqual({ ok: true, replicas: 6, current: 100 });
  });

  it('counts missing pods as 100 % on a scale-down and 0 % on a scale-up, then refuses a reversed direction', () => {
    // Scale-down: two pods at 20 % (target 50), one without metrics counted at 100 %: (20+20+100)/3 = 46.7 %
    // -> ratio 0.93, within tolerance: no change.
    expect(resourceReplicas(3, 50, 'cpu', [pod('a', 20), pod('b', 20), pod('c', undefined)], NOW, S)).toEqual(
      {
        ok: true,
        replicas: 3,
        current: 20,
      },
    );
    // Scale-up: two at 150 %, one missing at 0 %: 100 % -> ratio 2 -> ceil(2 x 3) = 6.
    expect(
      resourceReplicas(3, 50, 'cpu', [pod('a', 150), pod('b', 150), pod('c', undefined)], NOW, S),
    ).toEqual({
      ok: true,
      replicas: 6,
      current: 150,
    });
  });

  it('ignores an unready pod in its CPU initialisation period and counts it at 0 % on a scale-up', () => {
    const starting = pod('c', 0, { ready: false, startMs: NOW - 20_000, readyChangedMs: NOW - 20_000 });
    // Two pods at 117 % of a 60 % target: 1.95; with the starting pod at 0 %: 78 % -> 1.3 -> ceil(3.9) = 4.
    const r = resourceReplicas(3, 60, 'cpu', [pod('a', 117), pod('b', 117), starting], NOW, S);
    expect(r).toEqual({ ok: true, replicas: 4, current: 117 });
    // Rebalanced below the target: the direction reverses, so no change (81 % -> 54 %: ratio 0.9).
    const r2 = resourceReplicas(3, 60, 'cpu', [pod('a', 81), pod('b', 81), starting], NOW, S);
    expect(r2).toEqual({ ok: true, replicas: 3, current: 81 });
  });

  it('fails without requests or without any usable metric, as the controller reports it', () => {
    expect(resourceReplicas(2, 50, 'cpu', [pod('a', 50, { requestMilli: undefined })], NOW, S)).toEqual({
      ok: false,
      error: 'missing request for cpu',
    });
    expect(resourceReplicas(2, 50, 'cpu', [pod('a', undefined)], NOW, S)).toEqual({
      ok: false,
      error: 'did not receive metrics for any ready pods',
    });
  });
});

describe('groupPods (which samples count)', () => {
  it('within the CPU initialisation period, needs one full window after the pod became ready', () => {
    const ready = (readyChangedMs: number) =>
      pod('p', 50, {
        startMs: NOW - 60_000,
        readyChangedMs,
        metric: { value: 50, timestampMs: NOW, windowMs: 15_000 },
      });
    // Sample at NOW, window 15 s: a pod ready at NOW-15 s counts (not before), one ready at NOW-14.999 s is ignored.
    expect(groupPods([ready(NOW - 15_000)], true, NOW, S).ignored.size).toBe(0);
    expect(groupPods([ready(NOW - 14_999)], true, NOW, S).ignored.size).toBe(1);
    // The same pod for a non-CPU metric is never ignored.
    expect(groupPods([ready(NOW - 14_999)], false, NOW, S).readyPodCount).toBe(1);
  });

  it('after the initialisation period, ignores only an unready pod that has never been ready', () => {
    const start = NOW - 400_000;
    // Never ready: its Ready condition changed within initialReadinessDelay (30 s) of its start.
    const never = pod('n', 50, { ready: false, startMs: start, readyChangedMs: start + 29_999 });
    const wasReady = pod('w', 50, { ready: false, startMs: start, readyChangedMs: start + 30_000 });
    const g = groupPods([never, wasReady], true, NOW, S);
    expect([...g.ignored]).toEqual(['n']);
    expect(g.readyPodCount).toBe(1);
  });
});

describe('plain and object metrics', () => {
  it('Pods metrics compare the integer average per pod to the target', () => {
    // 3 pods at 12, 12, 13 requests/s against 10/s: average 12.333 -> 12333m -> 1.2333 -> ceil(3.7) = 4.
    const pods = [pod('a', 12_000), pod('b', 12_000), pod('c', 13_000)];
    expect(plainMetricReplicas(3, 10_000, false, pods, NOW, S)).toEqual({
      ok: true,
      replicas: 4,
      current: 12_333,
    });
  });

  it('Object Value and AverageValue targets', () => {
    // 250/s against a Value of 100/s with 2 ready pods: ceil(2.5 x 2) = 5; within tolerance keeps the count.
    expect(objectValueReplicas(2, 250_000, 100_000, 2, S)).toEqual({
      ok: true,
      replicas: 5,
      current: 250_000,
    });
    expect(objectValueReplicas(2, 109_000, 100_000, 2, S)).toEqual({
      ok: true,
      replicas: 2,
      current: 109_000,
    });
    expect(objectValueReplicas(2, 111_000, 100_000, 2, S)).toEqual({
      ok: true,
      replicas: 3,
      current: 111_000,
    });
    // AverageValue 50/s per pod for 250/s: ceil(5) = 5 pods; shown per pod as the current average.
    expect(objectAverageReplicas(2, 250_000, 50_000, S)).toEqual({ ok: true, replicas: 5, current: 125_000 });
  });
});
