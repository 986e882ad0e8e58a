import { describe, expect, it } from 'vitest';
import { formatResponseFlags } from '../../../src/envoy/index.js';
import { HeaderMutations } from '../../../src/envoy/router/index.js';
import { binomialBand } from '../../support/run-model.js';
import {
  catchAll,
  DEFAULT_POLICY,
  directory,
  endpoint,
  Harness,
  HOST,
  RETRY_5XX,
  type Reply,
  routeTo,
} from './harness.js';

const flags = (h: Harness, i = 0) => formatResponseFlags(h.done[i]!.response.flags);

describe('route selection outcomes (semantics §1.1)', () => {
  it('answers 404 NR when no route matches, without touching any cluster', () => {
    const h = new Harness(
      [
        {
          match: { path: { kind: 'prefix', value: '/api', caseSensitive: true }, conditions: [] },
          action: routeTo(),
        },
      ],
      directory({ '': [endpoint('a')] }),
      () => ({ delayMs: 1, status: 200 }),
    );
    h.send('/other');
    h.run();
    expect(h.done[0]!.response.status).toBe(404);
    expect(flags(h)).toBe('NR');
    expect(h.stats.no_route).toBe(1);
    expect(h.transport.sent).toHaveLength(0);
  });

  it('answers 503 NC for a subset no DestinationRule defines', () => {
    const h = new Harness([catchAll(routeTo('v9'))], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(503);
    expect(flags(h)).toBe('NC');
    expect(h.stats.no_cluster).toBe(1);
  });

  it('answers 503 UH for a subset with no endpoints', () => {
    const h = new Harness([catchAll(routeTo('v2'))], directory({ v2: [] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(503);
    expect(flags(h)).toBe('UH');
    expect(h.done[0]!.response.details).toBe('no healthy upstream');
  });
});

describe('weighted clusters (semantics §1.3)', () => {
  it('splits by weight / total even when weights do not sum to 100', () => {
    const route = routeTo('', {
      clusters: [
        { name: `outbound|8080|v1|${HOST}`, weight: 3 },
        { name: `outbound|8080|v2|${HOST}`, weight: 1 },
      ],
      totalWeight: 4,
    });
    const h = new Harness(
      [catchAll(route)],
      directory({ v1: [endpoint('v1-pod')], v2: [endpoint('v2-pod')] }),
      () => ({ delayMs: 1, status: 200 }),
    );
    const n = 4000;
    for (let i = 0; i < n; i++) h.send();
    h.run();
    const v2 = h.transport.sent.filter((s) => s.pod === 'v2-pod').length;
    const band = binomialBand(n, 0.25);
    expect(v2).toBeGreaterThan(band.low);
    expect(v2).toBeLessThan(band.high);
    expect(h.transport.sent).toHaveLength(n);
  });
});

describe('retries (semantics §1.6)', () => {
  it("does not retry an upstream 503 with Istio's default policy (Istio >= 1.24)", () => {
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a'), endpoint('b')] }), () => ({
      delayMs: 5,
      status: 503,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(503);
    expect(flags(h)).toBe('-');
    expect(h.done[0]!.info.attempts).toBe(1);
  });

  it('retries 5xx num_retries times, then returns the last response with URX', () => {
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }),
      () => ({ delayMs: 5, status: 503 }),
    );
    h.send();
    h.run();
    const d = h.done[0]!;
    expect(d.response.status).toBe(503);
    expect(flags(h)).toBe('URX');
    expect(d.info.attempts).toBe(3);
    const c = h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters;
    expect(c.upstream_rq_retry).toBe(2);
    expect(c.upstream_rq_retry_limit_exceeded).toBe(1);
    expect(c.upstream_rq_retry_success).toBe(0);
    expect(c.upstream_rq_total).toBe(3);
    // Back-off before retry 1 is in [0, 25) ms, before retry 2 in [0, 50) ms (full jitter).
    const [t1, t2, t3] = h.transport.sent.map((s) => s.timeMs);
    expect(t2! - (t1! + 5)).toBeGreaterThanOrEqual(0);
    expect(t2! - (t1! + 5)).toBeLessThan(25);
    expect(t3! - (t2! + 5)).toBeLessThan(50);
    expect(h.transport.sent.map((s) => s.headers.get('x-envoy-attempt-count'))).toEqual(['1', '2', '3']);
  });

  it('counts a retry that ends in success and avoids the host already tried (previous_hosts)', () => {
    let tries = 0;
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a'), endpoint('b')] }),
      (): Reply => (tries++ === 0 ? { delayMs: 5, status: 503 } : { delayMs: 5, status: 200 }),
    );
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(200);
    expect(flags(h)).toBe('-');
    const pods = h.transport.sent.map((s) => s.pod);
    expect(pods).toHaveLength(2);
    expect(pods[1]).not.toBe(pods[0]);
    expect(h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters.upstream_rq_retry_success).toBe(1);
  });

  it('previous_hosts avoids every host tried so far, not only the last (three tries, three hosts)', () => {
    const random = {
      ...DEFAULT_POLICY,
      loadBalancer: { ...DEFAULT_POLICY.loadBalancer, policy: 'RANDOM' as const },
    };
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a'), endpoint('b'), endpoint('c')] }, random),
      () => ({ delayMs: 5, status: 503 }),
    );
    h.send();
    h.run();
    expect(h.transport.sent.map((s) => s.pod)).toEqual(['b', 'c', 'a']);
    expect(h.done[0]!.info.attempts).toBe(3);
  });

  it('retries a connect failure with the default policy and reports UF,URX when it keeps failing', () => {
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 1,
      reset: 'connection-failure',
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(503);
    expect(flags(h)).toBe('UF,URX');
    expect(h.done[0]!.info.attempts).toBe(3);
  });

  it('refuses a retry when the retry circuit breaker is full: 503 UO and upstream_rq_retry_overflow', () => {
    const policy = {
      ...DEFAULT_POLICY,
      connectionPool: {
        ...DEFAULT_POLICY.connectionPool,
        http: { ...DEFAULT_POLICY.connectionPool.http, maxRetries: 1 },
      },
    };
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }, policy),
      () => ({ delayMs: 5, status: 503 }),
    );
    h.send();
    h.send();
    h.run();
    const c = h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters;
    expect(c.upstream_rq_retry_overflow).toBeGreaterThanOrEqual(1);
    expect(h.done.some((d) => formatResponseFlags(d.response.flags).includes('UO'))).toBe(true);
  });

  it("does not retry a per-try timeout with Istio's default retryOn: 504 UT after one try", () => {
    const route = routeTo('', {
      retryPolicy: {
        ...RETRY_5XX,
        retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
        perTryTimeoutMs: 100,
        numRetries: 3,
      },
    });
    const h = new Harness(
      [catchAll(route)],
      directory({ '': [endpoint('a'), endpoint('b')] }),
      () => 'blackhole',
    );
    h.send();
    h.run();
    const d = h.done[0]!;
    expect(d.response.status).toBe(504);
    expect(flags(h)).toBe('UT');
    expect(d.timeMs).toBe(100);
    expect(d.info.attempts).toBe(1);
    expect(h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters.upstream_rq_per_try_timeout).toBe(1);
  });

  it('retries per-try timeouts with 5xx, and the route timeout spans tries and back-offs', () => {
    const route = routeTo('', {
      timeoutMs: 250,
      retryPolicy: { ...RETRY_5XX, perTryTimeoutMs: 100, numRetries: 5 },
    });
    const h = new Harness(
      [catchAll(route)],
      directory({ '': [endpoint('a'), endpoint('b')] }),
      () => 'blackhole',
    );
    h.send();
    h.run();
    const d = h.done[0]!;
    expect(d.response.status).toBe(504);
    expect(flags(h)).toBe('UT');
    expect(d.timeMs).toBe(250);
    expect(d.info.attempts).toBeGreaterThanOrEqual(2);
    const c = h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters;
    expect(c.upstream_rq_timeout).toBe(1);
    expect(c.upstream_rq_per_try_timeout).toBeGreaterThanOrEqual(2);
  });

  it('ignores a per-try timeout at or above the route timeout', () => {
    const route = routeTo('', { timeoutMs: 100, retryPolicy: { ...RETRY_5XX, perTryTimeoutMs: 100 } });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => 'blackhole');
    h.send();
    h.run();
    expect(h.done[0]!.timeMs).toBe(100);
    expect(h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters.upstream_rq_per_try_timeout).toBe(0);
    expect(h.clusters.get(`outbound|8080||${HOST}`)!.stats.counters.upstream_rq_timeout).toBe(1);
  });

  it('honours x-envoy-upstream-rq-timeout-ms and consumes it', () => {
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }), () => 'blackhole');
    h.send('/', { 'x-envoy-upstream-rq-timeout-ms': '42' });
    h.run();
    expect(h.done[0]!.timeMs).toBe(42);
    expect(h.done[0]!.response.status).toBe(504);
    expect(h.transport.sent[0]!.headers.has('x-envoy-upstream-rq-timeout-ms')).toBe(false);
  });
});

