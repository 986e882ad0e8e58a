import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import type { ConnectionPoolDoc } from '../../src/config/schema/destination-rule.js';
import { RandomStreams } from '../../src/engine/index.js';
import type { Endpoint, WireStream } from '../../src/envoy/index.js';
import { HttpConnPool, PoolShared, poolConfig } from '../../src/envoy/upstream/conn-pool/index.js';
import { runScenario } from '../../src/run/index.js';
import { FakeCluster, policy, Req } from '../envoy/upstream/support.js';

const KEEPALIVE: ConnectionPoolDoc = { http: { http2KeepAlive: { interval: '1s', timeout: '200ms' } } };

/** An HTTP/2 pool whose transport answers PINGs after `ackMs` while `answering`. */
function setup(cp: ConnectionPoolDoc = KEEPALIVE, protocol: 'http1' | 'http2' = 'http2') {
  const p = policy(cp);
  const cluster = new FakeCluster(p, 1);
  const sim = cluster.ctx.sim;
  const peer = { answering: true, ackMs: 2, pings: [] as number[] };
  Object.assign(cluster.ctx.transport, {
    ping(_e: Endpoint, onAck: () => void): WireStream {
      peer.pings.push(sim.now);
      const x = { cancelled: false };
      if (peer.answering) sim.schedule(peer.ackMs, () => !x.cancelled && onAck(), null);
      return { cancel: () => void (x.cancelled = true) };
    },
  });
  const cfg = poolConfig({ policy: p, protocol }, undefined, () => new RandomStreams(1).stream('k'));
  const pool = new HttpConnPool(new PoolShared(cluster, cfg), cluster.hosts[0]!);
  return { cluster, pool, sim, peer, t: cluster.ctx.transport, c: cluster.stats.counters, cfg };
}

/** The send delays the codec draws: interval + random() % trunc(15 % × interval) (Envoy codec_impl.cc). */
function delays(n: number): number[] {
  const r = new RandomStreams(1).stream('k');
  return Array.from({ length: n }, () => 1000 + (r.uint32() % 150));
}

describe('HTTP/2 keepalive (DR connectionPool.http.http2KeepAlive, Istio 1.31): PINGs on a seeded clock', () => {
  it('resolves to connection_keepalive {interval, timeout, interval_jitter 15 %}, HTTP/2 clusters only', () => {
    expect(setup().cfg.keepalive).toMatchObject({ intervalMs: 1000, timeoutMs: 200, jitterPercent: 15 });
    expect(setup(KEEPALIVE, 'http1').cfg.keepalive).toBeNull();
    expect(setup({}).cfg.keepalive).toBeNull();
  });

  it('a peer that answers: a PING every interval + jitter after the last ACK, the connection stays', () => {
    const { pool, sim, peer, t, c } = setup();
    pool.newStream(new Req(sim, 'a'));
    t.connects[0]!.cb.onConnected();
    sim.runUntil(5000);
    const d = delays(5);
    // Connected at 0; each PING is sent `delay` after the previous ACK (2 ms after its PING).
    const expected: number[] = [];
    let at = 0;
    for (const x of d) {
      at += x;
      if (at > 5000) break;
      expected.push(at);
      at += 2;
    }
    expect(peer.pings).toEqual(expected);
    expect(d.every((x) => x >= 1000 && x < 1150)).toBe(true);
    expect([c['http2.keepalive_timeout'], c.upstream_cx_destroy]).toEqual([0, 0]);
  });

  it('a peer that stops answering: closed exactly timeout after the PING, streams reset (UC), counted', () => {
    const { pool, sim, peer, t, c } = setup();
    const r = new Req(sim, 'a');
    pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    peer.answering = false;
    const first = delays(1)[0]!;
    sim.runUntil(first + 199);
    expect([peer.pings, r.reset, c.upstream_cx_destroy]).toEqual([[first], null, 0]);
    sim.runUntil(first + 200);
    expect([r.reset, c['http2.keepalive_timeout'], c.upstream_cx_destroy]).toEqual([
      'connection-termination',
      1,
      1,
    ]);
    // No PING after the close.
    sim.runUntil(first + 5000);
    expect(peer.pings).toEqual([first]);
  });

  it('a frame received while a PING is out extends the timeout by a full period (onBeforeFrameReceived)', () => {
    const { pool, sim, peer, t, c } = setup();
    const a = new Req(sim, 'a');
    const b = new Req(sim, 'b');
    pool.newStream(a);
    pool.newStream(b);
    t.connects[0]!.cb.onConnected();
    peer.answering = false;
    const first = delays(1)[0]!;
    sim.runUntil(first + 150);
    t.respond(t.sends[0]!); // a's response at PING + 150 ms
    sim.runUntil(first + 349);
    expect([b.reset, c['http2.keepalive_timeout']]).toEqual([null, 0]);
    sim.runUntil(first + 350);
    expect([a.response?.status, b.reset, c['http2.keepalive_timeout']]).toEqual([
      200,
      'connection-termination',
      1,
    ]);
  });

  it('without http2KeepAlive a silent peer leaves the connection open', () => {
    const { pool, sim, peer, t, c } = setup({});
    const r = new Req(sim, 'a');
    pool.newStream(r);
    t.connects[0]!.cb.onConnected();
    peer.answering = false;
    sim.runUntil(60_000);
    expect([peer.pings, r.reset, c.upstream_cx_destroy]).toEqual([[], null, 0]);
  });
});

