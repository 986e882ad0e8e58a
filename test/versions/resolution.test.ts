import { describe, expect, it } from 'vitest';
import { effectiveClusterPolicy } from '../../src/config/cluster-policy.js';
import { inboundRetryPolicy } from '../../src/config/inbound-retry-policy.js';
import { istioProfile } from '../../src/config/istio-version.js';
import { trafficDistributionLocality } from '../../src/config/istio-version-locality.js';
import { resolveTrafficPolicy } from '../../src/config/resolve/destination-rule.js';
import { translateRetries } from '../../src/config/retry-policy.js';
import { poolConfig } from '../../src/envoy/upstream/conn-pool/index.js';
import { shadowHost } from '../../src/envoy/router/shadow.js';

const http = { istioProtocol: 'http' as const };

describe('1.24: the default retry without 503, the inbound retry (compatibility-version-1.23.yaml flags)', () => {
  const old = istioProfile('1.24', { excludeUnsafe503FromDefaultRetry: false, inboundRetryPolicy: false });
  it('EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY: codes [] since 1.24, [503] with the flag off; kept by explicit retries', () => {
    expect(translateRetries(undefined, istioProfile('1.24'))!.retriableStatusCodes).toEqual([]);
    expect(translateRetries(undefined, old)!.retriableStatusCodes).toEqual([503]);
    expect(translateRetries({ attempts: 4 }, old)!.retriableStatusCodes).toEqual([503]);
    expect(translateRetries({ attempts: 4, retryOn: '5xx' }, old)!.retriableStatusCodes).toEqual([]);
  });
  it('ENABLE_INBOUND_RETRY_POLICY: reset-before-request twice since 1.24, none with the flag off', () => {
    expect(inboundRetryPolicy(http, undefined, istioProfile('1.24'))!.retryOn).toEqual([
      'reset-before-request',
    ]);
    expect(inboundRetryPolicy(http, undefined, old)).toBeNull();
  });
});

describe('retryBudget default percent: 0.2 % in 1.27-1.29 (the bug), 20 % since 1.30', () => {
  it.each([
    ['1.27', 0.2],
    ['1.29', 0.2],
    ['1.30', 20],
    ['1.31', 20],
  ] as const)('%s: %d %%', (v, pct) => {
    expect(resolveTrafficPolicy({ retryBudget: {} }, istioProfile(v)).retryBudget!.percent).toBe(pct);
    expect(resolveTrafficPolicy({ retryBudget: { percent: 5 } }, istioProfile(v)).retryBudget!.percent).toBe(
      5,
    );
  });
});

describe('panic threshold without outlier detection: 50 before 1.31, 0 with PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS', () => {
  it.each([
    ['1.30', 50],
    ['1.31', 0],
  ] as const)('%s: %d', (v, t) => {
    expect(effectiveClusterPolicy(undefined, undefined, 80, istioProfile(v)).panicThresholdPercent).toBe(t);
  });
  it('with outlier detection it stays minHealthPercent on both sides', () => {
    const dr = {
      meta: {
        name: 'd',
        namespace: 'default',
        labels: {},
        annotations: {},
        source: { file: '', line: 0, column: 0 },
      },
      host: 'api.default.svc.cluster.local',
      subsets: [],
      exportTo: [],
      trafficPolicy: resolveTrafficPolicy({ outlierDetection: { minHealthPercent: 30 } }),
    };
    for (const v of ['1.30', '1.31'] as const)
      expect(effectiveClusterPolicy(dr, undefined, 80, istioProfile(v)).panicThresholdPercent).toBe(30);
  });
});

describe('HTTP/2 max_concurrent_streams default: 2^31-1 before Envoy 1.36 (Istio 1.28), 1024 since', () => {
  const spec = () => ({
    protocol: 'http2' as const,
    policy: effectiveClusterPolicy(undefined, undefined, 80),
  });
  it.each([
    ['1.27', 2 ** 31 - 1],
    ['1.28', 1024],
  ] as const)('%s: %d streams per connection', (v, n) => {
    expect(poolConfig(spec(), istioProfile(v).envoy).concurrentStreamLimit).toBe(n);
  });
  it('a DR maxConcurrentStreams wins on both sides', () => {
    const policy = effectiveClusterPolicy(undefined, undefined, 80);
    const withMcs = {
      protocol: 'http2' as const,
      policy: {
        ...policy,
        connectionPool: {
          ...policy.connectionPool,
          http: { ...policy.connectionPool.http, maxConcurrentStreams: 7 },
        },
      },
    };
    for (const v of ['1.27', '1.28'] as const)
      expect(poolConfig(withMcs, istioProfile(v).envoy).concurrentStreamLimit).toBe(7);
  });
});

describe('mirror Host: -shadow appended before Istio 1.28 (DISABLE_SHADOW_HOST_SUFFIX)', () => {
  it('profiles', () => {
    expect([istioProfile('1.27').shadowHostSuffix, istioProfile('1.28').shadowHostSuffix]).toEqual([
      true,
      false,
    ]);
  });
  it.each([
    ['api', 'api-shadow'],
    ['api.default.svc.cluster.local:8080', 'api.default.svc.cluster.local-shadow:8080'],
    ['10.0.0.1:80', '10.0.0.1-shadow:80'],
    ['[::1]:80', '[::1]-shadow:80'],
    ['[::1]', '[::1]-shadow'],
  ])('%s -> %s', (a, b) => {
    expect(shadowHost(a)).toBe(b);
  });
});

describe('trafficDistribution priorities per release line', () => {
  const labels = (v: Parameters<typeof istioProfile>[0], td: string) =>
    trafficDistributionLocality(td, istioProfile(v))?.failoverPriority;
  it('PreferClose: none in 1.24; region, zone, subzone in 1.25-1.26; region, zone since 1.27', () => {
    expect(labels('1.24', 'PreferClose')).toBeUndefined();
    expect(labels('1.26', 'PreferClose')).toEqual([
      'topology.kubernetes.io/region',
      'topology.kubernetes.io/zone',
      'topology.istio.io/subzone',
    ]);
    expect(labels('1.27', 'PreferClose')).toEqual([
      'topology.kubernetes.io/region',
      'topology.kubernetes.io/zone',
    ]);
  });
  it('PreferSameNode: ignored in 1.26, subzone (no node model) since 1.27; unknown values never', () => {
    expect(labels('1.26', 'PreferSameNode')).toBeUndefined();
    expect(labels('1.27', 'PreferSameNode')).toHaveLength(3);
    expect(labels('1.31', 'PreferFar')).toBeUndefined();
    expect(trafficDistributionLocality('PreferSameZone', istioProfile('1.27'))!.forced).toBe(true);
  });
});
