import { describe, expect, it } from 'vitest';
import { defaultLocality, resolveLoadBalancer } from '../../../../src/config/defaults.js';
import type { LoadBalancerSettings, LocalityLbSetting } from '../../../../src/config/types.js';
import type { Host, Locality } from '../../../../src/envoy/upstream/host.js';
import type { LocalityLbEndpoints } from '../../../../src/envoy/upstream/host-set.js';
import {
  buildLoadAssignment,
  lbPriority,
  localityMatch,
  localityWeightedLbEnabled,
} from '../../../../src/envoy/upstream/locality/index.js';
import { EAST_1, EAST_2, host, WEST_1 } from '../load-balancers/fixtures.js';

const EAST_1B: Locality = { region: 'us-east', zone: 'us-east-1', subZone: 'rack-b' };
const EU: Locality = { region: 'eu-west', zone: 'eu-west-1', subZone: '' };

function lb(locality: Partial<LocalityLbSetting>): LoadBalancerSettings {
  return { ...resolveLoadBalancer(undefined), locality: { ...defaultLocality(), ...locality } };
}

/** priority and weight per host name, for compact assertions. */
function summary(groups: LocalityLbEndpoints[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const g of groups) for (const h of g.hosts) out[h.endpoint.podName] = [g.priority, g.weight];
  return out;
}

const mesh = (): Host[] => [
  host({ name: 'e1a', locality: EAST_1 }),
  host({ name: 'e1b', locality: EAST_1 }),
  host({ name: 'e1rack', locality: EAST_1B }),
  host({ name: 'e2', locality: EAST_2 }),
  host({ name: 'w1', locality: WEST_1 }),
  host({ name: 'eu', locality: EU }),
];
const proxy = { locality: EAST_1, labels: {} };

describe('Istio locality matching', () => {
  it('LbPriority: same subzone 0, same zone 1, same region 2, other 3', () => {
    expect(lbPriority(EAST_1, EAST_1)).toBe(0);
    expect(lbPriority(EAST_1, EAST_1B)).toBe(1);
    expect(lbPriority(EAST_1, EAST_2)).toBe(2);
    expect(lbPriority(EAST_1, WEST_1)).toBe(3);
  });

  it('LocalityMatch: `*` and omitted parts match anything', () => {
    expect(localityMatch(EAST_2, 'us-east/*')).toBe(true);
    expect(localityMatch(EAST_2, 'us-east')).toBe(true);
    expect(localityMatch(EAST_2, 'us-east/us-east-1')).toBe(false);
    expect(localityMatch(EAST_1B, 'us-east/us-east-1/rack-b')).toBe(true);
    expect(localityMatch(WEST_1, '*')).toBe(true);
    expect(localityMatch(WEST_1, 'us-east/*')).toBe(false);
  });
});

describe('default failover (outlier detection present)', () => {
  it('assigns priorities relative to the proxy and compacts them to 0..N', () => {
    expect(summary(buildLoadAssignment(mesh(), proxy, lb({}), true))).toEqual({
      e1a: [0, 2],
      e1b: [0, 2],
      e1rack: [1, 1],
      e2: [2, 1],
      w1: [3, 1],
      eu: [3, 1],
    });
  });

  it('failover from us-east to us-west pushes other regions (eu-west) one level below', () => {
    const s = summary(
      buildLoadAssignment(mesh(), proxy, lb({ failover: [{ from: 'us-east', to: 'us-west' }] }), true),
    );
    expect(s.w1).toEqual([3, 1]);
    expect(s.eu).toEqual([4, 1]);
  });

  it('does nothing without outlier detection: one priority (Istio: failover needs outlier detection)', () => {
    const s = summary(buildLoadAssignment(mesh(), proxy, lb({}), false));
    expect(new Set(Object.values(s).map((v) => v[0]))).toEqual(new Set([0]));
  });

  it('does nothing when the DestinationRule sets enabled: false', () => {
    const s = summary(buildLoadAssignment(mesh(), proxy, lb({ enabled: false }), true));
    expect(new Set(Object.values(s).map((v) => v[0]))).toEqual(new Set([0]));
  });
});

