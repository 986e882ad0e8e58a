import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { runModel } from '../support/run-model.js';

/**
 * Istio's circuit-breaking task as a model (models/circuit-breaker): maxConnections 1,
 * http1MaxPendingRequests 1, maxRequestsPerConnection 1, fortio -c N -qps 0 (semantics §2.5).
 */
const run = (c: number) => runModel(`models/circuit-breaker/fortio-c${c}.scenario.yaml`);
const stats = (r: Result) => r.clusters.find((c) => c.name.includes('httpbin'))!.stats;
const share503 = (r: Result) => (r.clients[0]!.byStatus['503'] ?? 0) / r.clients[0]!.requests;

describe('models/circuit-breaker: the classic demonstration', () => {
  it('1 connection: nothing waits behind another request, nothing overflows', async () => {
    const r = await run(1);
    const fortio = r.clients[0]!;
    expect(fortio.requests).toBe(100);
    expect(fortio.byStatus).toEqual({ '200': 100 });
    const s = stats(r);
    expect(s.upstream_rq_pending_overflow).toBe(0);
    expect(s.upstream_cx_overflow).toBe(0);
    // maxRequestsPerConnection 1: one connection per request, each drained after its only request.
    expect(s.upstream_cx_total).toBe(100);
    expect(s.upstream_cx_max_requests).toBe(100);
  });

  it('2 and 3 connections: a growing share of 503 UO, each one an upstream_rq_pending_overflow', async () => {
    const [r2, r3] = [await run(2), await run(3)];
    for (const r of [r2, r3]) {
      const fortio = r.clients[0]!;
      const s = stats(r);
      const n503 = fortio.byStatus['503'] ?? 0;
      expect(n503).toBeGreaterThan(0);
      // Every 503 is a local overflow reply (flag UO) and nothing else fails.
      expect(fortio.byFlag.UO).toBe(n503);
      expect((fortio.byStatus['200'] ?? 0) + n503).toBe(fortio.requests);
      expect(s.upstream_rq_pending_overflow).toBe(n503);
      // maxConnections never fails a request by itself: it only blocks new connections.
      expect(s.upstream_cx_overflow).toBeGreaterThan(0);
      expect(s.upstream_cx_total).toBe(fortio.byStatus['200']);
      // Overflow replies never reach the app nor the outlier detector (consecutive5xxErrors 1 here).
      expect(s['outlier_detection.ejections_detected_consecutive_5xx']).toBe(0);
      expect(r.ejections).toEqual([]);
    }
    expect(share503(r3)).toBeGreaterThan(share503(r2));
  });
});
