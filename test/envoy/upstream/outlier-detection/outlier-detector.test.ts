import { describe, expect, it } from 'vitest';
import type { OutlierDetectionDoc } from '../../../../src/config/schema/destination-rule.js';
import { HealthFlag, type Host } from '../../../../src/envoy/index.js';
import { OutlierDetector } from '../../../../src/envoy/upstream/outlier-detection/index.js';
import { FakeCluster, policy } from '../support.js';

function setup(od: OutlierDetectionDoc, hosts = 10) {
  const p = policy({}, od);
  const cluster = new FakeCluster(p, hosts);
  const d = new OutlierDetector(cluster, p.outlierDetection!);
  cluster.outlierDetector = d;
  const sim = cluster.ctx.sim;
  return {
    cluster,
    d,
    sim,
    h: cluster.hosts,
    c: cluster.stats.counters,
    g: cluster.stats.gauges,
    log: cluster.ctx.observer,
    codes(host: Host, status: number, n: number) {
      for (let i = 0; i < n; i++) d.putHttpResponseCode(host, status);
    },
  };
}
const ejected = (h: Host) => (h.healthFlags & HealthFlag.FAILED_OUTLIER_CHECK) !== 0;
const pct100 = { maxEjectionPercent: 100 };

describe('OutlierDetector: consecutive errors (semantics §3.2, §3.3)', () => {
  it('4 consecutive 5xx keep the host in, the 5th ejects it at once', () => {
    const { h, codes, c, g, log, cluster } = setup({ consecutive5xxErrors: 5 });
    codes(h[0]!, 500, 4);
    expect(ejected(h[0]!)).toBe(false);
    codes(h[0]!, 500, 1);
    expect(ejected(h[0]!)).toBe(true);
    expect(c['outlier_detection.ejections_detected_consecutive_5xx']).toBe(1);
    expect(c['outlier_detection.ejections_enforced_consecutive_5xx']).toBe(1);
    expect(c['outlier_detection.ejections_enforced_total']).toBe(1);
    expect(c['outlier_detection.ejections_total']).toBe(1);
    expect(g['outlier_detection.ejections_active']).toBe(1);
    expect(cluster.healthChanges).toBe(1);
    expect(log.ejections).toEqual([
      {
        timeMs: 0,
        sidecar: 'client-0',
        cluster: cluster.name,
        host: h[0]!.endpoint.address,
        pod: 'backend-0',
        reason: 'consecutive_5xx',
        ejectionTimeMs: 30_000,
      },
    ]);
  });

  it('a success resets the counter', () => {
    const { h, codes } = setup({ consecutive5xxErrors: 5 });
    codes(h[0]!, 503, 4);
    codes(h[0]!, 200, 1);
    codes(h[0]!, 503, 4);
    expect(ejected(h[0]!)).toBe(false);
    codes(h[0]!, 503, 1);
    expect(ejected(h[0]!)).toBe(true);
  });

  it('a 4xx is not an error: it resets the 5xx counter too', () => {
    const { h, codes } = setup({ consecutive5xxErrors: 2 });
    codes(h[0]!, 500, 1);
    codes(h[0]!, 404, 1);
    codes(h[0]!, 500, 1);
    expect(ejected(h[0]!)).toBe(false);
  });

  it('gateway errors Istio was not told about are detected but not enforced', () => {
    const { h, codes, c } = setup({ consecutive5xxErrors: 10 });
    codes(h[0]!, 502, 5);
    expect(c['outlier_detection.ejections_detected_consecutive_gateway_failure']).toBe(1);
    expect(c['outlier_detection.ejections_enforced_consecutive_gateway_failure']).toBe(0);
    expect(ejected(h[0]!)).toBe(false);
    // A 500 is a 5xx but not a gateway error: it resets only the gateway counter.
    codes(h[0]!, 500, 1);
    codes(h[0]!, 502, 4);
    expect(c['outlier_detection.ejections_detected_consecutive_gateway_failure']).toBe(1);
    expect(ejected(h[0]!)).toBe(true); // 5 + 1 + 4 = 10 consecutive 5xx
  });

  it('consecutiveGatewayErrors set: enforced, and the 5xx detection then finds the host already ejected', () => {
    const { h, codes, c } = setup({ consecutiveGatewayErrors: 3, consecutive5xxErrors: 3 });
    codes(h[0]!, 503, 3);
    expect(ejected(h[0]!)).toBe(true);
    expect(c['outlier_detection.ejections_enforced_consecutive_gateway_failure']).toBe(1);
    expect(c['outlier_detection.ejections_detected_consecutive_5xx']).toBe(0);
  });

  it('consecutive5xxErrors 0 disables 5xx ejection', () => {
    const { h, codes, c } = setup({ consecutive5xxErrors: 0 });
    codes(h[0]!, 500, 50);
    expect(ejected(h[0]!)).toBe(false);
    expect(c['outlier_detection.ejections_detected_consecutive_5xx']).toBe(0);
  });

  it('non-split mode: connect failures count as 503 and timeouts as 504; connect success is ignored', () => {
    const { h, d } = setup({ consecutive5xxErrors: 3 });
    d.putResult(h[0]!, 'local-origin-connect-failed');
    d.putResult(h[0]!, 'local-origin-connect-success');
    d.putResult(h[0]!, 'local-origin-timeout');
    expect(ejected(h[0]!)).toBe(false);
    d.putResult(h[0]!, 'local-origin-connect-failed');
    expect(ejected(h[0]!)).toBe(true);
  });

  it('split mode: local-origin failures have their own counter, reset by a connection success', () => {
    const { h, d, codes, c } = setup({
      splitExternalLocalOriginErrors: true,
      consecutiveLocalOriginFailures: 2,
      consecutive5xxErrors: 5,
    });
    d.putResult(h[0]!, 'local-origin-connect-failed');
    d.putResult(h[0]!, 'local-origin-connect-success');
    d.putResult(h[0]!, 'local-origin-timeout');
    expect(ejected(h[0]!)).toBe(false);
    // HTTP statuses do not touch the local-origin counter, and local failures do not count as 5xx.
    codes(h[0]!, 503, 4);
    expect(ejected(h[0]!)).toBe(false);
    d.putResult(h[0]!, 'local-origin-connect-failed');
    expect(ejected(h[0]!)).toBe(true);
    expect(c['outlier_detection.ejections_enforced_consecutive_local_origin_failure']).toBe(1);
  });

  it('errors on an ejected host change nothing and the counter is not reset until un-ejection', () => {
    const { h, codes, c } = setup({ consecutive5xxErrors: 2 });
    codes(h[0]!, 500, 2);
    codes(h[0]!, 500, 6);
    expect(c['outlier_detection.ejections_detected_consecutive_5xx']).toBe(1);
  });
});

