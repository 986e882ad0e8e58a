import { describe, expect, it } from 'vitest';
import { resolveOutlierDetection } from '../../../src/config/defaults.js';
import type { ClusterPolicy } from '../../../src/config/types.js';
import { type ClusterStats, formatResponseFlags } from '../../../src/envoy/index.js';
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

const CLUSTER = `outbound|8080||${HOST}`;
/** Runs end here, before the idle timeout (1 h) closes the connections they opened. */
const END_MS = 10_000;

/**
 * Every non-zero counter of a cluster, with the dynamic code stats, as Envoy's admin /stats would list
 * them (`upstream_rq_503`, `retry.upstream_rq_503`). Gauges are left out.
 */
function counters(s: ClusterStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.counters)) if (v !== 0) out[k] = v;
  for (const [code, v] of s.byCode) out[`upstream_rq_${code}`] = v;
  for (const [code, v] of s.retryByCode) out[`retry.upstream_rq_${code}`] = v;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function policyWith(http: Partial<ClusterPolicy['connectionPool']['http']>, connectTimeoutMs?: number) {
  const cp = DEFAULT_POLICY.connectionPool;
  return {
    ...DEFAULT_POLICY,
    connectionPool: {
      tcp: { ...cp.tcp, ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) },
      http: { ...cp.http, ...http },
    },
  };
}

describe("the final response is charged once; retried ones under retry.* (Envoy's router)", () => {
  it('a 503 retried into a 200: upstream_rq_200 once, the 503 only as retry.upstream_rq_503', () => {
    let n = 0;
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }),
      (): Reply => (n++ === 0 ? { delayMs: 5, status: 503 } : { delayMs: 5, status: 200 }),
    );
    h.send();
    h.run(END_MS);
    expect(h.done[0]!.response.status).toBe(200);
    // One host: the retry reuses the connection (one pending request, one connection).
    expect(counters(h.clusters.get(CLUSTER)!.stats)).toEqual({
      'retry.upstream_rq_503': 1,
      'retry.upstream_rq_5xx': 1,
      'retry.upstream_rq_completed': 1,
      upstream_cx_total: 1,
      upstream_rq_200: 1,
      upstream_rq_2xx: 1,
      upstream_rq_completed: 1,
      upstream_rq_pending_total: 1,
      upstream_rq_retry: 1,
      upstream_rq_retry_backoff_exponential: 1,
      upstream_rq_retry_success: 1,
      upstream_rq_total: 2,
    });
  });

  it('retries exhausted: the last 503 is the final one, the two before it are retry.*', () => {
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }),
      () => ({ delayMs: 5, status: 503 }),
    );
    h.send();
    h.run(END_MS);
    expect(formatResponseFlags(h.done[0]!.response.flags)).toBe('URX');
    expect(counters(h.clusters.get(CLUSTER)!.stats)).toEqual({
      'retry.upstream_rq_503': 2,
      'retry.upstream_rq_5xx': 2,
      'retry.upstream_rq_completed': 2,
      upstream_cx_total: 1,
      upstream_rq_503: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 1,
      upstream_rq_pending_total: 1,
      upstream_rq_retry: 2,
      upstream_rq_retry_backoff_exponential: 2,
      upstream_rq_retry_limit_exceeded: 1,
      upstream_rq_total: 3,
    });
  });

  it('retried resets charge no code; the final reset is charged as the 503 local reply', () => {
    // Istio's default policy retries connect failures twice; each try is attached, then reset.
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 1,
      reset: 'connection-failure',
    }));
    h.send();
    h.run(END_MS);
    expect(formatResponseFlags(h.done[0]!.response.flags)).toBe('UF,URX');
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect(c.upstream_rq_total).toBe(3);
    expect(c.upstream_rq_503).toBe(1);
    expect(c.upstream_rq_5xx).toBe(1);
    expect(c.upstream_rq_completed).toBe(1);
    expect(c['retry.upstream_rq_completed']).toBeUndefined();
    expect(c.upstream_rq_retry).toBe(2);
  });
});

