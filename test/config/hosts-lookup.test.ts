import { describe, expect, it } from 'vitest';
import { effectiveClusterPolicy, shortHostToFqdn, virtualServiceFor } from '../../src/config/index.js';
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
