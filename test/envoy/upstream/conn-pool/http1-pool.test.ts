import { describe, expect, it } from 'vitest';
import type { ConnectionPoolDoc } from '../../../../src/config/schema/destination-rule.js';
import { ClusterCounters } from '../../../../src/envoy/index.js';
import { HttpConnPool, PoolShared, poolConfig } from '../../../../src/envoy/upstream/conn-pool/index.js';
import { Simulation } from '../../../../src/engine/index.js';
import { FakeCluster, policy, Req } from '../support.js';

function setup(cp: ConnectionPoolDoc = {}, hosts = 1, protocol: 'http1' | 'http2' = 'http1') {
  const p = policy(cp);
  const cluster = new FakeCluster(p, hosts);
  const cfg = poolConfig({ policy: p, protocol });
  const pools = cluster.hosts.map((h) => new HttpConnPool(new PoolShared(cluster, cfg), h));
  const sim = cluster.ctx.sim;
  const t = cluster.ctx.transport;
  return { cluster, pool: pools[0]!, pools, sim, t, c: cluster.stats.counters, g: cluster.stats.gauges };
}

describe('HTTP/1.1 connection pool (semantics §2.5, §2.6)', () => {
  it('queues the first request while a connection is set up, then attaches it when connected', () => {
    const { pool, sim, t, c, g } = setup();
    t.connectMs = 3;
    const r = new Req(sim, 'a');
    const handle = pool.newStream(r);
    expect(handle).not.toBeNull();
    expect([
      c.upstream_cx_total,
      g.upstream_cx_active,
      c.upstream_rq_pending_total,
      g.upstream_rq_pending_active,
    ]).toEqual([1, 1, 1, 1]);
    sim.runUntil(2.999);
    expect(r.stream).toBeNull();
    sim.runUntil(3);
    expect(r.readyAtMs).toBe(3);
    expect(g.upstream_rq_pending_active).toBe(0);
    expect(t.sends).toHaveLength(1);
    expect(pool.activeStreams).toBe(1);
  });

  it('reuses a ready connection: the next request attaches at once without connecting', () => {
    const { pool, sim, t, c } = setup();
    t.connectMs = 3;
    t.responseMs = 10;
    pool.newStream(new Req(sim, 'a'));
    sim.runUntil(13);
    expect(pool.activeStreams).toBe(0);
    const b = new Req(sim, 'b');
    expect(pool.newStream(b)).toBeNull();
    expect(b.readyAtMs).toBe(13);
    expect(c.upstream_cx_total).toBe(1);
    expect(c.upstream_rq_pending_total).toBe(1);
  });

  it('oracle Http1ConnPoolImplTest.MaxPendingRequests: max_cx 1, max_pending 1 → second request overflows', () => {
    const { pool, sim, c, g } = setup({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } });
    const a = new Req(sim, 'a');
    const b = new Req(sim, 'b');
    expect(pool.newStream(a)).not.toBeNull();
    expect(pool.newStream(b)).toBeNull();
    expect(b.failure).toBe('overflow');
    expect(a.failure).toBeNull();
    expect(g['circuit_breakers.default.rq_pending_open']).toBe(1);
    expect(g['circuit_breakers.default.cx_open']).toBe(1);
    expect(c.upstream_rq_pending_overflow).toBe(1);
    expect(c.upstream_rq_pending_total).toBe(1);
  });

  it('max_pending_requests: N pending fit, the N+1th overflows, and cancelling one frees its slot', () => {
    const { pool, sim, c, g } = setup({ http: { http1MaxPendingRequests: 3 } });
    const reqs = [0, 1, 2].map((i) => new Req(sim, `r${i}`));
    const handles = reqs.map((r) => pool.newStream(r));
    expect(g['circuit_breakers.default.rq_pending_open']).toBe(1);
    const over = new Req(sim, 'over');
    pool.newStream(over);
    expect(over.failure).toBe('overflow');
    handles[1]!.cancel();
    expect(g.upstream_rq_pending_active).toBe(2);
    expect(g['circuit_breakers.default.rq_pending_open']).toBe(0);
    const again = new Req(sim, 'again');
    expect(pool.newStream(again)).not.toBeNull();
    expect(again.failure).toBeNull();
    expect(c.upstream_rq_pending_overflow).toBe(1);
  });

  it('max_connections blocks new connections (upstream_cx_overflow) but never fails requests; FIFO service', () => {
    const { pool, sim, t, c, g } = setup({ tcp: { maxConnections: 1 } });
    t.connectMs = 1;
    t.responseMs = 10;
    const reqs = [0, 1, 2].map((i) => new Req(sim, `r${i}`));
    for (const r of reqs) pool.newStream(r);
    expect(t.connects).toHaveLength(1);
    // Requests 2 and 3 each wanted a connection and hit the breaker.
    expect(c.upstream_cx_overflow).toBe(2);
    expect(g['circuit_breakers.default.cx_open']).toBe(1);
    sim.run();
    expect(reqs.map((r) => r.readyAtMs)).toEqual([1, 11, 21]);
    expect(reqs.every((r) => r.response?.status === 200)).toBe(true);
    expect(c.upstream_cx_total).toBe(1);
  });

  it('a host with no connection always gets one, even with the cluster at max_connections', () => {
    const { pools, sim, t, c, g } = setup({ tcp: { maxConnections: 1 } }, 2);
    pools[0]!.newStream(new Req(sim, 'a'));
    pools[1]!.newStream(new Req(sim, 'b'));
    expect(t.connects).toHaveLength(2);
    expect(g.upstream_cx_active).toBe(2);
    expect(c.upstream_cx_overflow).toBe(1);
    // A second request to host 1 (which now has a connection) waits for it.
    pools[1]!.newStream(new Req(sim, 'c'));
    expect(t.connects).toHaveLength(2);
    expect(c.upstream_cx_overflow).toBe(2);
  });

  it('max_requests is checked when attaching: overflow counts upstream_rq_active_overflow (Envoy >= 1.38)', () => {
    const { pool, sim, t, c, g } = setup({ http: { http2MaxRequests: 1 } });
    t.connectMs = 1;
    const a = new Req(sim, 'a');
    const b = new Req(sim, 'b');
    pool.newStream(a);
    pool.newStream(b);
    expect(t.connects).toHaveLength(2);
    sim.runUntil(1);
    expect(a.stream).not.toBeNull();
    expect(b.failure).toBe('overflow');
    expect([c.upstream_rq_active_overflow, c.upstream_rq_pending_overflow]).toEqual([1, 0]);
    expect(g['circuit_breakers.default.rq_open']).toBe(1);
  });

  it('maxRequestsPerConnection 1: every request drains its connection (upstream_cx_max_requests)', () => {
    const { pool, sim, t, c, g } = setup({ http: { maxRequestsPerConnection: 1 } });
    t.connectMs = 1;
    t.responseMs = 5;
    pool.newStream(new Req(sim, 'a'));
    sim.runUntil(6);
    expect(c.upstream_cx_max_requests).toBe(1);
    expect(g.upstream_cx_active).toBe(0);
    expect(c.upstream_cx_destroy).toBe(1);
    const b = new Req(sim, 'b');
    expect(pool.newStream(b)).not.toBeNull();
    sim.run();
    expect(c.upstream_cx_total).toBe(2);
    expect(b.response?.status).toBe(200);
  });

  it('maxRequestsPerConnection 2: the second request on a connection drains it after its response', () => {
    const { pool, sim, t, c } = setup({ http: { maxRequestsPerConnection: 2 } });
    t.connectMs = 1;
    t.responseMs = 5;
    pool.newStream(new Req(sim, 'a'));
    sim.runUntil(6);
    expect(pool.activeConnections).toBe(1);
    pool.newStream(new Req(sim, 'b'));
    expect(c.upstream_cx_max_requests).toBe(1);
    sim.runUntil(11);
    expect(pool.activeConnections).toBe(0);
  });

  it('connect timeout: nothing before it, at it the pending requests fail with connection-timeout', () => {
    const { pool, sim, c, g } = setup({ tcp: { connectTimeout: '250ms' } });
    const a = new Req(sim, 'a');
    pool.newStream(a);
    sim.runUntil(249.999);
    expect(a.failure).toBeNull();
    sim.runUntil(250);
    expect(a.failure).toBe('connection-timeout');
    expect(c.upstream_cx_connect_timeout).toBe(1);
    expect(c.upstream_cx_connect_fail).toBe(1);
    expect(c.upstream_rq_pending_failure_eject).toBe(1);
    expect([g.upstream_cx_active, g.upstream_rq_pending_active]).toEqual([0, 0]);
  });

  it('default connect timeout is the mesh connectTimeout, 10 s', () => {
    const { pool, sim } = setup();
    const a = new Req(sim, 'a');
    pool.newStream(a);
    sim.runUntil(9_999);
    expect(a.failure).toBeNull();
    sim.runUntil(10_000);
    expect(a.failure).toBe('connection-timeout');
  });

  it('a refused connection fails every pending request of the pool with connection-failure', () => {
    const { pool, sim, t, c } = setup();
    const reqs = [0, 1, 2].map((i) => new Req(sim, `r${i}`));
    for (const r of reqs) pool.newStream(r);
    expect(t.connects).toHaveLength(3);
    t.connects[0]!.cb.onConnectFailed('connection-failure');
    expect(reqs.map((r) => r.failure)).toEqual([
      'connection-failure',
      'connection-failure',
      'connection-failure',
    ]);
    expect(c.upstream_cx_connect_fail).toBe(1);
    expect(c.upstream_rq_pending_failure_eject).toBe(3);
    // The other connections are still connecting, with nothing to carry.
    expect(pool.activeConnections).toBe(2);
  });

  it('idle timeout closes a connection exactly idleTimeout after its last stream, not before', () => {
    const { pool, sim, t, c, g } = setup({ http: { idleTimeout: '1s' } });
    t.connectMs = 1;
    t.responseMs = 9;
    pool.newStream(new Req(sim, 'a'));
    sim.runUntil(10);
    // Used again at 500 ms: the idle clock restarts when that stream ends (at 509).
    sim.runUntil(500);
    pool.newStream(new Req(sim, 'b'));
    sim.runUntil(1508.999);
    expect(g.upstream_cx_active).toBe(1);
    sim.runUntil(1509);
    expect(g.upstream_cx_active).toBe(0);
    expect(c.upstream_cx_idle_timeout).toBe(1);
  });

  it('keeps no idle timer that would fire after maxTimeMs, and the same run as with one', () => {
    // The connection goes idle at 10 ms with a 1-s idle timeout: due at 1,010 ms.
    const run = (maxTimeMs: number) => {
      const p = policy({ http: { idleTimeout: '1s' } });
      const sim = new Simulation({ maxTimeMs });
      const cluster = new FakeCluster(p, 1, sim);
      const pool = new HttpConnPool(
        new PoolShared(cluster, poolConfig({ policy: p, protocol: 'http1' })),
        cluster.hosts[0]!,
      );
      cluster.ctx.transport.connectMs = 1;
      cluster.ctx.transport.responseMs = 9;
      pool.newStream(new Req(sim, 'a'));
      sim.runUntil(10);
      const pendingWhenIdle = sim.pending;
      // Used again and idle again: a timer not kept is not armed later either.
      pool.newStream(new Req(sim, 'b'));
      sim.runUntil(20);
      const pendingIdleAgain = sim.pending;
      sim.runUntil(maxTimeMs);
      const c = cluster.stats.counters;
      return [
        pendingWhenIdle,
        pendingIdleAgain,
        c.upstream_cx_idle_timeout,
        cluster.stats.gauges.upstream_cx_active,
      ];
    };
    // Due by maxTimeMs (the first timer fires early at 1,010, sees the later idle start and re-arms for 1,019).
    expect(run(1019)).toEqual([1, 1, 1, 0]);
    expect(run(1_000_000)).toEqual([1, 1, 1, 0]);
    // Due after it: no timer, and the connection stays open to the end, as it would have with one.
    expect(run(1018.999)).toEqual([1, 1, 0, 1]);
    expect(run(1010)).toEqual([1, 1, 0, 1]);
    expect(run(1009.999)).toEqual([0, 0, 0, 1]);
  });

  it('a connection closed by the peer resets its stream with connection-termination', () => {
    const { cluster, pool, sim, t, g } = setup();
    const a = new Req(sim, 'a');
    pool.newStream(a);
    t.connects[0]!.cb.onConnected();
    t.connects[0]!.cb.onRemoteClose();
    expect(a.reset).toBe('connection-termination');
    expect(t.sends[0]!.cancelled).toBe(true);
    expect([g.upstream_cx_active, cluster.resourceManager.requests.count, pool.activeStreams]).toEqual([
      0, 0, 0,
    ]);
    expect(g['circuit_breakers.default.rq_open']).toBe(0);
  });

  it('a local reset (timeout) closes the HTTP/1.1 connection; the wire stream is cancelled', () => {
    const { pool, sim, t, c } = setup();
    const a = new Req(sim, 'a');
    pool.newStream(a);
    t.connects[0]!.cb.onConnected();
    a.stream!.reset('local-reset');
    expect(t.sends[0]!.cancelled).toBe(true);
    expect(t.connects[0]!.cancelled).toBe(true);
    expect(pool.activeConnections).toBe(0);
    expect(c.upstream_cx_destroy).toBe(1);
  });

  it('a freed HTTP/1.1 connection serves the oldest pending request in the same instant', () => {
    const { pool, sim, t } = setup({ tcp: { maxConnections: 1 } });
    const reqs = ['a', 'b', 'c'].map((n) => new Req(sim, n));
    for (const r of reqs) pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    sim.runUntil(50);
    t.respond(t.sends[0]!);
    expect(reqs[1]!.stream).toBeNull(); // attached on the next dispatcher turn, same time
    sim.runUntil(50);
    expect(reqs[1]!.readyAtMs).toBe(50);
    expect(reqs[2]!.stream).toBeNull();
  });
});