describe('local replies are charged as the router charges them', () => {
  it('no healthy upstream: upstream_cx_none_healthy and a 503, no upstream_rq_total', () => {
    const h = new Harness([catchAll(routeTo('v2'))], directory({ v2: [] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run(END_MS);
    expect(formatResponseFlags(h.done[0]!.response.flags)).toBe('UH');
    // No lb_healthy_panic: since Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) a cluster without outlier
    // detection has panic threshold 0, so an empty host set is not in panic (before, 50: it was).
    expect(counters(h.clusters.get(`outbound|8080|v2|${HOST}`)!.stats)).toEqual({
      upstream_cx_none_healthy: 1,
      upstream_rq_503: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 1,
    });
  });

  it('no healthy upstream on the retry: the retried 503 under retry.*, then the UH 503 charged', () => {
    // consecutive5xxErrors 1 ejects the only host on its first 503; minHealthPercent 0 (no panic).
    const policy: ClusterPolicy = {
      ...DEFAULT_POLICY,
      panicThresholdPercent: 0,
      outlierDetection: resolveOutlierDetection({
        consecutive5xxErrors: 1,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 100,
      }),
    };
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }, policy),
      () => ({ delayMs: 5, status: 503 }),
    );
    h.send();
    h.run(1_000);
    const d = h.done[0]!;
    expect([d.response.status, formatResponseFlags(d.response.flags), d.info.attempts]).toEqual([
      503,
      'UH',
      2,
    ]);
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect([c.upstream_rq_total, c.upstream_cx_none_healthy, c.upstream_rq_retry]).toEqual([1, 1, 1]);
    expect([c['retry.upstream_rq_503'], c.upstream_rq_503, c.upstream_rq_completed]).toEqual([1, 1, 1]);
  });

  it('pending overflow (UO): charged 503, counted in pending_overflow, never in upstream_rq_total', () => {
    const policy = policyWith({ http1MaxPendingRequests: 1 });
    policy.connectionPool.tcp.maxConnections = 1;
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }, policy), () => ({
      delayMs: 5,
      status: 200,
    }));
    h.send(); // queued while its connection is set up
    h.send(); // the queue is full: overflow
    h.run(END_MS);
    expect(h.done.map((d) => `${d.response.status} ${formatResponseFlags(d.response.flags)}`)).toEqual([
      '503 UO',
      '200 -',
    ]);
    expect(counters(h.clusters.get(CLUSTER)!.stats)).toEqual({
      upstream_cx_total: 1,
      upstream_rq_200: 1,
      upstream_rq_2xx: 1,
      upstream_rq_503: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 2,
      upstream_rq_pending_overflow: 1,
      upstream_rq_pending_total: 1,
      upstream_rq_total: 1,
    });
  });

  it('a per-try timeout not retried: upstream_rq_per_try_timeout and a 504 charged', () => {
    const route = routeTo('', {
      retryPolicy: { ...RETRY_5XX, retryOn: ['connect-failure'], perTryTimeoutMs: 100 },
    });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => 'blackhole');
    h.send();
    h.run(END_MS);
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect([
      c.upstream_rq_per_try_timeout,
      c.upstream_rq_504,
      c.upstream_rq_5xx,
      c.upstream_rq_completed,
    ]).toEqual([1, 1, 1, 1]);
    expect(c.upstream_rq_timeout).toBeUndefined();
  });

  it('retried per-try timeouts charge no code; the one that ends the request charges its 504', () => {
    const route = routeTo('', { retryPolicy: { ...RETRY_5XX, perTryTimeoutMs: 100 } });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => 'blackhole');
    h.send();
    h.run(END_MS);
    expect(formatResponseFlags(h.done[0]!.response.flags)).toBe('UT,URX');
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect([c.upstream_rq_per_try_timeout, c.upstream_rq_total, c.upstream_rq_retry]).toEqual([3, 3, 2]);
    expect([c.upstream_rq_504, c.upstream_rq_completed]).toEqual([1, 1]);
    expect(c['retry.upstream_rq_completed']).toBeUndefined();
  });

  it('the global timeout with the try on the wire: upstream_rq_timeout, tx_reset and a 504', () => {
    const h = new Harness(
      [catchAll(routeTo('', { timeoutMs: 50 }))],
      directory({ '': [endpoint('a')] }),
      () => 'blackhole',
    );
    h.send();
    h.run(END_MS);
    expect(counters(h.clusters.get(CLUSTER)!.stats)).toEqual({
      upstream_cx_destroy: 1,
      upstream_cx_total: 1,
      upstream_rq_504: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 1,
      upstream_rq_pending_total: 1,
      upstream_rq_timeout: 1,
      upstream_rq_total: 1,
      upstream_rq_tx_reset: 1,
    });
  });

  it('the global timeout with the try still in the pool: a 504 charged, never upstream_rq_total', () => {
    const h = new Harness(
      [catchAll(routeTo('', { timeoutMs: 50 }))],
      directory({ '': [endpoint('a')] }),
      () => ({
        delayMs: 1,
        status: 200,
      }),
    );
    h.transport.connectMs = () => null; // the connect hangs (connect timeout 10 s)
    h.send();
    h.run(60);
    expect(h.done[0]!.timeMs).toBe(50);
    const s = h.clusters.get(CLUSTER)!.stats;
    expect(counters(s)).toEqual({
      upstream_cx_total: 1,
      upstream_rq_504: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 1,
      upstream_rq_pending_total: 1,
      upstream_rq_timeout: 1,
    });
    expect([s.gauges.upstream_rq_active, s.gauges.upstream_rq_pending_active]).toEqual([0, 0]);
  });

  it('the global timeout during a retry back-off: no try in flight, so neither upstream_rq_timeout nor a code', () => {
    // Back-off base 1 s: the retry is drawn in [0, 1000) ms; the route timeout (6 ms) ends the request
    // first (this seed draws a back-off above 1 ms: one try only, checked below).
    const route = routeTo('', { timeoutMs: 6, retryPolicy: { ...RETRY_5XX, backoffBaseMs: 1000 } });
    const h = new Harness([catchAll(route)], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 5,
      status: 503,
    }));
    h.send();
    h.run(END_MS);
    expect(h.transport.sent).toHaveLength(1);
    expect([h.done[0]!.response.status, h.done[0]!.timeMs]).toEqual([504, 6]);
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect(c.upstream_rq_timeout).toBeUndefined();
    expect(c.upstream_rq_504).toBeUndefined();
    expect(c.upstream_rq_completed).toBeUndefined();
    expect([c['retry.upstream_rq_503'], c.upstream_rq_retry]).toEqual([1, 1]);
  });

  it('a downstream disconnect charges no code', () => {
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }), () => 'blackhole');
    const r = h.send();
    h.run(10);
    r.cancelFromDownstream();
    h.run(END_MS);
    const c = counters(h.clusters.get(CLUSTER)!.stats);
    expect(c.upstream_rq_total).toBe(1);
    expect(c.upstream_rq_completed).toBeUndefined();
  });

  it('a mirror with no healthy host is charged on the mirror cluster like any request', () => {
    const route = routeTo('v1', { mirrors: [{ cluster: `outbound|8080|v2|${HOST}`, percentage: 100 }] });
    const h = new Harness([catchAll(route)], directory({ v1: [endpoint('primary')], v2: [] }), () => ({
      delayMs: 1,
      status: 200,
    }));
    h.send();
    h.run(END_MS);
    // No lb_healthy_panic: since Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) a cluster without outlier
    // detection has panic threshold 0, so an empty host set is not in panic (before, 50: it was).
    expect(counters(h.clusters.get(`outbound|8080|v2|${HOST}`)!.stats)).toEqual({
      upstream_cx_none_healthy: 1,
      upstream_rq_503: 1,
      upstream_rq_5xx: 1,
      upstream_rq_completed: 1,
    });
    expect(h.stats.shadow_requests).toBe(0);
  });
});

