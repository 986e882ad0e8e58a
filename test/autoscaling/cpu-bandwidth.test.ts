import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { BandwidthState, CpuBandwidth, cfsQuotaMs } from '../../src/mesh/cpu-bandwidth.js';

/** A group with `quotaMs` per 100 ms period; records when each piece of work finished its CPU. */
function group(quotaMs: number, threads = Number.POSITIVE_INFINITY) {
  const sim = new Simulation();
  const finished: [string, number][] = [];
  let charged = 0;
  const b = new CpuBandwidth<string>(
    sim,
    quotaMs,
    100,
    threads,
    (token) => finished.push([token, sim.now]),
    (ms) => {
      charged += ms;
    },
  );
  /** `n` pieces of `cpuMs` each, submitted at `atMs`. */
  const burst = (atMs: number, n: number, cpuMs: number, prefix = 'r') =>
    sim.scheduleAt(
      atMs,
      () => {
        for (let i = 0; i < n; i++) b.submit(`${prefix}${i}`, cpuMs, 0);
      },
      null,
    );
  return { sim, b, finished, burst, charged: () => charged };
}

describe('cfsQuotaMs: a CPU limit as the kubelet writes cpu.cfs_quota_us (MilliCPUToQuota)', () => {
  it('is limit x period / 1000, at least 1 ms', () => {
    expect(cfsQuotaMs(500, 100)).toBe(50);
    expect(cfsQuotaMs(2000, 100)).toBe(200);
    expect(cfsQuotaMs(10, 100)).toBe(1);
    expect(cfsQuotaMs(9, 100)).toBe(1);
    expect(cfsQuotaMs(11, 100)).toBeCloseTo(1.1, 12);
  });
});

describe('CpuBandwidth: a burst of parallel requests against a 50 ms quota (500m)', () => {
  it('just below the quota (9 x 5 ms = 45 ms): nothing waits, two periods counted, none throttled', () => {
    const g = group(50);
    g.burst(0, 9, 5);
    g.sim.run();
    expect(g.finished.map(([, t]) => t)).toEqual(Array(9).fill(5));
    g.b.settle(1000);
    // The period the burst ran in, and the idle one after it at whose expiry the timer stops.
    expect([g.b.nrPeriods, g.b.nrThrottled, g.b.throttledMs]).toEqual([2, 0, 0]);
    expect(g.b.state).toBe(BandwidthState.Idle);
    expect(g.charged()).toBeCloseTo(45, 9);
  });

  it('at the quota (10 x 5 ms = 50 ms): the quota runs out as the last thread finishes, not throttled', () => {
    const g = group(50);
    g.burst(0, 10, 5);
    g.sim.run();
    expect(g.finished.map(([, t]) => t)).toEqual(Array(10).fill(5));
    g.b.settle(1000);
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([2, 0]);
  });

  it('just above the quota (11 x 5 ms = 55 ms): all 11 are throttled at 50/11 ms and finish in the next period', () => {
    const g = group(50);
    g.burst(0, 11, 5);
    g.sim.run();
    // 11 threads drain 50 ms in 4.545 ms; each has 5/11 ms left, run in parallel after the refill at 100 ms.
    for (const [, t] of g.finished) expect(t).toBeCloseTo(100 + 5 / 11, 9);
    expect(g.finished).toHaveLength(11);
    g.b.settle(1000);
    // Expiries at 100 (throttled), 200 (used in 100..200) and 300 (idle: the timer stops).
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([3, 1]);
    expect(g.b.throttledMs).toBeCloseTo(100 - 50 / 11, 9);
    expect(g.charged()).toBeCloseTo(55, 9);
  });

  it('the same 55 ms spread over two periods is not throttled', () => {
    const g = group(50);
    g.burst(0, 6, 5);
    g.burst(100, 5, 5, 's');
    g.sim.run();
    expect(g.finished.map(([, t]) => t)).toEqual([...Array(6).fill(5), ...Array(5).fill(105)]);
    g.b.settle(1000);
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([3, 0]);
  });
});

