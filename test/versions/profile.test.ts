import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ISTIO_PROFILE,
  ISTIO_VERSIONS,
  istioProfile,
  parseIstioVersion,
} from '../../src/config/istio-version.js';
import { NEWEST_ENVOY_BEHAVIOUR } from '../../src/envoy/upstream/envoy-behaviour.js';

/** One row per version: the profile fields in release order (the table folded by hand). */
const EXPECTED = {
  //       envoy   503x  inbound td                       shadow  h2        remain budget   overflow   meshDTP unhealthy
  '1.24': ['1.32', true, true, 'ignored', true, 2 ** 31 - 1, true, 20, 'pending', false, false],
  '1.25': ['1.33', true, true, 'prefer-close', true, 2 ** 31 - 1, true, 20, 'pending', false, false],
  '1.26': ['1.34', true, true, 'prefer-close', true, 2 ** 31 - 1, true, 20, 'pending', false, false],
  '1.27': [
    '1.35',
    true,
    true,
    'prefer-same-zone-node',
    true,
    2 ** 31 - 1,
    true,
    0.2,
    'pending',
    false,
    false,
  ],
  '1.28': ['1.36', true, true, 'prefer-same-zone-node', false, 1024, true, 0.2, 'pending', false, false],
  '1.29': ['1.37', true, true, 'prefer-same-zone-node', false, 1024, false, 0.2, 'pending', false, false],
  '1.30': ['1.38', true, true, 'prefer-same-zone-node', false, 1024, false, 20, 'active', false, false],
  '1.31': ['1.39', true, true, 'prefer-same-zone-node', false, 1024, false, 20, 'active', true, true],
} as const;

describe('Istio version profiles: the one table folded per release line', () => {
  for (const v of ISTIO_VERSIONS) {
    it(`${v}: every version-sensitive behaviour`, () => {
      const p = istioProfile(v);
      const [envoy, x503, inbound, td, shadow, h2, remaining, budget, overflow, dtp, unhealthy] = EXPECTED[v];
      expect(p.version).toBe(v);
      expect(p.envoy.version).toBe(envoy);
      expect(p.excludeUnsafe503FromDefaultRetry).toBe(x503);
      expect(p.inboundRetryPolicy).toBe(inbound);
      expect(p.trafficDistribution).toBe(td);
      expect(p.shadowHostSuffix).toBe(shadow);
      expect(p.envoy.http2MaxConcurrentStreamsDefault).toBe(h2);
      expect(p.envoy.trackRemaining).toBe(remaining);
      expect(p.retryBudgetDefaultPercent).toBe(budget);
      expect(p.envoy.maxRequestsOverflowCounter).toBe(`upstream_rq_${overflow}_overflow`);
      expect(p.meshDefaultTrafficPolicy).toBe(dtp);
      expect(p.autoSendUnhealthyEndpoints).toBe(unhealthy);
      expect(p.envoy.strictMaxEjectionPercent).toBe(true);
    });
  }

  it('the default is the newest line, and an Envoy without a version behaves as its Envoy', () => {
    expect(DEFAULT_ISTIO_PROFILE.version).toBe('1.31');
    expect(NEWEST_ENVOY_BEHAVIOUR).toEqual(DEFAULT_ISTIO_PROFILE.envoy);
  });

  it('a compatibility flag flipped back restores the old behaviour (as compatibility-version-1.23.yaml does)', () => {
    const p = istioProfile('1.24', { excludeUnsafe503FromDefaultRetry: false, inboundRetryPolicy: false });
    expect(p.excludeUnsafe503FromDefaultRetry).toBe(false);
    expect(p.inboundRetryPolicy).toBe(false);
    expect(istioProfile('1.24').excludeUnsafe503FromDefaultRetry).toBe(true);
  });
});

describe('parseIstioVersion: the supported lines and nothing else', () => {
  it.each([
    ['1.24', '1.24'],
    ['1.31', '1.31'],
    ['1.28.2', '1.28'],
    ['v1.30.0', '1.30'],
    ['1.27.0-beta.1', '1.27'],
  ])('%s -> %s', (raw, line) => {
    const p = parseIstioVersion(raw);
    expect(p.ok && p.profile.version).toBe(line);
  });

  it.each(['1.23', '1.32', '2.0', 'latest', ''])('"%s" is refused with the supported list', (raw) => {
    const p = parseIstioVersion(raw);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.message).toContain('supported: 1.24, 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31');
  });

  it('a YAML number (1.30 read as 1.3) is refused with a hint to quote it', () => {
    const p = parseIstioVersion(1.3);
    expect(!p.ok && p.message).toContain('got the number 1.3 (quote it');
  });
});