describe('rq_active counts attached requests only (ConnPoolImplBase::attachStreamToClient)', () => {
  it('a request waiting for its connection is pending, not active; it becomes active on attach', () => {
    const h = new Harness([catchAll(routeTo())], directory({ '': [endpoint('a')] }), () => ({
      delayMs: 10,
      status: 200,
    }));
    h.transport.connectMs = () => 5;
    h.send();
    const s = h.clusters.get(CLUSTER)!.stats;
    const host = h.clusters.get(CLUSTER)!.prioritySet.allHosts[0]!;
    const level = () => [
      host.rqActive,
      s.gauges.upstream_rq_active,
      s.gauges.upstream_rq_pending_active,
      s.counters.upstream_rq_total,
    ];
    h.run(4);
    expect(level()).toEqual([0, 0, 1, 0]);
    h.run(5);
    expect(level()).toEqual([1, 1, 0, 1]);
    h.run(14);
    expect(level()).toEqual([1, 1, 0, 1]);
    h.run(15);
    expect(level()).toEqual([0, 0, 0, 1]);
  });
});

describe('the measurement window: per-request counters by request start', () => {
  /** Requests at 9, 10 and 11 ms; the window starts at 10 ms. The early one is retried inside the window. */
  function run() {
    const seen = new Map<string, number>();
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }),
      (_pod, req): Reply => {
        const n = seen.get(req.path) ?? 0;
        seen.set(req.path, n + 1);
        return req.path === '/early' && n === 0 ? { delayMs: 5, status: 503 } : { delayMs: 5, status: 200 };
      },
    );
    h.measureFromMs = 10;
    h.sim.schedule(9, () => h.send('/early'), null);
    h.sim.schedule(10, () => h.send('/at'), null);
    h.sim.schedule(11, () => h.send('/after'), null);
    return h;
  }

  it('a request started 1 ms before the window counts nowhere, even for tries inside it; at and after count', () => {
    const h = run();
    h.run(END_MS);
    expect(h.done.map((d) => d.response.status)).toEqual([200, 200, 200]);
    expect(h.transport.sent.map((s) => s.path)).toEqual(['/early', '/at', '/after', '/early']);
    const s = h.clusters.get(CLUSTER)!.stats;
    // Connection counters are not windowed (the run resets them when the warm-up ends): three
    // connections, one per request in flight at once (HTTP/1.1).
    expect(counters(s)).toEqual({
      upstream_cx_total: 3,
      upstream_rq_200: 2,
      upstream_rq_2xx: 2,
      upstream_rq_completed: 2,
      upstream_rq_pending_total: 2,
      upstream_rq_total: 2,
    });
    expect(h.stats.rq_total).toBe(2);
  });

  it('gauges count every request, in the window or not', () => {
    const h = run();
    h.run(12);
    const s = h.clusters.get(CLUSTER)!.stats;
    const host = h.clusters.get(CLUSTER)!.prioritySet.allHosts[0]!;
    expect([host.rqActive, s.gauges.upstream_rq_active]).toEqual([3, 3]);
    h.run(END_MS);
    expect([host.rqActive, s.gauges.upstream_rq_active, s.gauges.upstream_cx_active]).toEqual([0, 0, 3]);
  });
});

describe('resetting counters (admin POST /reset_counters)', () => {
  it('zeroes counters and code stats, keeps gauges', () => {
    const h = new Harness(
      [catchAll(routeTo('', { retryPolicy: RETRY_5XX }))],
      directory({ '': [endpoint('a')] }),
      () => 'blackhole',
    );
    h.send();
    h.run(5);
    const s = h.clusters.get(CLUSTER)!.stats;
    s.chargeResponse(200);
    s.chargeRetriedResponse(503);
    h.stats['fault.active_faults'] = 2;
    s.resetCounters();
    h.stats.resetCounters();
    expect(counters(s)).toEqual({});
    expect([s.gauges.upstream_rq_active, s.gauges.upstream_cx_active]).toEqual([1, 1]);
    expect([h.stats.rq_total, h.stats['fault.active_faults']]).toEqual([0, 2]);
  });
});