describe('CpuBandwidth: a steady single-threaded demand (one 5 ms request every 10 ms)', () => {
  function steady(quotaMs: number) {
    const g = group(quotaMs);
    for (let i = 0; i < 20; i++) g.burst(i * 10, 1, 5, `t${i * 10}-`);
    g.sim.run();
    g.b.settle(1000);
    return g;
  }

  it('with a limit of 500m (the demand exactly): every request takes 5 ms, no period throttled', () => {
    const g = steady(50);
    expect(g.finished.map(([k, t]) => t - Number(k.slice(1, k.indexOf('-'))))).toEqual(Array(20).fill(5));
    // Periods 0..100 and 100..200 used, the idle one after: 3 expiries.
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([3, 0]);
  });

  it('with 400m: the 9th and 10th request of each period wait for the next one', () => {
    const g = steady(40);
    const at = Object.fromEntries(g.finished.map(([k, t]) => [k.slice(0, k.indexOf('-')), t]));
    // 8 requests use the 40 ms by 75 ms; t80 finds no quota, t90 joins it; both run at 100 with the
    // period's own t100 (3 threads, 15 ms of CPU), finishing at 105.
    expect([at.t70, at.t80, at.t90, at.t100]).toEqual([75, 105, 105, 105]);
    // Throttled 80..100 and 160..200 (t110..t150 use the second period's 40 ms by 155).
    expect([at.t150, at.t160, at.t190]).toEqual([155, 205, 205]);
    expect([g.b.nrPeriods, g.b.nrThrottled, g.b.throttledMs]).toEqual([4, 2, 60]);
  });
});

describe('CpuBandwidth: threads, background CPU, crashes', () => {
  it('Envoy with 2 workers and 150m: 4 x 10 ms of work share two cores and need three periods', () => {
    const g = group(15, 2);
    g.burst(0, 4, 10);
    g.sim.run();
    // 2 cores: 15 ms last 7.5 ms per period; 40 ms need 15 + 15 + 10 (at 200 + 5 ms).
    expect(g.finished.map(([, t]) => t)).toEqual(Array(4).fill(205));
    g.b.settle(1000);
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([4, 2]);
    expect(g.b.throttledMs).toBeCloseTo(2 * 92.5, 9);
  });

  it('background CPU keeps the period timer running and takes its share of each quota', () => {
    const g = group(50);
    g.b.setBackground(200); // 20 ms of each 100 ms period
    g.burst(300, 7, 5);
    g.sim.run();
    // 30 ms left for requests: 7 x 5 ms = 35 ms throttle at 30/7 ms into the burst.
    for (const [, t] of g.finished) expect(t).toBeCloseTo(400 + 5 / 7, 9);
    g.b.settle(1000);
    expect([g.b.nrPeriods, g.b.nrThrottled]).toEqual([10, 1]);
  });

  it('a crash drops the running work; counters stay and the idle timer stops', () => {
    const g = group(50);
    g.burst(0, 20, 5);
    g.sim.scheduleAt(50, () => g.b.clear(), null);
    g.sim.run();
    expect(g.finished).toEqual([]);
    g.b.settle(1000);
    // Throttled in 0..100, idle in 100..200.
    expect([g.b.nrPeriods, g.b.nrThrottled, g.b.runnable]).toEqual([2, 1, 0]);
  });

  it('is deterministic: the same submissions give the same completions', () => {
    const a = group(30);
    const b = group(30);
    for (const g of [a, b]) for (let i = 0; i < 50; i++) g.burst(i * 7, 1 + (i % 4), 3 + (i % 5));
    a.sim.run();
    b.sim.run();
    expect(a.finished).toEqual(b.finished);
    expect(a.finished).toHaveLength(123);
  });
});
