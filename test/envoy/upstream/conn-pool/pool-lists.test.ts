import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpConnPool, PoolShared, poolConfig } from '../../../../src/envoy/upstream/conn-pool/index.js';
import type { ActiveStream } from '../../../../src/envoy/upstream/conn-pool/pool-stream.js';
import { poolsOf } from '../../../../src/envoy/upstream/cluster.js';
import { directory, endpoint, Harness, HOST } from '../../router/harness.js';
import { FakeCluster, policy, Req } from '../support.js';

/*
 * The pool's intrusive lists (issue #14: no arrays per used pair): every connection in creation order,
 * the ready list whose tail is the front of Envoy's ready list, and each connection's streams. These
 * tests pin the order each list gives at its edges: head, middle and tail removal, and the empty list.
 */
function setup(protocol: 'http1' | 'http2' = 'http1', hosts = 1) {
  const p = policy();
  const cluster = new FakeCluster(p, hosts);
  const pool = new HttpConnPool(
    new PoolShared(cluster, poolConfig({ policy: p, protocol })),
    cluster.hosts[0]!,
  );
  return { pool, sim: cluster.ctx.sim, t: cluster.ctx.transport };
}

/** The connection a request's stream rides on (the transport's connect callback is the ActiveClient). */
const clientOf = (r: Req) => (r.stream as ActiveStream).client;

/** HTTP/1.1 with three connections up and each busy with one request (r0 on c2, r1 on c0, r2 on c1). */
function threeBusy() {
  const s = setup();
  const reqs = [0, 1, 2].map((i) => new Req(s.sim, `r${i}`));
  for (const r of reqs) s.pool.newStream(r);
  expect(s.t.connects).toHaveLength(3);
  const [c0, c1, c2] = s.t.connects.map((c) => c.cb);
  // Connected out of creation order: each takes the oldest pending request at once.
  s.t.connects[2]!.cb.onConnected();
  s.t.connects[0]!.cb.onConnected();
  s.t.connects[1]!.cb.onConnected();
  expect(reqs.map(clientOf)).toEqual([c2, c0, c1]);
  return { ...s, reqs, c0: c0!, c1: c1!, c2: c2! };
}

/** Frees the connection of `r` (its response arrives) and lets the same-instant upstream-ready turn run. */
function finish(s: ReturnType<typeof threeBusy>, r: Req) {
  const x = s.t.sends.find((e) => e.request.path === `/${r.name}`)!;
  s.t.respond(x);
  s.sim.runUntil(s.sim.now);
}

