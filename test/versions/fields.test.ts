import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { istioProfile } from '../../src/config/istio-version.js';
import { loadManifests } from '../../src/config/load.js';
import type { IstioVersion } from '../../src/config/istio-version.js';

const load = (text: string, v: IstioVersion) => {
  const r = loadManifests([{ file: 'm.yaml', text }], { istio: istioProfile(v) });
  return { ...r, lines: r.diagnostics.map(formatDiagnostic) };
};

/** line:col of `key` in `text` (1-based), where the diagnostic must point. */
function keyAt(text: string, key: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(`${key}:`));
  return `${i + 1}:${lines[i]!.indexOf(`${key}:`) + 1}`;
}

const dr = (trafficPolicy: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy:
${trafficPolicy}`;

const vs = (retries: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: default}
spec:
  hosts: [api]
  http:
    - route: [{destination: {host: api}}]
      retries: {attempts: 3, ${retries}}`;

/** [name, manifest, the field's key, the release that added it, the release just before]. */
const FIELDS: [string, string, string, IstioVersion, IstioVersion][] = [
  ['retries.backoff', vs('backoff: 50ms'), 'backoff', '1.26', '1.25'],
  [
    'retries.retryIgnorePreviousHosts',
    vs('retryIgnorePreviousHosts: false'),
    'retryIgnorePreviousHosts',
    '1.26',
    '1.25',
  ],
  ['retryBudget', dr('    retryBudget: {percent: 10}'), 'retryBudget', '1.27', '1.26'],
  [
    'retryBudget.budgetInterval',
    dr('    retryBudget: {percent: 10, budgetInterval: 1s}'),
    'budgetInterval',
    '1.31',
    '1.30',
  ],
  [
    'httpCookie.attributes',
    dr('    loadBalancer: {consistentHash: {httpCookie: {name: u, ttl: 0s, attributes: [{name: Secure}]}}}'),
    'attributes',
    '1.28',
    '1.27',
  ],
  [
    'http2KeepAlive',
    dr('    connectionPool: {http: {http2KeepAlive: {interval: 10s, timeout: 1s}}}'),
    'http2KeepAlive',
    '1.31',
    '1.30',
  ],
  [
    'outlierDetectionHttpErrorCodes',
    dr('    outlierDetection: {consecutive5xxErrors: 2, outlierDetectionHttpErrorCodes: [503]}'),
    'outlierDetectionHttpErrorCodes',
    '1.31',
    '1.30',
  ],
  [
    'zoneAwareLbSetting',
    dr('    loadBalancer: {zoneAwareLbSetting: {enabled: true}}'),
    'zoneAwareLbSetting',
    '1.31',
    '1.30',
  ],
];

describe('fields added since 1.24: unknown to the CRDs of the release before, accepted from the release that added them', () => {
  for (const [name, text, key, since, before] of FIELDS) {
    it(`${name}: MSIM3101 under ${before}, none under ${since}`, () => {
      const old = load(text, before);
      const hits = old.lines.filter((l) => l.includes('MSIM3101'));
      expect(hits).toHaveLength(1);
      expect(hits[0]).toContain(`m.yaml:${keyAt(text, key)} error MSIM3101 field "${key}"`);
      expect(hits[0]).toContain(`was added in Istio ${since}; the Istio ${before}`);
      expect(load(text, since).lines.filter((l) => l.includes('MSIM3101'))).toEqual([]);
    });
  }

  it('a subset traffic policy is checked too, and a reported block is not reported again for its children', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  subsets:
    - name: v1
      labels: {v: "1"}
      trafficPolicy: {retryBudget: {percent: 5, budgetInterval: 2s}}`;
    const hits = load(text, '1.26').lines.filter((l) => l.includes('MSIM3101'));
    expect(hits).toEqual([expect.stringContaining('m.yaml:9:23')]);
    expect(hits[0]).toContain('"retryBudget" was added in Istio 1.27');
  });
});

describe('webhook validation of the new fields (pkg/config/validation)', () => {
  it.each([
    [99, true],
    [100, false],
    [599, false],
    [600, true],
  ])('outlierDetectionHttpErrorCodes [%i]: error %s', (code, bad) => {
    const r = load(dr(`    outlierDetection: {outlierDetectionHttpErrorCodes: [${code}]}`), '1.31');
    expect(
      r.lines.some(
        (l) => l.includes('IST0106') && l.includes('m.yaml:7:57') && l.includes('between 100 and 599'),
      ),
    ).toBe(bad);
  });

  it('zoneAwareLbSetting with localityLbSetting, a topology label in failoverPriority, and a zone in failover', () => {
    const r = load(
      dr(`    outlierDetection: {consecutive5xxErrors: 3}
    loadBalancer:
      localityLbSetting: {enabled: true}
      zoneAwareLbSetting:
        failoverPriority: [topology.kubernetes.io/zone, app]
        failover: [{from: us-east/a, to: us-west}]`),
      '1.31',
    );
    expect(r.lines.filter((l) => l.includes('IST0106'))).toEqual([
      expect.stringMatching(/m\.yaml:9:7 .*only one of localityLbSetting and zoneAwareLbSetting can be set/),
      expect.stringMatching(/m\.yaml:11:28 .*must not use topology label 'topology.kubernetes.io\/zone'/),
      expect.stringMatching(/m\.yaml:12:20 .*zone aware lb failover only specifies region/),
    ]);
  });

  it('a valid zoneAwareLbSetting is loaded with an MSIM3105 note on the local cluster it needs', () => {
    const r = load(dr('    loadBalancer: {zoneAwareLbSetting: {enabled: true, minClusterSize: 2}}'), '1.31');
    expect(r.lines).toEqual([
      expect.stringMatching(
        /m\.yaml:7:20 info MSIM3105 zoneAwareLbSetting routes by zone only from sidecars with a local cluster: set ISTIO_META_ENABLE_SELF_DISCOVERY/,
      ),
    ]);
    expect(r.config.destinationRules[0]!.trafficPolicy!.loadBalancer!.zoneAware).toEqual({
      enabled: true,
      failover: [],
      failoverPriority: [],
      minClusterSize: 2,
    });
  });

  it.each([
    [0, 'IST0106'],
    [1, undefined],
  ])('zoneAwareLbSetting minClusterSize %i', (n, code) => {
    const r = load(dr(`    loadBalancer: {zoneAwareLbSetting: {minClusterSize: ${n}}}`), '1.31');
    expect(r.diagnostics.find((d) => d.severity === 'error')?.code).toBe(code);
  });

  it('budgetInterval resolves to milliseconds, 0s means unset; minRetryConcurrency 0 is istiod default 3', () => {
    const one = load(
      dr('    retryBudget: {percent: 10, budgetInterval: 1500ms, minRetryConcurrency: 0}'),
      '1.31',
    );
    expect(one.config.destinationRules[0]!.trafficPolicy!.retryBudget).toEqual({
      percent: 10,
      minRetryConcurrency: 3,
      budgetIntervalMs: 1500,
    });
    const zero = load(dr('    retryBudget: {budgetInterval: 0s}'), '1.31');
    expect(zero.config.destinationRules[0]!.trafficPolicy!.retryBudget).toEqual({
      percent: 20,
      minRetryConcurrency: 3,
    });
  });

  it('cookie attributes are kept on the hash key (they go on the Set-Cookie, not into the hash)', () => {
    const r = load(
      dr(
        '    loadBalancer: {consistentHash: {httpCookie: {name: u, ttl: 0s, attributes: [{name: SameSite, value: Lax}]}}}',
      ),
      '1.28',
    );
    expect(r.config.destinationRules[0]!.trafficPolicy!.loadBalancer!.hashKey).toEqual({
      kind: 'cookie',
      name: 'u',
      ttlMs: 0,
      attributes: [{ name: 'SameSite', value: 'Lax' }],
    });
  });
});