describe('OutlierDetector: maxEjectionPercent as current Envoy enforces it (§3.3 step 2)', () => {
  it('3 hosts with the default 10 %: even the first ejection overflows', () => {
    const { h, codes, c, g } = setup({ consecutive5xxErrors: 5 }, 3);
    codes(h[0]!, 503, 5);
    expect(ejected(h[0]!)).toBe(false);
    // 503 is also a gateway error: its (unenforced) detection goes through the same percentage check
    // first, so each bout of five 503s counts two overflows.
    expect(c['outlier_detection.ejections_detected_consecutive_gateway_failure']).toBe(1);
    expect(c['outlier_detection.ejections_detected_consecutive_5xx']).toBe(1);
    expect(c['outlier_detection.ejections_overflow']).toBe(2);
    codes(h[1]!, 500, 5);
    expect(c['outlier_detection.ejections_overflow']).toBe(3);
    expect(g['outlier_detection.ejections_active']).toBe(0);
  });

  it('10 hosts with 10 %: one ejection (10 <= 10), the second overflows', () => {
    const { h, codes, c } = setup({ consecutive5xxErrors: 1 }, 10);
    codes(h[0]!, 503, 1);
    codes(h[1]!, 503, 1);
    expect([ejected(h[0]!), ejected(h[1]!)]).toEqual([true, false]);
    expect(c['outlier_detection.ejections_overflow']).toBe(1);
  });

  it('3 hosts: 33 % overflows, 34 % ejects one, 67 % ejects two but not three', () => {
    const a = setup({ consecutive5xxErrors: 1, maxEjectionPercent: 33 }, 3);
    a.codes(a.h[0]!, 503, 1);
    expect(ejected(a.h[0]!)).toBe(false);
    const b = setup({ consecutive5xxErrors: 1, maxEjectionPercent: 34 }, 3);
    b.codes(b.h[0]!, 503, 1);
    b.codes(b.h[1]!, 503, 1);
    expect([ejected(b.h[0]!), ejected(b.h[1]!)]).toEqual([true, false]);
    const e = setup({ consecutive5xxErrors: 1, maxEjectionPercent: 67 }, 3);
    for (const x of e.h) e.codes(x, 503, 1);
    expect(e.h.map(ejected)).toEqual([true, true, false]);
  });

  it('100 %: every host can be ejected', () => {
    const { h, codes, g } = setup({ consecutive5xxErrors: 1, ...pct100 }, 3);
    for (const x of h) codes(x, 503, 1);
    expect(g['outlier_detection.ejections_active']).toBe(3);
  });
});