describe('connection pool lists (issue #14)', () => {
  it('ready list: the most recently freed connection serves next, then the ones freed before it', () => {
    const s = threeBusy();
    finish(s, s.reqs[1]!); // c0 ready
    finish(s, s.reqs[0]!); // c2 ready
    finish(s, s.reqs[2]!); // c1 ready: the front
    const next = [0, 1, 2].map((i) => new Req(s.sim, `n${i}`));
    for (const r of next) expect(s.pool.newStream(r)).toBeNull();
    expect(next.map(clientOf)).toEqual([s.c1, s.c2, s.c0]);
    expect(s.pool.activeConnections).toBe(3);
    // Every connection busy: the ready list is empty, so a fourth request waits for a new connection.
    const fourth = new Req(s.sim, 'n3');
    expect(s.pool.newStream(fourth)).not.toBeNull();
    expect(s.t.connects).toHaveLength(4);
  });

  it('ready list: a ready connection closed at the head, in the middle or at the tail leaves the others in order', () => {
    for (const [closed, expected] of [
      ['c0', ['c1', 'c2']], // head (oldest ready)
      ['c2', ['c1', 'c0']], // middle
      ['c1', ['c2', 'c0']], // tail (front of Envoy's list)
    ] as const) {
      const s = threeBusy();
      finish(s, s.reqs[1]!); // c0
      finish(s, s.reqs[0]!); // c2
      finish(s, s.reqs[2]!); // c1
      const byName = { c0: s.c0, c1: s.c1, c2: s.c2 };
      byName[closed].onRemoteClose();
      expect(s.pool.activeConnections).toBe(2);
      const next = [0, 1].map((i) => new Req(s.sim, `n${i}`));
      for (const r of next) expect(s.pool.newStream(r)).toBeNull();
      expect(next.map(clientOf)).toEqual(expected.map((n) => byName[n]));
    }
  });

  it('ready stack: any sequence of frees, closes and new streams serves the most recently freed (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('free' as const), i: fc.nat(2) }),
      fc.record({ kind: fc.constant('close' as const), i: fc.nat(2) }),
      fc.record({ kind: fc.constant('take' as const), i: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const s = threeBusy();
        const clients = [s.c0, s.c1, s.c2];
        // The model: what each connection carries (a request name, 'ready' or 'closed'), and the ready
        // list as the doubly linked one kept it (last = front of Envoy's list).
        const on: string[] = [s.reqs[1]!.name, s.reqs[2]!.name, s.reqs[0]!.name];
        const ready: number[] = [];
        let n = 0;
        for (const { kind, i } of ops) {
          if (kind === 'free' && on[i] !== 'ready' && on[i] !== 'closed') {
            s.t.respond(s.t.sends.find((x) => x.request.path === `/${on[i]}`)!);
            s.sim.runUntil(s.sim.now);
            on[i] = 'ready';
            ready.push(i);
          } else if (kind === 'close' && on[i] !== 'closed') {
            clients[i]!.onRemoteClose();
            if (on[i] === 'ready') ready.splice(ready.indexOf(i), 1);
            on[i] = 'closed';
          } else if (kind === 'take' && ready.length > 0) {
            const r = new Req(s.sim, `t${n++}`);
            expect(s.pool.newStream(r)).toBeNull();
            const j = ready.pop()!;
            expect(clientOf(r)).toBe(clients[j]);
            on[j] = r.name;
          }
        }
        expect(s.pool.activeConnections).toBe(on.filter((x) => x !== 'closed').length);
      }),
    );
  });

  it('drain closes the idle connections at once and the busy ones after their last stream', () => {
    const s = threeBusy();
    finish(s, s.reqs[1]!); // c0 idle
    finish(s, s.reqs[2]!); // c1 idle; c2 still busy with r0
    s.pool.drain();
    expect(s.t.connects.map((c) => c.cancelled)).toEqual([true, true, false]);
    expect(s.pool.activeConnections).toBe(1);
    finish(s, s.reqs[0]!);
    expect(s.reqs[0]!.response?.status).toBe(200);
    expect(s.t.connects.map((c) => c.cancelled)).toEqual([true, true, true]);
    expect(s.pool.activeConnections).toBe(0);
    // Nothing is left in any list: a new request opens a fresh connection.
    expect(s.pool.newStream(new Req(s.sim, 'after'))).not.toBeNull();
    expect(s.t.connects).toHaveLength(4);
  });

  it('HTTP/2 streams: one that ended at the head, middle or tail is not reset with the connection', () => {
    for (const ended of [0, 2, 4]) {
      const { pool, sim, t } = setup('http2');
      const reqs = [0, 1, 2, 3, 4].map((i) => new Req(sim, `r${i}`));
      for (const r of reqs) pool.newStream(r);
      t.connects[0]!.cb.onConnected();
      expect(pool.activeStreams).toBe(5);
      t.respond(t.sends[ended]!);
      expect(pool.activeStreams).toBe(4);
      t.connects[0]!.cb.onRemoteClose();
      expect(reqs.map((r) => r.reset)).toEqual(
        reqs.map((_, i) => (i === ended ? null : 'connection-termination')),
      );
      expect(reqs[ended]!.response?.status).toBe(200);
      expect(pool.activeStreams).toBe(0);
      expect(pool.activeConnections).toBe(0);
    }
  });

  it('HTTP/2: a closed connection resets its streams oldest first, with those that ended left out', () => {
    const { pool, sim, t } = setup('http2');
    const order: string[] = [];
    const reqs = [0, 1, 2, 3, 4].map((i) => {
      const r = new Req(sim, `r${i}`);
      r.onUpstreamReset = () => order.push(r.name);
      return r;
    });
    for (const r of reqs) pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    t.respond(t.sends[3]!);
    t.connects[0]!.cb.onRemoteClose();
    expect(order).toEqual(['r0', 'r1', 'r2', 'r4']);
    expect(t.sends.map((x) => x.cancelled)).toEqual([true, true, true, false, true]);
  });

  it('HTTP/2: a stream ended after the only other one keeps the connection ready for new streams', () => {
    const { pool, sim, t } = setup('http2');
    const a = new Req(sim, 'a');
    const b = new Req(sim, 'b');
    pool.newStream(a);
    pool.newStream(b);
    t.connects[0]!.cb.onConnected();
    t.respond(t.sends[1]!);
    t.respond(t.sends[0]!);
    expect(pool.activeStreams).toBe(0);
    const c = new Req(sim, 'c');
    expect(pool.newStream(c)).toBeNull();
    expect(clientOf(c)).toBe(t.connects[0]!.cb);
  });
});