describe('what the pool counts for a request, and where (ConnPoolImplBase)', () => {
  it('upstream_rq_total, upstream_rq_active and host rq_active move on attach and come down on close', () => {
    const { cluster, pool, sim, t, c, g } = setup();
    t.connectMs = 3;
    t.responseMs = 10;
    const host = cluster.hosts[0]!;
    const level = () => [
      host.rqActive,
      g.upstream_rq_active,
      c.upstream_rq_total,
      g.upstream_rq_pending_active,
    ];
    pool.newStream(new Req(sim, 'a'));
    expect(level()).toEqual([0, 0, 0, 1]);
    sim.runUntil(2.999);
    expect(level()).toEqual([0, 0, 0, 1]);
    sim.runUntil(3);
    expect(level()).toEqual([1, 1, 1, 0]);
    sim.runUntil(12.999);
    expect(level()).toEqual([1, 1, 1, 0]);
    sim.runUntil(13);
    expect(level()).toEqual([0, 0, 1, 0]);
  });

  it('an overflow at attach (max_requests) is never counted in upstream_rq_total or rq_active', () => {
    const { cluster, pool, sim, t, c, g } = setup({ http: { http2MaxRequests: 1 } });
    t.connectMs = 1;
    pool.newStream(new Req(sim, 'a'));
    pool.newStream(new Req(sim, 'b'));
    sim.runUntil(1);
    expect([c.upstream_rq_active_overflow, c.upstream_rq_total]).toEqual([1, 1]);
    expect([cluster.hosts[0]!.rqActive, g.upstream_rq_active]).toEqual([1, 1]);
  });

  it('a connection closed by the peer releases the active counts of its stream', () => {
    const { cluster, pool, sim, t, g } = setup();
    t.connectMs = 1;
    const a = new Req(sim, 'a');
    pool.newStream(a);
    sim.runUntil(1);
    expect([cluster.hosts[0]!.rqActive, g.upstream_rq_active]).toEqual([1, 1]);
    t.connects[0]!.cb.onRemoteClose();
    expect(a.reset).toBe('connection-termination');
    expect([cluster.hosts[0]!.rqActive, g.upstream_rq_active]).toEqual([0, 0]);
  });

  it("per-request counters go to the request's own counters; connection counters and gauges to the cluster", () => {
    const { pool, sim, t, c, g } = setup({
      tcp: { maxConnections: 1 },
      http: { http1MaxPendingRequests: 1 },
    });
    t.connectMs = 1;
    const outside = new ClusterCounters();
    const a = new Req(sim, 'a', outside);
    const b = new Req(sim, 'b', outside);
    pool.newStream(a);
    pool.newStream(b); // overflows the pending queue
    sim.runUntil(1);
    const o = outside.counters;
    expect([o.upstream_rq_pending_total, o.upstream_rq_pending_overflow, o.upstream_rq_total]).toEqual([
      1, 1, 1,
    ]);
    expect([c.upstream_rq_pending_total, c.upstream_rq_pending_overflow, c.upstream_rq_total]).toEqual([
      0, 0, 0,
    ]);
    expect([c.upstream_cx_total, o.upstream_cx_total]).toEqual([1, 0]);
    expect([g.upstream_rq_active, g.upstream_cx_active]).toEqual([1, 1]);
  });

  it('a connect failure charges upstream_rq_pending_failure_eject to each failed request', () => {
    const { pool, sim, t, c } = setup();
    const outside = new ClusterCounters();
    pool.newStream(new Req(sim, 'in'));
    pool.newStream(new Req(sim, 'out', outside));
    t.connects[0]!.cb.onConnectFailed('connection-failure');
    expect([c.upstream_rq_pending_failure_eject, outside.counters.upstream_rq_pending_failure_eject]).toEqual(
      [1, 1],
    );
    expect(c.upstream_cx_connect_fail).toBe(1);
  });
});
