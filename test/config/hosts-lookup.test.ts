import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  effectiveClusterPolicy,
  shortHostToFqdn,
  virtualServiceFor,
  virtualServiceIndex,
} from '../../src/config/index.js';
import type { MeshConfig, VirtualServiceConfig } from '../../src/config/types.js';
import { kubernetesDnsExpansion } from '../../src/config/hosts.js';
import { dr, load, vs } from './helpers.js';

describe('shortHostToFqdn (istiod expands only dot-less names; MSIM0102 warns about the others)', () => {
  it.each([
    ['reviews', 'reviews.production.svc.cluster.local'],
    ['reviews.production', 'reviews.production'],
    ['reviews.production.svc', 'reviews.production.svc'],
    ['reviews.other.svc.cluster.local', 'reviews.other.svc.cluster.local'],
    ['api.example.com', 'api.example.com'],
    ['example.com', 'example.com'],
    ['*.example.com', '*.example.com'],
    ['*', '*'],
    ['10.0.0.1', '10.0.0.1'],
  ])('%s → %s', (host, fqdn) => {
    expect(shortHostToFqdn(host, 'production')).toBe(fqdn);
  });
  it.each([
    ['reviews.production', 'reviews.production.svc.cluster.local'],
    ['reviews.production.svc', 'reviews.production.svc.cluster.local'],
    ['api.example.com', undefined],
    ['example.com', undefined],
    ['reviews', undefined],
  ])('what Kubernetes DNS would make of %s: %s', (host, fqdn) => {
    expect(kubernetesDnsExpansion(host)).toBe(fqdn);
  });
});

describe('virtualServiceFor', () => {
  it('exact host beats wildcard; the oldest of equals wins; gateway-only VirtualServices are ignored', () => {
    const text = [
      vs('  - route: [{destination: {host: reviews}}]\n')
        .replace('name: vs', 'name: wild')
        .replace('  - reviews\n', '  - "*.production.svc.cluster.local"\n'),
      vs('  - route: [{destination: {host: reviews}}]\n').replace('name: vs', 'name: first'),
      vs('  - route: [{destination: {host: reviews}}]\n').replace('name: vs', 'name: second'),
      vs('  - route: [{destination: {host: ratings}}]\n', '  gateways: [istio-system/gw]\n')
        .replace('name: vs', 'name: gw')
        .replace('  - reviews\n', '  - ratings\n'),
    ].join('---\n');
    const { config } = load(text);
    expect(virtualServiceFor(config, 'reviews.production.svc.cluster.local')?.meta.name).toBe('first');
    expect(virtualServiceFor(config, 'ratings.production.svc.cluster.local')?.meta.name).toBe('wild');
    expect(virtualServiceFor(config, 'api.example.com')).toBeUndefined();
  });
});

describe('virtualServiceIndex (virtualServiceFor for a whole route table)', () => {
  const HOSTS = [
    'a.ns1.svc.cluster.local',
    'b.ns1.svc.cluster.local',
    'c.ns2.svc.cluster.local',
    '*.ns1.svc.cluster.local',
    '*.svc.cluster.local',
    '*',
    'api.example.com',
    '*.example.com',
    'x.example.com',
  ];
  const arbVs = fc.record({
    hosts: fc.array(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 3 }),
    gateways: fc.constantFrom([], ['mesh'], ['istio-system/gw'], ['mesh', 'istio-system/gw']),
    exportTo: fc.constantFrom([], ['.'], ['ns2'], ['*']),
    namespace: fc.constantFrom('ns1', 'ns2'),
  });

  it('picks the same VirtualService as virtualServiceFor for every host (property, 500 configs)', () => {
    fc.assert(
      fc.property(
        fc.array(arbVs, { maxLength: 8 }),
        fc.constantFrom('ns1', 'ns2', undefined),
        (specs, clientNs) => {
          const virtualServices = specs.map(
            (v, i) =>
              ({
                hosts: v.hosts,
                gateways: v.gateways,
                exportTo: v.exportTo,
                meta: { name: `vs-${i}`, namespace: v.namespace },
              }) as unknown as VirtualServiceConfig,
          );
          const config = { virtualServices } as unknown as MeshConfig;
          const index = virtualServiceIndex(config, clientNs);
          for (const h of HOSTS) expect(index(h)).toBe(virtualServiceFor(config, h, clientNs));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('effectiveClusterPolicy: tls and retryBudget blocks', () => {
  it('tls mode and retry budget defaults (20 %, 3) come through, subset blocks replace them', () => {
    const { config } = load(
      dr(`  host: reviews
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    retryBudget: {}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      tls: {mode: DISABLE}
      retryBudget: {percent: 50}
`),
    );
    const d = config.destinationRules[0];
    expect(effectiveClusterPolicy(d, undefined, 8080)).toMatchObject({
      tlsMode: 'ISTIO_MUTUAL',
      retryBudget: { percent: 20, minRetryConcurrency: 3 },
    });
    expect(effectiveClusterPolicy(d, 'v1', 8080)).toMatchObject({
      tlsMode: 'DISABLE',
      retryBudget: { percent: 50, minRetryConcurrency: 3 },
    });
  });
});
