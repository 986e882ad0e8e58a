import { describe, expect, it } from 'vitest';
import type { ConnectionPoolDoc } from '../../../../src/config/schema/destination-rule.js';
import { HttpConnPool, PoolShared, poolConfig } from '../../../../src/envoy/upstream/conn-pool/index.js';
import { FakeCluster, policy, Req } from '../support.js';

function setup(cp: ConnectionPoolDoc = {}) {
  const p = policy(cp);
  const cluster = new FakeCluster(p, 1);
  const pool = new HttpConnPool(
    new PoolShared(cluster, poolConfig({ policy: p, protocol: 'http2' })),
    cluster.hosts[0]!,
  );
  return {
    cluster,
    pool,
    sim: cluster.ctx.sim,
    t: cluster.ctx.transport,
    c: cluster.stats.counters,
    g: cluster.stats.gauges,
  };
}

describe('HTTP/2 connection pool (semantics §2.6)', () => {
  it('multiplexes concurrent requests on one connection', () => {
    const { pool, sim, t, c } = setup();
    const reqs = [0, 1, 2, 3, 4].map((i) => new Req(sim, `r${i}`));
    for (const r of reqs) pool.newStream(r);
    expect(t.connects).toHaveLength(1);
    t.connects[0]!.cb.onConnected();
    expect(reqs.every((r) => r.stream !== null)).toBe(true);
    expect(pool.activeStreams).toBe(5);
    // More requests while connected join the same connection at once.
    const more = new Req(sim, 'more');
    expect(pool.newStream(more)).toBeNull();
    expect(c.upstream_cx_total).toBe(1);
  });

  it('maxConcurrentStreams 2: a new connection per two queued requests', () => {
    const { pool, sim, t, g } = setup({ http: { maxConcurrentStreams: 2 } });
    for (let i = 0; i < 5; i++) pool.newStream(new Req(sim, `r${i}`));
    expect(t.connects).toHaveLength(3);
    for (const x of t.connects) x.cb.onConnected();
    expect(pool.activeStreams).toBe(5);
    // The connection with 2 streams is busy; a stream ending makes it ready again.
    t.respond(t.sends[0]!);
    expect(pool.activeStreams).toBe(4);
    expect(g.upstream_cx_active).toBe(3);
  });

  it('http2MaxRequests caps active streams across the connection (503 UO via overflow)', () => {
    const { pool, sim, t, c } = setup({ http: { http2MaxRequests: 2 } });
    const reqs = [0, 1, 2].map((i) => new Req(sim, `r${i}`));
    for (const r of reqs) pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    expect(reqs.map((r) => r.failure)).toEqual([null, null, 'overflow']);
    expect(c.upstream_rq_active_overflow).toBe(1); // Envoy >= 1.38 (Istio 1.30)
  });

  it('a local reset sends RST_STREAM: the connection and its other streams stay', () => {
    const { pool, sim, t } = setup();
    const a = new Req(sim, 'a');
    const b = new Req(sim, 'b');
    pool.newStream(a);
    pool.newStream(b);
    t.connects[0]!.cb.onConnected();
    a.stream!.reset('local-reset');
    expect(pool.activeConnections).toBe(1);
    expect(pool.activeStreams).toBe(1);
    t.respond(t.sends[1]!);
    expect(b.response?.status).toBe(200);
  });

  it('a remote stream reset ends only that stream; a dead connection resets them all', () => {
    const { pool, sim, t } = setup();
    const reqs = [0, 1, 2].map((i) => new Req(sim, `r${i}`));
    for (const r of reqs) pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    t.sends[0]!.cb.onUpstreamReset('remote-reset');
    expect(reqs[0]!.reset).toBe('remote-reset');
    expect(pool.activeConnections).toBe(1);
    t.connects[0]!.cb.onRemoteClose();
    expect(reqs.map((r) => r.reset)).toEqual([
      'remote-reset',
      'connection-termination',
      'connection-termination',
    ]);
    expect(pool.activeStreams).toBe(0);
  });
});
