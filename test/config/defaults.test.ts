import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  destinationRuleFor,
  effectiveClusterPolicy,
  MAX_UINT32,
  retryHostPredicate,
  translateRetries,
} from '../../src/config/index.js';
import { dr, load } from './helpers.js';

function policyOf(spec: string, subset: string | undefined, port = 8080) {
  const { config, diagnostics } = load(dr(spec));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return effectiveClusterPolicy(config.destinationRules[0], subset, port);
}

describe('effectiveClusterPolicy: Istio defaults (semantics §2-§4)', () => {
  it('pins every default of a cluster without a DestinationRule', () => {
    expect(effectiveClusterPolicy(undefined, undefined, 8080)).toEqual({
      connectionPool: {
        tcp: {
          maxConnections: 4294967295,
          connectTimeoutMs: 10_000,
          maxConnectionDurationMs: 0,
          idleTimeoutMs: 0,
        },
        http: {
          http1MaxPendingRequests: 4294967295,
          http2MaxRequests: 4294967295,
          maxRequestsPerConnection: 0,
          maxRetries: 4294967295,
          idleTimeoutMs: 0,
          h2UpgradePolicy: 'DEFAULT',
          useClientProtocol: false,
          maxConcurrentStreams: 0,
        },
      },
      loadBalancer: {
        policy: 'LEAST_REQUEST',
        minimumRingSize: 1024,
        maglevTableSize: 65537,
        choiceCount: 2,
        locality: { enabled: true, distribute: [], failover: [], failoverPriority: [] },
      },
      // Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS): 0 without outlier detection (50 before).
      panicThresholdPercent: 0,
    });
  });

  it('pins the outlier-detection defaults when the block is present but empty of values', () => {
    const p = policyOf(
      '  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      interval: 10s\n',
      undefined,
    );
    expect(p.outlierDetection).toEqual({
      consecutive5xxErrors: 5,
      consecutiveGatewayErrors: { threshold: 5, enforcing: false },
      splitExternalLocalOriginErrors: false,
      consecutiveLocalOriginFailures: { threshold: 5, enforcing: false },
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      minHealthPercent: 0,
    });
    // With outlier detection Istio sets the panic threshold to minHealthPercent (0: panic disabled).
    expect(p.panicThresholdPercent).toBe(0);
  });

  it('maxEjectionTime is max(300 s, base); explicit gateway errors are enforced; 0 disables', () => {
    const p = policyOf(
      '  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      baseEjectionTime: 400s\n      consecutiveGatewayErrors: 3\n      consecutive5xxErrors: 0\n      minHealthPercent: 40\n',
      undefined,
    );
    expect(p.outlierDetection?.maxEjectionTimeMs).toBe(400_000);
    expect(p.outlierDetection?.consecutiveGatewayErrors).toEqual({ threshold: 3, enforcing: true });
    expect(p.outlierDetection?.consecutive5xxErrors).toBe(0);
    expect(p.panicThresholdPercent).toBe(40);
  });

  it('split local-origin errors: threshold 5 enforced unless set', () => {
    const p = policyOf(
      '  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      splitExternalLocalOriginErrors: true\n',
      undefined,
    );
    expect(p.outlierDetection?.consecutiveLocalOriginFailures).toEqual({ threshold: 5, enforcing: true });
  });

  it('a DR value of 0 means unset for circuit-breaker limits; maxEjectionPercent 0 means the default 10', () => {
    const p = policyOf(
      '  host: reviews\n  trafficPolicy:\n    connectionPool:\n      tcp: {maxConnections: 0}\n      http: {http1MaxPendingRequests: 0, http2MaxRequests: 1, maxRetries: 0}\n    outlierDetection: {maxEjectionPercent: 0}\n',
      undefined,
    );
    expect(p.connectionPool.tcp.maxConnections).toBe(MAX_UINT32);
    expect(p.connectionPool.http.http1MaxPendingRequests).toBe(MAX_UINT32);
    expect(p.connectionPool.http.http2MaxRequests).toBe(1);
    expect(p.connectionPool.http.maxRetries).toBe(MAX_UINT32);
    expect(p.outlierDetection?.maxEjectionPercent).toBe(10);
  });

  it('load balancer: simple, LEAST_CONN → LEAST_REQUEST, consistent hash → RING_HASH/MAGLEV', () => {
    const lb = (s: string) =>
      policyOf(`  host: reviews\n  trafficPolicy:\n    loadBalancer:\n${s}`, undefined).loadBalancer;
    expect(lb('      simple: ROUND_ROBIN\n').policy).toBe('ROUND_ROBIN');
    expect(lb('      simple: LEAST_CONN\n').policy).toBe('LEAST_REQUEST');
    expect(lb('      consistentHash: {httpHeaderName: x-user}\n')).toMatchObject({
      policy: 'RING_HASH',
      minimumRingSize: 1024,
      hashKey: { kind: 'header', name: 'x-user' },
    });
    expect(lb('      consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}\n').policy).toBe(
      'MAGLEV',
    );
    expect(
      lb('      consistentHash: {httpCookie: {name: c, ttl: 10s}, ringHash: {minimumRingSize: 2048}}\n'),
    ).toMatchObject({
      minimumRingSize: 2048,
      hashKey: { kind: 'cookie', name: 'c', ttlMs: 10_000 },
    });
    expect(lb('      localityLbSetting: {enabled: false}\n').locality.enabled).toBe(false);
  });

  it('port-level settings replace the whole policy for that port (nothing inherited)', () => {
    const spec = `  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
    outlierDetection: {consecutive5xxErrors: 3}
    portLevelSettings:
    - port: {number: 9080}
      loadBalancer: {simple: RANDOM}
`;
    const on9080 = policyOf(spec, undefined, 9080);
    expect(on9080.loadBalancer.policy).toBe('RANDOM');
    expect(on9080.connectionPool.tcp.maxConnections).toBe(MAX_UINT32);
    expect(on9080.outlierDetection).toBeUndefined();
    expect(on9080.panicThresholdPercent).toBe(0); // Istio 1.31: no outlier detection -> 0
    const on8080 = policyOf(spec, undefined, 8080);
    expect(on8080.connectionPool.tcp.maxConnections).toBe(100);
    expect(on8080.outlierDetection?.consecutive5xxErrors).toBe(3);
  });

  it('a subset replaces its parent per block, not per field (semantics §2.2 example)', () => {
    const spec = `  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
    loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      connectionPool: {http: {http1MaxPendingRequests: 1}}
  - name: v2
    labels: {version: v2}
`;
    const v1 = policyOf(spec, 'v1');
    expect(v1.connectionPool.tcp.maxConnections).toBe(MAX_UINT32);
    expect(v1.connectionPool.http.http1MaxPendingRequests).toBe(1);
    expect(v1.loadBalancer.policy).toBe('ROUND_ROBIN');
    expect(policyOf(spec, 'v2').connectionPool.tcp.maxConnections).toBe(100);
    expect(policyOf(spec, 'unknown').connectionPool.tcp.maxConnections).toBe(100);
  });

  it("a subset's matching port-level entry replaces all four blocks, even with nothing", () => {
    const spec = `  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3}
    loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      portLevelSettings:
      - port: {number: 8080}
        connectionPool: {tcp: {maxConnections: 7}}
`;
    const p = policyOf(spec, 'v1', 8080);
    expect(p.connectionPool.tcp.maxConnections).toBe(7);
    expect(p.outlierDetection).toBeUndefined();
    expect(p.loadBalancer.policy).toBe('LEAST_REQUEST');
    expect(policyOf(spec, 'v1', 9080).outlierDetection?.consecutive5xxErrors).toBe(3);
  });
});