describe('pending queue (issue #14: a list through the pending requests, no array per pool)', () => {
  it('requests cancelled at the head, in the middle and at the tail are skipped; the rest attach in order', () => {
    const { pool, sim, t } = setup('http2');
    const reqs = [0, 1, 2, 3, 4, 5].map((i) => new Req(sim, `r${i}`));
    const handles = reqs.map((r) => pool.newStream(r)!);
    expect(pool.pendingStreams).toBe(6);
    for (const i of [0, 2, 5]) handles[i]!.cancel();
    handles[2]!.cancel(); // twice: no effect
    expect(pool.pendingStreams).toBe(3);
    t.connects[0]!.cb.onConnected();
    expect(t.sends.map((x) => x.request.path)).toEqual(['/r1', '/r3', '/r4']);
    expect(pool.pendingStreams).toBe(0);
    expect(reqs.map((r) => r.stream !== null)).toEqual([false, true, false, true, true, false]);
    // Empty again: a request queued now is the only one.
    t.connects[0]!.cb.onRemoteClose();
    const late = new Req(sim, 'late');
    expect(pool.newStream(late)).not.toBeNull();
    t.connects[1]!.cb.onConnected();
    expect(t.sends.at(-1)!.request.path).toBe('/late');
  });

  it('HTTP/1.1: each connection that comes up takes the oldest request still waiting', () => {
    const { pool, sim, t } = setup('http1');
    const reqs = [0, 1, 2, 3].map((i) => new Req(sim, `r${i}`));
    const handles = reqs.map((r) => pool.newStream(r)!);
    expect(t.connects).toHaveLength(4);
    handles[1]!.cancel();
    t.connects[3]!.cb.onConnected();
    expect(t.sends.map((x) => x.request.path)).toEqual(['/r0']);
    t.connects[0]!.cb.onConnected();
    t.connects[1]!.cb.onConnected();
    expect(t.sends.map((x) => x.request.path)).toEqual(['/r0', '/r2', '/r3']);
    expect(pool.pendingStreams).toBe(0);
    // The freed connection serves the next request at once; nothing is left queued.
    t.respond(t.sends[0]!);
    sim.runUntil(sim.now);
    expect(pool.newStream(new Req(sim, 'n'))).toBeNull();
  });

  it('a connect failure fails every request still waiting, oldest first, and leaves the queue empty', () => {
    const { pool, sim, t } = setup('http2');
    const failed: string[] = [];
    const reqs = [0, 1, 2, 3].map((i) => {
      const r = new Req(sim, `r${i}`);
      r.onPoolFailure = (reason) => failed.push(`${r.name}:${reason}`);
      return r;
    });
    const handles = reqs.map((r) => pool.newStream(r)!);
    handles[1]!.cancel();
    t.connects[0]!.cb.onConnectFailed('connection-failure');
    expect(failed).toEqual(['r0:connection-failure', 'r2:connection-failure', 'r3:connection-failure']);
    expect(pool.pendingStreams).toBe(0);
    const again = new Req(sim, 'again');
    expect(pool.newStream(again)).not.toBeNull();
    expect(pool.pendingStreams).toBe(1);
    t.connects.at(-1)!.cb.onConnected();
    expect(again.stream).not.toBeNull();
  });
});