const deployment = (name: string, labels: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {${labels}}}
  template: {metadata: {labels: {${labels}}}, spec: {containers: [{name: c, image: c}]}}
`;

/** A zone-a client calls api over HTTP/2 (one pod per zone); zone-b goes down at 3 s (a black hole). */
const zoneDown = (connectionPool: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: keepalive}
spec:
  duration: 8s
  seed: 9
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
  workloads:
    default/api-a: {zones: [zone-a], latency: 5ms}
    default/api-b: {zones: [zone-b], latency: 5ms}
  traffic:
    - {name: client, zones: [zone-a], rate: 100/s, timeout: 4s, requests: [{url: "http://api/"}]}
  events:
    - {at: 3s, zone: zone-b, down: true}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http2, port: 80}]}
${deployment('api-a', 'app: api, z: a')}${deployment('api-b', 'app: api, z: b')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy: {connectionPool: ${connectionPool}}
`;

function run(connectionPool: string) {
  const r = loadScenarioFromTexts({ file: 's.yaml', text: zoneDown(connectionPool) }, [], {});
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const res = runScenario(r.loaded);
  const stats = res.clusters.find((c) => c.name === 'outbound|80||api.default.svc.cluster.local')!.stats;
  return { client: res.clients[0]!, stats };
}

describe('http2KeepAlive end to end: a zone goes down under open HTTP/2 connections', () => {
  it('without keepalive the streams to the vanished pod hang until the client gives up (4 s, code -1)', () => {
    const { client, stats } = run('{http: {maxConcurrentStreams: 100}}');
    expect([client.byStatus['503'], client.byFlag.UC, stats['http2.keepalive_timeout']]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(client.timeouts).toBe(46);
  });

  it('with interval 1s / timeout 500ms each connection to it closes after an unanswered PING: 503 UC at once', () => {
    const { client, stats } = run(
      '{http: {maxConcurrentStreams: 100, http2KeepAlive: {interval: 1s, timeout: 500ms}}}',
    );
    // One connection per Envoy worker (2) to the vanished pod, each closed by its keepalive.
    expect(stats['http2.keepalive_timeout']).toBe(2);
    expect([client.byStatus['503'], client.byFlag.UC]).toEqual([26, 26]);
    // The same 801 requests; the rest of the hung ones keep waiting on new connects to the black hole.
    expect(client.requests).toBe(801);
  });
});
