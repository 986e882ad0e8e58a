import { describe, expect, it } from 'vitest';
import { runModel } from '../support/run-model.js';

describe('models/recipe step 7: circuit breaker, verified with fortio -c 5 -qps 0 -n 100', () => {
  it('every request succeeds, nothing overflows, and connections carry at most 2 requests', async () => {
    const r = await runModel('models/recipe/step07-circuit-breaker.scenario.yaml');
    const fortio = r.clients[0]!;
    expect(fortio.requests).toBe(100);
    expect(fortio.byStatus).toEqual({ '200': 100 });
    const s = r.clusters.find(
      (c) => c.name === 'outbound|8080||backend-service.production.svc.cluster.local',
    )!.stats;
    expect(s.upstream_rq_pending_overflow).toBe(0);
    expect(s.upstream_cx_overflow).toBe(0);
    expect(s['circuit_breakers.default.rq_pending_open']).toBe(0);
    // maxRequestsPerConnection 2: a connection closes after its 2nd request; the ones still open at the
    // end have carried one. Nothing else closed a connection in 30 s.
    expect(s.upstream_cx_destroy).toBe(s.upstream_cx_max_requests);
    expect(s.upstream_cx_total).toBe(s.upstream_cx_destroy! + s.upstream_cx_active!);
    expect(2 * s.upstream_cx_max_requests! + s.upstream_cx_active!).toBeGreaterThanOrEqual(100);
    expect(2 * s.upstream_cx_max_requests!).toBeLessThanOrEqual(100);
    // 5 concurrent requests never come near the limits (maxConnections 100, 50 pending). Pools are per
    // Envoy worker (2 by default): each serves at most the fortio connections it owns, plus at most one
    // connection opened for a pending request that a freed connection then took first.
    expect(s.upstream_cx_active).toBeLessThanOrEqual(5 + 2);
  });
});