describe('fault injection (semantics §1.7)', () => {
  it('delays without consuming the route timeout: DI, then the upstream answer', () => {
    const route = routeTo('', { timeoutMs: 1000, fault: { delay: { percentage: 100, fixedDelayMs: 7000 } } });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 50,
      status: 200,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(200);
    expect(flags(h)).toBe('DI');
    expect(h.done[0]!.timeMs).toBe(7050);
    expect(h.transport.sent[0]!.timeMs).toBe(7000);
    expect(h.stats['fault.delays_injected']).toBe(1);
  });

  it('aborts before the router: no upstream try, no retry, no mirror, flag FI', () => {
    const route = routeTo('', {
      retryPolicy: RETRY_5XX,
      fault: { abort: { percentage: 100, httpStatus: 500 } },
      mirrors: [{ cluster: `outbound|8080|shadow|${HOST}`, percentage: 100 }],
    });
    const h = new Harness(
      [catchAll(route)],
      directory({ '': [endpoint('a')], shadow: [endpoint('s')] }),
      () => ({ delayMs: 1, status: 200 }),
    );
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(500);
    expect(flags(h)).toBe('FI');
    expect(h.done[0]!.info.attempts).toBe(0);
    expect(h.transport.sent).toHaveLength(0);
    expect(h.stats['fault.aborts_injected']).toBe(1);
    expect(h.stats.shadow_requests).toBe(0);
  });

  it('draws the abort again after the delay: DI,FI', () => {
    const route = routeTo('', {
      fault: { delay: { percentage: 100, fixedDelayMs: 10 }, abort: { percentage: 100, httpStatus: 503 } },
    });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.timeMs).toBe(10);
    expect(flags(h)).toBe('DI,FI');
  });

  it('aborts with a gRPC status as HTTP 200 + grpc-status', () => {
    const route = routeTo('', { fault: { abort: { percentage: 100, grpcStatus: 'UNAVAILABLE' } } });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(200);
    expect(h.done[0]!.response.grpcStatus).toBe(14);
    expect(flags(h)).toBe('FI');
  });
});