describe('OutlierDetector: interval ticks, ejection time and back-off (§3.3 steps 3-5)', () => {
  it('un-ejects only at a tick once base x multiplier has elapsed: the tick just before keeps it out', () => {
    const { h, codes, sim, log, g } = setup(
      { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', ...pct100 },
      2,
    );
    sim.runUntil(1);
    codes(h[0]!, 503, 5); // ejected at t = 1 ms
    sim.runUntil(30_000); // tick at 30 s: 29 999 ms elapsed < 30 s
    expect(ejected(h[0]!)).toBe(true);
    sim.runUntil(39_999);
    expect(ejected(h[0]!)).toBe(true);
    sim.runUntil(40_000); // next tick: rounded up to the tick after 30 s
    expect(ejected(h[0]!)).toBe(false);
    expect(log.unejections.map((e) => e.timeMs)).toEqual([40_000]);
    expect(g['outlier_detection.ejections_active']).toBe(0);
  });

  it('an ejection exactly on the phase returns exactly at base', () => {
    const { h, codes, sim } = setup(
      { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', ...pct100 },
      2,
    );
    sim.runUntil(10_000);
    codes(h[0]!, 503, 1);
    sim.runUntil(39_999);
    expect(ejected(h[0]!)).toBe(true);
    sim.runUntil(40_000);
    expect(ejected(h[0]!)).toBe(false);
  });

  it('oracle EjectTimeBackoff: base 10 s → ejected 10 s, then 20 s, then 30 s; healthy intervals shrink it back', () => {
    const { h, codes, sim, log } = setup(
      { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '10s', ...pct100 },
      2,
    );
    const eject = () => codes(h[0]!, 503, 1);
    eject(); // t=0, 10 s
    sim.runUntil(10_000);
    expect(ejected(h[0]!)).toBe(false);
    eject(); // t=10 s, 20 s
    sim.runUntil(29_999);
    expect(ejected(h[0]!)).toBe(true);
    sim.runUntil(30_000);
    expect(ejected(h[0]!)).toBe(false);
    eject(); // t=30 s, 30 s
    sim.runUntil(60_000);
    expect(ejected(h[0]!)).toBe(false);
    // Healthy from 60 s: ticks at 70 s and 80 s each take one step off the multiplier (3 → 1).
    sim.runUntil(80_000);
    eject(); // multiplier 1 → 2: 20 s
    expect(log.ejections.map((e) => e.ejectionTimeMs)).toEqual([10_000, 20_000, 30_000, 20_000]);
    expect(log.unejections.map((e) => e.timeMs)).toEqual([10_000, 30_000, 60_000]);
  });

  it('the multiplier stops growing once base x multiplier reaches max + base; the time is capped at max', () => {
    // base 200 s, max = max(300 s, base) = 300 s.
    const { h, codes, sim, log } = setup(
      { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '200s', ...pct100 },
      2,
    );
    // Re-ejected at the tick it returns, so no healthy interval decays the multiplier.
    for (let i = 0; i < 4; i++) {
      codes(h[0]!, 503, 1);
      while (ejected(h[0]!)) sim.step();
    }
    expect(log.ejections.map((e) => e.ejectionTimeMs)).toEqual([200_000, 300_000, 300_000, 300_000]);
  });

  it('un-ejection resets every consecutive counter', () => {
    const { h, codes, sim, d } = setup(
      { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '10s', ...pct100 },
      2,
    );
    codes(h[0]!, 503, 3);
    codes(h[0]!, 503, 2); // while ejected: counter at 2
    sim.runUntil(10_000);
    expect(ejected(h[0]!)).toBe(false);
    codes(h[0]!, 503, 1);
    expect(ejected(h[0]!)).toBe(false);
    d.putHttpResponseCode(h[0]!, 503);
    d.putHttpResponseCode(h[0]!, 503);
    expect(ejected(h[0]!)).toBe(true);
  });

  it('schedules no tick while nothing can happen, and keeps the phase when traffic starts', () => {
    const { h, codes, sim } = setup(
      { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', ...pct100 },
      2,
    );
    expect(sim.pending).toBe(0);
    sim.runUntil(25_000);
    codes(h[1]!, 200, 1);
    expect(sim.pending).toBe(1);
    expect(sim.peek()).toBe(30_000);
    sim.runUntil(30_000);
    expect(sim.pending).toBe(0);
  });
});

describe('OutlierDetector: success rate and failure percentage are detected, never enforced', () => {
  it('a host far below the mean is counted under ejections_detected_success_rate only', () => {
    const { h, codes, sim, c } = setup({ interval: '10s', ...pct100 }, 5);
    for (let i = 0; i < 4; i++) codes(h[i]!, 200, 100);
    codes(h[4]!, 200, 50);
    for (let i = 0; i < 50; i++) codes(h[4]!, i % 2 ? 500 : 200, 1); // 75 % success, never 5 in a row
    sim.runUntil(10_000);
    // mean 95, stdev 10 → threshold 76: 75 is below.
    expect(c['outlier_detection.ejections_detected_success_rate']).toBe(1);
    expect(c['outlier_detection.ejections_total']).toBe(1);
    expect(c['outlier_detection.ejections_enforced_total']).toBe(0);
    expect(ejected(h[4]!)).toBe(false);
  });

  it('needs 5 hosts with 100 requests each in the interval', () => {
    const { h, codes, sim, c } = setup({ interval: '10s', ...pct100 }, 5);
    for (let i = 0; i < 4; i++) codes(h[i]!, 200, 100);
    for (let i = 0; i < 99; i++) codes(h[4]!, i % 2 ? 500 : 200, 1);
    sim.runUntil(10_000);
    expect(c['outlier_detection.ejections_detected_success_rate']).toBe(0);
  });

  it('failure percentage >= 85 % among 5 hosts with 50 requests is detected only', () => {
    const { h, codes, sim, c } = setup({ consecutive5xxErrors: 0, interval: '10s', ...pct100 }, 5);
    for (let i = 0; i < 4; i++) codes(h[i]!, 200, 50);
    codes(h[4]!, 200, 7);
    codes(h[4]!, 500, 43); // 86 % failures
    sim.runUntil(10_000);
    expect(c['outlier_detection.ejections_detected_failure_percentage']).toBe(1);
    expect(ejected(h[4]!)).toBe(false);
  });
});

describe('OutlierDetector: membership', () => {
  it('a removed ejected host leaves ejections_active and late results are ignored', () => {
    const { h, codes, d, g, sim, cluster } = setup({ consecutive5xxErrors: 1, ...pct100 }, 3);
    codes(h[0]!, 503, 1);
    const gone = cluster.hosts.shift()!;
    d.onHostRemoved(gone);
    expect(g['outlier_detection.ejections_active']).toBe(0);
    expect(ejected(gone)).toBe(false);
    codes(gone, 503, 5);
    expect(ejected(gone)).toBe(false);
    sim.runUntil(60_000);
    expect(sim.pending).toBe(0);
  });
});