describe('retry policy (semantics §1.6, Istio >= 1.24)', () => {
  it('default: 2 retries, no 503, previous_hosts unless consistent hash', () => {
    expect(defaultRetryPolicy(false)).toEqual({
      numRetries: 2,
      retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
      retriableStatusCodes: [],
      perTryTimeoutMs: 0,
      backoffBaseMs: 25,
      retryIgnorePreviousHosts: true,
      hostSelectionRetryMaxAttempts: 5,
      retryRemoteLocalities: false,
    });
    expect(defaultRetryPolicy(true).retryIgnorePreviousHosts).toBe(false);
  });

  it('absent retries → the default with the host predicate left to the destination', () => {
    const p = translateRetries(undefined)!;
    expect(p.numRetries).toBe(2);
    expect(p.retryIgnorePreviousHosts).toBeUndefined();
    expect(retryHostPredicate(p, true)).toBe(false);
    expect(retryHostPredicate(p, false)).toBe(true);
  });

  it('attempts <= 0 → no retry policy', () => {
    expect(translateRetries({ attempts: 0 })).toBeNull();
    expect(translateRetries({})).toBeNull();
    expect(translateRetries({ attempts: -1 })).toBeNull();
  });

  it('retryOn codes are split out and retriable-status-codes appended; backoff and perTry translated', () => {
    const p = translateRetries({
      attempts: 3,
      retryOn: 'gateway-error, 503,connect-failure,429',
      perTryTimeout: '2s',
      backoff: '100ms',
    })!;
    expect(p.numRetries).toBe(3);
    expect(p.retryOn).toEqual(['gateway-error', 'connect-failure', 'retriable-status-codes']);
    expect(p.retriableStatusCodes).toEqual([503, 429]);
    expect(p.perTryTimeoutMs).toBe(2000);
    expect(p.backoffBaseMs).toBe(100);
    const q = translateRetries({ attempts: 1, retryOn: '5xx' })!;
    expect(q.retryOn).toEqual(['5xx']);
    expect(q.backoffBaseMs).toBe(25);
  });
});