describe('the pool waiting record (issue #14: nothing per used pair once nothing waits)', () => {
  const waitingOf = (pool: HttpConnPool) => (pool as unknown as { waiting: object | null }).waiting;

  it('exists while a request waits or a connection connects, and is dropped after either ends', () => {
    const { pool, sim, t } = setup();
    expect(waitingOf(pool)).toBeNull();
    const r = new Req(sim, 'r');
    expect(pool.newStream(r)).not.toBeNull();
    expect(waitingOf(pool)).not.toBeNull();
    t.connects[0]!.cb.onConnected();
    expect(r.stream).not.toBeNull();
    expect(waitingOf(pool)).toBeNull();
    // Busy connection: a second request waits for a second connection, which fails.
    const r2 = new Req(sim, 'r2');
    pool.newStream(r2);
    expect(pool.pendingStreams).toBe(1);
    expect(waitingOf(pool)).not.toBeNull();
    t.connects[1]!.cb.onConnectFailed('connection-failure');
    expect(pool.pendingStreams).toBe(0);
    expect(waitingOf(pool)).toBeNull();
  });

  it('a cancelled pending request leaves the record to the connection still connecting', () => {
    const { pool, sim, t } = setup();
    const pending = pool.newStream(new Req(sim, 'gone'))!;
    pending.cancel();
    expect(pool.pendingStreams).toBe(0);
    expect(waitingOf(pool)).not.toBeNull(); // its connection is still connecting
    t.connects[0]!.cb.onConnected();
    expect(waitingOf(pool)).toBeNull();
    expect(pool.activeConnections).toBe(1);
  });
});

describe('Cluster.connPool per worker (issue #14: one pool object until a second worker uses the host)', () => {
  function cluster() {
    const h = new Harness([], directory({ '': [endpoint('p0')] }), () => ({ delayMs: 1, status: 200 }));
    const c = h.clusters.get(`outbound|8080||${HOST}`)!;
    return { c, host: c.prioritySet.allHosts[0]! };
  }

  it('the first worker gets the pool itself; a second worker turns it into per-worker pools', () => {
    const { c, host } = cluster();
    expect(poolsOf(host)).toEqual([]);
    const w1 = c.connPool(host, 1);
    expect(host.pool).toBe(w1);
    expect(c.connPool(host, 1)).toBe(w1);
    const w0 = c.connPool(host, 0);
    expect(w0).not.toBe(w1);
    expect(c.connPool(host, 0)).toBe(w0);
    expect(c.connPool(host, 1)).toBe(w1);
    expect(poolsOf(host)).toEqual([w0, w1]);
    expect((w0 as HttpConnPool).worker).toBe(0);
    expect((w1 as HttpConnPool).worker).toBe(1);
  });

  it('workers beyond two get their own pools too', () => {
    const { c, host } = cluster();
    const w0 = c.connPool(host, 0);
    const w3 = c.connPool(host, 3);
    const w1 = c.connPool(host, 1);
    expect(new Set([w0, w1, w3]).size).toBe(3);
    expect(poolsOf(host)).toEqual([w0, w1, w3]);
    expect(c.connPool(host, 3)).toBe(w3);
  });
});
