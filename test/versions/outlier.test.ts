import { describe, expect, it } from 'vitest';
import { istioProfile } from '../../src/config/istio-version.js';
import type { OutlierDetectionDoc } from '../../src/config/schema/destination-rule.js';
import { HealthFlag, type Host } from '../../src/envoy/index.js';
import { OutlierDetector } from '../../src/envoy/upstream/outlier-detection/index.js';
import { FakeCluster, policy } from '../envoy/upstream/support.js';

const ejected = (h: Host) => (h.healthFlags & HealthFlag.FAILED_OUTLIER_CHECK) !== 0;

function setup(od: OutlierDetectionDoc, hosts: number, strict: boolean) {
  const p = policy({}, od);
  const cluster = new FakeCluster(p, hosts);
  const envoy = istioProfile('1.31', { 'envoy.strictMaxEjectionPercent': strict }).envoy;
  Object.assign(cluster.ctx, { envoy });
  const d = new OutlierDetector(cluster, p.outlierDetection!);
  cluster.outlierDetector = d;
  const codes = (h: Host, status: number, n: number) => {
    for (let i = 0; i < n; i++) d.putHttpResponseCode(h, status);
  };
  return { h: cluster.hosts, c: cluster.stats.counters, codes };
}

describe('max_ejection_percent: strict since Envoy PR #27909 (every supported line), first ejection allowed before', () => {
  // 3 hosts, Istio's default maxEjectionPercent 10: one ejection would be 33 % > 10 %.
  it('strict (Envoy >= 1.27, Istio >= 1.19): the 5th 5xx does not eject, ejections_overflow counts it', () => {
    const { h, c, codes } = setup({ consecutive5xxErrors: 5 }, 3, true);
    codes(h[0]!, 500, 5);
    expect(ejected(h[0]!)).toBe(false);
    expect(c['outlier_detection.ejections_overflow']).toBe(1);
    expect(c['outlier_detection.ejections_enforced_total']).toBe(0);
  });

  it('before #27909: the first ejection is always allowed (0 % ejected < 10 %), the second overflows', () => {
    const { h, c, codes } = setup({ consecutive5xxErrors: 5 }, 3, false);
    codes(h[0]!, 500, 5);
    expect(ejected(h[0]!)).toBe(true);
    codes(h[1]!, 500, 5);
    expect(ejected(h[1]!)).toBe(false);
    expect(c['outlier_detection.ejections_enforced_total']).toBe(1);
    expect(c['outlier_detection.ejections_overflow']).toBe(1);
  });

  it('at the boundary: 10 hosts, 10 %: one ejection is exactly 10 % (allowed strict), a second is 20 %', () => {
    const { h, c, codes } = setup({ consecutive5xxErrors: 5 }, 10, true);
    codes(h[0]!, 500, 5);
    codes(h[1]!, 500, 5);
    expect([ejected(h[0]!), ejected(h[1]!)]).toEqual([true, false]);
    expect(c['outlier_detection.ejections_overflow']).toBe(1);
  });
});

describe('outlierDetectionHttpErrorCodes (Istio 1.31): only the listed statuses are errors', () => {
  const od = (codes: number[]): OutlierDetectionDoc => ({
    consecutive5xxErrors: 3,
    maxEjectionPercent: 100,
    outlierDetectionHttpErrorCodes: codes,
  });

  it('codes [503]: three 500s never eject, three 503s do', () => {
    const { h, codes } = setup(od([503]), 10, true);
    codes(h[0]!, 500, 3);
    expect(ejected(h[0]!)).toBe(false);
    codes(h[1]!, 503, 2);
    expect(ejected(h[1]!)).toBe(false);
    codes(h[1]!, 503, 1);
    expect(ejected(h[1]!)).toBe(true);
  });

  it('a listed non-5xx code (429) counts; an unlisted status resets the run', () => {
    const { h, codes } = setup(od([429]), 10, true);
    codes(h[0]!, 429, 2);
    codes(h[0]!, 503, 1);
    codes(h[0]!, 429, 2);
    expect(ejected(h[0]!)).toBe(false);
    codes(h[0]!, 429, 1);
    expect(ejected(h[0]!)).toBe(true);
  });

  it('unset: the 5xx rule (499 is no error, 500 and 599 are)', () => {
    const { h, codes } = setup({ consecutive5xxErrors: 3, maxEjectionPercent: 100 }, 10, true);
    codes(h[0]!, 499, 3);
    codes(h[1]!, 599, 3);
    expect([ejected(h[0]!), ejected(h[1]!)]).toEqual([false, true]);
  });
});