describe('resolved VirtualService defaults', () => {
  it('timeout absent → 0, mirror percentage absent → 100, fault percentage absent → 0, weights as written', () => {
    const { config } = load(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: v, namespace: production}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
    mirror: {host: reviews.other.svc.cluster.local}
    fault:
      delay: {fixedDelay: 5s}
      abort: {httpStatus: 503}
`);
    const r = config.virtualServices[0]!.http[0]!;
    expect(config.virtualServices[0]!.hosts).toEqual(['reviews.production.svc.cluster.local']);
    expect(r.timeoutMs).toBe(0);
    expect(r.mirrors).toEqual([
      { destination: { host: 'reviews.other.svc.cluster.local' }, percentage: 100 },
    ]);
    expect(r.fault).toEqual({
      delay: { percentage: 0, fixedDelayMs: 5000 },
      abort: { percentage: 0, httpStatus: 503 },
    });
    expect(r.route[0]).toEqual({ destination: { host: 'reviews.production.svc.cluster.local' }, weight: 0 });
    expect(r.retries?.numRetries).toBe(2);
  });
});

describe('destinationRuleFor', () => {
  const two = (a: string, b: string) =>
    `${dr(`  host: "${a}"\n  subsets: [{name: a, labels: {v: a}}]\n`)}---\n${dr(`  host: "${b}"\n  subsets: [{name: b, labels: {v: b}}]\n`).replace('name: dr', 'name: dr2')}`;

  it('exact host beats wildcards; the most specific wildcard beats broader ones', () => {
    const { config } = load(two('*.svc.cluster.local', 'reviews'));
    expect(destinationRuleFor(config, 'reviews.production.svc.cluster.local')?.subsets[0]?.name).toBe('b');
    expect(destinationRuleFor(config, 'ratings.production.svc.cluster.local')?.subsets[0]?.name).toBe('a');
    const w = load(two('*.svc.cluster.local', '*.production.svc.cluster.local')).config;
    expect(destinationRuleFor(w, 'ratings.production.svc.cluster.local')?.subsets[0]?.name).toBe('b');
    expect(destinationRuleFor(w, 'api.example.com')).toBeUndefined();
  });

  it('merges same-host rules in one namespace: subsets combined, first trafficPolicy kept', () => {
    const { config } = load(
      `${dr('  host: reviews\n  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n')}---\n${dr('  host: reviews\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n  subsets: [{name: v1, labels: {version: v1}}]\n').replace('name: dr', 'name: dr2')}`,
    );
    const merged = destinationRuleFor(config, 'reviews.production.svc.cluster.local')!;
    expect(merged.subsets.map((s) => s.name)).toEqual(['v1']);
    expect(merged.trafficPolicy?.loadBalancer?.policy).toBe('RANDOM');
  });
});
