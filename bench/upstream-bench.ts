import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  resolveConnectionPool,
  resolveLoadBalancer,
  resolveOutlierDetection,
} from '../src/config/defaults.js';
import type { ClusterPolicy } from '../src/config/types.js';
import { Simulation } from '../src/engine/index.js';
import type {
  ConnectCallbacks,
  Endpoint,
  HttpRequest,
  StreamCallbacks,
  UpstreamTransport,
} from '../src/envoy/index.js';
import { ClusterStats, DISCARDED_CLUSTER_COUNTERS, Host, NULL_OBSERVER } from '../src/envoy/index.js';
import { HttpConnPool, PoolShared, poolConfig } from '../src/envoy/upstream/conn-pool/index.js';
import type { PoolCallbacks, PoolStream } from '../src/envoy/upstream/conn-pool/conn-pool.js';
import { OutlierDetector } from '../src/envoy/upstream/outlier-detection/index.js';
import { ResourceManager } from '../src/envoy/upstream/resource-manager.js';

/** A transport that connects and answers 200 in the same instant's next event. */
class InstantTransport implements UpstreamTransport {
  constructor(private readonly sim: Simulation) {}
  connect(_e: Endpoint, cb: ConnectCallbacks) {
    this.sim.schedule(0, (c: ConnectCallbacks) => c.onConnected(), cb);
    return { cancel() {} };
  }
  send(_e: Endpoint, _r: HttpRequest, cb: StreamCallbacks) {
    this.sim.schedule(1, (c: StreamCallbacks) => c.onUpstreamResponse({ status: 200, flags: 0 }), cb);
    return { cancel() {} };
  }
}

const REQUEST: HttpRequest = {
  method: 'GET',
  scheme: 'http',
  authority: 'svc',
  path: '/',
  headers: new Map(),
  port: 80,
};

/** One request through a pool: leaves a ready keep-alive connection behind, as steady traffic does. */
class OneShot implements PoolCallbacks, StreamCallbacks {
  stream: PoolStream | null = null;
  readonly counters = DISCARDED_CLUSTER_COUNTERS;
  onPoolReady(s: PoolStream): void {
    this.stream = s;
    s.send(REQUEST, this);
  }
  onPoolFailure(): void {}
  onUpstreamResponse(): void {
    this.stream?.done();
  }
  onUpstreamReset(): void {}
}

/** A full GC before each reading, so heap deltas measure live state (works without --expose-gc). */
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Upstream state per (client sidecar, endpoint) pair (issue #6: aim < 2 KiB): 200 client sidecars x 50
 * endpoints, each pair with a host, a connection pool holding one idle keep-alive connection, and an
 * outlier host monitor. Heap delta over all pairs, each reading after a full GC.
 */
export function upstreamBench(scale: number) {
  const sidecars = Math.max(1, Math.round(200 * scale));
  const endpoints = 50;
  const policy: ClusterPolicy = {
    connectionPool: resolveConnectionPool({}),
    loadBalancer: resolveLoadBalancer(undefined),
    panicThresholdPercent: 0,
    outlierDetection: resolveOutlierDetection({}),
  };
  const cfg = poolConfig({ policy, protocol: 'http1' });
  const eps: Endpoint[] = Array.from({ length: endpoints }, (_, i) => ({
    id: i,
    address: `10.0.0.${i}:8080`,
    podName: `backend-${i}`,
    labels: {},
    locality: { region: 'r', zone: 'z', subZone: '' },
    weight: 1,
    addedAtMs: 0,
  }));
  const sim = new Simulation();
  const transport = new InstantTransport(sim);
  const keep: unknown[] = [];
  const before = heapUsed();
  const t0 = performance.now();
  // Hosts alone (owned by the cluster; counted separately).
  const clusters = [];
  for (let s = 0; s < sidecars; s++) {
    const hosts = eps.map((e) => new Host(e));
    const stats = new ClusterStats();
    clusters.push({
      stats,
      resourceManager: new ResourceManager(policy, stats.gauges),
      outlierDetector: null as OutlierDetector | null,
      name: 'outbound|8080||backend.default.svc.cluster.local',
      prioritySet: { hostSets: [{ hosts }] },
      onHostHealthChanged() {},
      ctx: { sim, transport, sidecar: `client-${s}`, observer: NULL_OBSERVER },
    });
  }
  const afterHosts = heapUsed();
  for (const c of clusters) {
    const d = new OutlierDetector(c, policy.outlierDetection!);
    c.outlierDetector = d;
    // One PoolShared per cluster (and worker), as createConnPool makes them.
    const shared = new PoolShared(c, cfg);
    for (const h of c.prioritySet.hostSets[0]!.hosts) {
      const pool = new HttpConnPool(shared, h);
      h.pool = pool;
      pool.newStream(new OneShot());
      d.putHttpResponseCode(h, 200);
    }
  }
  sim.runUntil(10);
  const after = heapUsed();
  keep.push(clusters);
  const pairs = sidecars * endpoints;
  return {
    sidecars,
    endpoints,
    pairs,
    bytesPerPairPoolAndOutlier: Math.round((after - afterHosts) / pairs),
    bytesPerPairHostAndClusterShare: Math.round((afterHosts - before) / pairs),
    wallMs: Math.round(performance.now() - t0),
    kept: keep.length,
  };
}