describe('failoverPriority', () => {
  it('ranks endpoints by how many leading labels match the proxy, splitting locality groups', () => {
    const hs = [
      host({ name: 'same-zone-v1', locality: EAST_1, labels: { version: 'v1' } }),
      host({ name: 'same-zone-v2', locality: EAST_1, labels: { version: 'v2' } }),
      host({ name: 'other-zone-v1', locality: EAST_2, labels: { version: 'v1' } }),
      host({ name: 'other-region', locality: WEST_1, labels: { version: 'v1' } }),
    ];
    const setting = lb({
      failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'version'],
    });
    const s = summary(
      buildLoadAssignment(hs, { locality: EAST_1, labels: { version: 'v1' } }, setting, true),
    );
    // all match → 0; version mismatch → 3 − 2 = 1; zone mismatch → 2; region mismatch → 3; compacted.
    expect(s).toEqual({
      'same-zone-v1': [0, 1],
      'same-zone-v2': [1, 1],
      'other-zone-v1': [2, 1],
      'other-region': [3, 1],
    });
  });

  it('a `label=value` entry compares with that value instead of the proxy’s', () => {
    const hs = [
      host({ name: 'v2', labels: { version: 'v2' } }),
      host({ name: 'v1', labels: { version: 'v1' } }),
    ];
    const s = summary(buildLoadAssignment(hs, proxy, lb({ failoverPriority: ['version=v2'] }), true));
    expect(s).toEqual({ v2: [0, 1], v1: [1, 1] });
  });
});

describe('distribute', () => {
  it('us-east/* → 80 % us-east, 20 % us-west: ceil(group × w / claimed total), other regions dropped', () => {
    const setting = lb({ distribute: [{ from: 'us-east/*', to: { 'us-east/*': 80, 'us-west/*': 20 } }] });
    const groups = buildLoadAssignment(mesh(), proxy, setting, false);
    // us-east groups weigh 2, 1, 1 (total 4): ceil(2×80/4) = 40, ceil(1×80/4) = 20, 20; us-west 20.
    expect(summary(groups)).toEqual({
      e1a: [0, 40],
      e1b: [0, 40],
      e1rack: [0, 20],
      e2: [0, 20],
      w1: [0, 20],
    });
    expect(groups.find((g) => g.locality === EU)!.hosts).toHaveLength(0);
  });

  it('applies only the first rule whose `from` matches the proxy; none matching leaves weights natural', () => {
    const setting = lb({ distribute: [{ from: 'us-west/*', to: { 'us-west/*': 100 } }] });
    const s = summary(buildLoadAssignment(mesh(), proxy, setting, false));
    expect(s.e1a).toEqual([0, 2]);
    expect(s.eu).toEqual([0, 1]);
  });
});

describe('locality_weighted_lb_config', () => {
  it('is set with distribute, or with explicit failover/failoverPriority when outlier detection is present', () => {
    expect(localityWeightedLbEnabled(lb({}), true)).toBe(false);
    expect(localityWeightedLbEnabled(lb({ distribute: [{ from: '*', to: { '*': 100 } }] }), false)).toBe(
      true,
    );
    expect(localityWeightedLbEnabled(lb({ failover: [{ from: 'us-east', to: 'us-west' }] }), false)).toBe(
      false,
    );
    expect(localityWeightedLbEnabled(lb({ failover: [{ from: 'us-east', to: 'us-west' }] }), true)).toBe(
      true,
    );
    expect(localityWeightedLbEnabled(lb({ failoverPriority: ['x'] }), true)).toBe(true);
    expect(
      localityWeightedLbEnabled(lb({ enabled: false, distribute: [{ from: '*', to: { '*': 100 } }] }), true),
    ).toBe(false);
  });
});