describe('mirroring (semantics §1.8)', () => {
  it('is fire-and-forget: the client response does not wait for the slow mirror', () => {
    const route = routeTo('v1', { mirrors: [{ cluster: `outbound|8080|v2|${HOST}`, percentage: 100 }] });
    const h = new Harness(
      [catchAll(route)],
      directory({ v1: [endpoint('primary')], v2: [endpoint('mirror')] }),
      (pod) => (pod === 'mirror' ? { delayMs: 10_000, status: 500 } : { delayMs: 10, status: 200 }),
    );
    h.send('/x');
    h.run();
    expect(h.done).toHaveLength(1);
    expect(h.done[0]!.timeMs).toBe(10);
    expect(h.done[0]!.response.status).toBe(200);
    expect(h.transport.sent.map((s) => s.pod).sort()).toEqual(['mirror', 'primary']);
    const mirror = h.clusters.get(`outbound|8080|v2|${HOST}`)!.stats;
    expect(mirror.counters.upstream_rq_total).toBe(1);
    expect(mirror.counters.upstream_rq_5xx).toBe(1);
    expect(h.attempts.find((a) => a.pod === 'mirror')!.attempt).toBe(0);
  });
});

describe('local replies and header operations (semantics §1.4)', () => {
  it('answers a redirect with its Location, without an upstream', () => {
    const h = new Harness(
      [catchAll({ kind: 'redirect', name: 'r', status: 301, port: 0, path: '/new', host: 'other' })],
      directory({}),
      () => ({ delayMs: 1, status: 200 }),
    );
    h.send('/old?q=1');
    h.run();
    expect(h.done[0]!.response.status).toBe(301);
    expect(h.done[0]!.response.headers?.get('location')).toBe('http://other/new?q=1');
    expect(h.stats.rq_redirect).toBe(1);
  });

  it('answers a direct response with its status and body', () => {
    const h = new Harness(
      [catchAll({ kind: 'direct-response', name: 'd', status: 418, body: 'teapot' })],
      directory({}),
      () => ({ delayMs: 1, status: 200 }),
    );
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(418);
    expect(h.done[0]!.response.details).toBe('teapot');
    expect(h.stats.rq_direct_response).toBe(1);
  });

  it('applies request operations and the prefix rewrite before the upstream sees the request', () => {
    const route = routeTo('', {
      pathRewrite: { kind: 'prefix', replacement: '/', matchedPrefixLength: 4 },
      hostRewrite: 'api-v2',
      requestHeaders: HeaderMutations.compile({
        set: { 'x-route': 'r' },
        add: { 'x-multi': 'b' },
        remove: ['x-drop'],
      }),
      responseHeaders: HeaderMutations.compile({ set: { 'x-served-by': 'mesh' }, add: {}, remove: [] }),
    });
    const h = new Harness(
      [
        {
          match: { path: { kind: 'prefix', value: '/v2/', caseSensitive: true }, conditions: [] },
          action: route,
        },
      ],
      directory({ '': [endpoint('a')] }),
      () => ({
        delayMs: 1,
        status: 200,
      }),
    );
    h.send('/v2/users?id=7', { 'x-drop': '1', 'x-multi': 'a' });
    h.run();
    const s = h.transport.sent[0]!;
    expect(s.path).toBe('/users?id=7');
    expect(s.authority).toBe('api-v2');
    expect(s.headers.get('x-route')).toBe('r');
    expect(s.headers.get('x-multi')).toBe('a,b');
    expect(s.headers.has('x-drop')).toBe(false);
    expect(h.done[0]!.response.headers?.get('x-served-by')).toBe('mesh');
  });

  it("adds the route's response headers to the router's local replies (503 UH) too", () => {
    const route = routeTo('v2', {
      responseHeaders: HeaderMutations.compile({ set: { 'x-r': '1' }, add: {}, remove: [] }),
    });
    const h = new Harness([catchAll(route)], directory({ v2: [] }), () => ({ delayMs: 1, status: 200 }));
    h.send();
    h.run();
    expect(h.done[0]!.response.status).toBe(503);
    expect(h.done[0]!.response.headers?.get('x-r')).toBe('1');
  });
});
