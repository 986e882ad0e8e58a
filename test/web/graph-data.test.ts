import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../web/src/graph/graph-model.js';
import { health } from '../../web/src/graph/health.js';
import { layoutGraph, MAX_ROWS, ranks } from '../../web/src/graph/layout.js';
import {
  graphBinning,
  histogramQuantile,
  LATENCY_BUCKETS,
  latencyBucket,
  MAX_GRAPH_BINS,
  type Peer,
  type TrafficRecord,
} from '../../web/src/worker/graph-data.js';
import { TrafficRecorder } from '../../web/src/worker/graph-traffic.js';

const B = LATENCY_BUCKETS.length;

describe('latency histogram', () => {
  it('puts a latency in the first bucket whose upper bound is ≥ it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.25)).toBe(0);
    expect(latencyBucket(0.2501)).toBe(1);
    for (let k = 1; k < B - 1; k++) {
      expect(latencyBucket(LATENCY_BUCKETS[k]!)).toBe(k);
      expect(latencyBucket(LATENCY_BUCKETS[k]! * 1.0001)).toBe(k + 1);
    }
    expect(latencyBucket(1e9)).toBe(B - 1);
  });

  it('reads quantiles as histogram_quantile does: linear inside the bucket', () => {
    const c = new Array<number>(B).fill(0);
    expect(histogramQuantile(0.5, c)).toBeNaN();
    const k = latencyBucket(20); // 16 < 20 <= 22.6
    c[k] = 100;
    const lo = LATENCY_BUCKETS[k - 1]!;
    const hi = LATENCY_BUCKETS[k]!;
    expect(histogramQuantile(0.5, c)).toBeCloseTo(lo + (hi - lo) * 0.5, 9);
    expect(histogramQuantile(0.95, c)).toBeCloseTo(lo + (hi - lo) * 0.95, 9);
    // 95 fast + 5 slow: p95 is the top of the fast bucket, p99 inside the slow one.
    const d = new Array<number>(B).fill(0);
    d[latencyBucket(2)] = 95;
    d[latencyBucket(500)] = 5;
    expect(histogramQuantile(0.95, d)).toBeCloseTo(LATENCY_BUCKETS[latencyBucket(2)]!, 9);
    expect(histogramQuantile(0.99, d)).toBeGreaterThan(LATENCY_BUCKETS[latencyBucket(500) - 1]!);
    expect(histogramQuantile(0.99, d)).toBeLessThanOrEqual(LATENCY_BUCKETS[latencyBucket(500)]!);
  });

  it('caps graph bins: one per interval up to MAX_GRAPH_BINS, then whole intervals per bin', () => {
    expect(graphBinning(1000, 60)).toEqual({ binMs: 1000, bins: 60, perBin: 1 });
    expect(graphBinning(1000, MAX_GRAPH_BINS)).toEqual({ binMs: 1000, bins: MAX_GRAPH_BINS, perBin: 1 });
    expect(graphBinning(1000, MAX_GRAPH_BINS + 1)).toEqual({ binMs: 2000, bins: 301, perBin: 2 });
    expect(graphBinning(1000, 86_400).bins).toBeLessThanOrEqual(MAX_GRAPH_BINS);
  });
});

describe('Kiali health (default tolerances)', () => {
  const codes = (ok: number, e5: number, e4 = 0) =>
    new Map([
      [200, ok],
      [503, e5],
      [404, e4],
    ]);
  it('5xx: any is degraded, above 10 % failure', () => {
    expect(health(new Map())).toBe('idle');
    expect(health(codes(1000, 0))).toBe('healthy');
    expect(health(codes(999, 1))).toBe('degraded');
    expect(health(codes(900, 100))).toBe('degraded'); // exactly 10 %
    expect(health(codes(899, 101))).toBe('failure');
  });
  it('4xx: above 10 % degraded, above 20 % failure', () => {
    expect(health(codes(900, 0, 100))).toBe('healthy'); // exactly 10 %
    expect(health(codes(899, 0, 101))).toBe('degraded');
    expect(health(codes(800, 0, 200))).toBe('degraded'); // exactly 20 %
    expect(health(codes(799, 0, 201))).toBe('failure');
  });
});

const peer = (owner: string, app: string, version = 'v1', workload = true): Peer => ({
  owner,
  namespace: owner.split('/')[0]!,
  app,
  version,
  workload,
});

function rec(
  side: 'out' | 'in',
  pod: string,
  p: Peer | null,
  service: string,
  subset: string,
  per: [number, number][],
  flags = '-',
): TrafficRecord {
  const bins = 2;
  const latency = new Array<number>(bins * B).fill(0);
  let n = 0;
  for (const [, c] of per) n += c;
  latency[latencyBucket(10)] = n;
  return {
    side,
    pod,
    peer: p,
    service,
    subset,
    cluster: `outbound|80|${subset}|${service}`,
    codes: per.map(([code, c]) => ({ code, counts: [c, 0] })),
    flags: [{ flags, counts: [n, 0] }],
    latency,
  };
}

const FE = 'frontend.shop.svc.cluster.local';
const BE = 'backend.shop.svc.cluster.local';
const DB = 'db.data.svc.cluster.local';
/** client → frontend → backend (v1 two pods, v2 one) → db. */
const chain: TrafficRecord[] = [
  rec('out', 'client-0', peer('shop/client', 'client', 'latest', false), FE, '', [[200, 100]]),
  rec('in', 'fe-0', peer('shop/frontend', 'frontend'), FE, '', [[200, 100]]),
  rec('out', 'fe-0', peer('shop/frontend', 'frontend'), BE, '', [
    [200, 98],
    [503, 2],
  ]),
  rec('in', 'be-v1-0', peer('shop/backend-v1', 'backend'), BE, '', [[200, 40]]),
  rec('in', 'be-v1-1', peer('shop/backend-v1', 'backend'), BE, '', [[200, 40]]),
  rec('in', 'be-v2-0', peer('shop/backend-v2', 'backend', 'v2'), BE, '', [
    [200, 18],
    [503, 2],
  ]),
  rec('out', 'be-v1-0', peer('shop/backend-v1', 'backend'), DB, '', [[200, 40]]),
  rec('out', 'be-v1-1', peer('shop/backend-v1', 'backend'), DB, '', [[200, 40]]),
  rec('out', 'be-v2-0', peer('shop/backend-v2', 'backend', 'v2'), DB, '', [[200, 20]]),
  rec('in', 'db-0', peer('data/db', 'db'), DB, '', [[200, 100]]),
];

describe('graph model', () => {
  it('connects the chain across hops: one node per workload, service nodes between', () => {
    const g = buildGraph(chain, 'workload', false, 0, 1);
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toEqual([
      `svc:${BE}`,
      `svc:${DB}`,
      `svc:${FE}`,
      'wl:data/db',
      'wl:shop/backend-v1',
      'wl:shop/backend-v2',
      'wl:shop/client',
      'wl:shop/frontend',
    ]);
    // Every node but the client has a caller; the chain client → … → db is one path.
    const r = ranks(ids, g.edges);
    expect(r.get('wl:shop/client')).toBe(0);
    expect(r.get('wl:shop/frontend')).toBe(2);
    expect(r.get('wl:data/db')).toBe(6);
    const e = g.edges.find((x) => x.id === `svc:${BE}>wl:shop/backend-v2`)!;
    expect(e.stats.requests).toBe(20);
    expect(e.share).toBeCloseTo(20, 9);
    expect(e.health).toBe('degraded'); // 10 % 5xx: not above Kiali's 10 % failure
  });

  it('counts nodes per graph type; pods expand out of their workloads', () => {
    const count = (v: Parameters<typeof buildGraph>[1], expand = false) =>
      buildGraph(chain, v, expand, 0, 1).nodes.map((n) => n.kind);
    const kinds = (a: string[]) => a.sort().join(',');
    expect(kinds(count('app'))).toBe('app,app,app,service,service,service,workload');
    expect(kinds(count('versionedApp'))).toBe(
      'service,service,service,versionedApp,versionedApp,versionedApp,versionedApp,workload',
    );
    expect(kinds(count('workload'))).toBe(
      'service,service,service,workload,workload,workload,workload,workload',
    );
    // Service graph: source workloads become the services that select them; the client has none.
    const sg = buildGraph(chain, 'service', false, 0, 1);
    expect(sg.nodes.map((n) => n.id)).toEqual([`svc:${BE}`, `svc:${DB}`, `svc:${FE}`, 'wl:shop/client']);
    expect(sg.edges.map((e) => e.id)).toEqual([
      `svc:${BE}>svc:${DB}`,
      `svc:${FE}>svc:${BE}`,
      `wl:shop/client>svc:${FE}`,
    ]);
    expect(kinds(count('workload', true))).toBe('pod,pod,pod,pod,pod,service,service,service,workload');
  });

  it('sums only the window of bins it is given', () => {
    expect(buildGraph(chain, 'app', false, 0, 0).edges.every((e) => e.stats.requests > 0)).toBe(true);
    expect(buildGraph(chain, 'app', false, 1, 1).edges.every((e) => e.stats.requests === 0)).toBe(true);
    expect(buildGraph(chain, 'app', false, 1, 1).edges.every((e) => e.health === 'idle')).toBe(true);
  });

  it('draws a subset no pod answers as a node that says why, with its 503 figures', () => {
    const recs = [
      rec('out', 'client-0', peer('shop/client', 'client', 'latest', false), FE, 'v1', [[200, 80]]),
      rec('out', 'client-0', peer('shop/client', 'client', 'latest', false), FE, 'v3', [[503, 20]], 'UH'),
      rec('in', 'fe-0', peer('shop/frontend', 'frontend'), FE, 'v1', [[200, 80]]),
      rec('in', '', null, FE, 'v3', [[503, 20]], 'UH'),
      // A served cluster's local replies (overflow) stay on the source → service edge: no extra node.
      rec('in', '', null, FE, 'v1', [[503, 3]], 'UO'),
    ];
    const g = buildGraph(recs, 'versionedApp', false, 0, 1);
    const m = g.nodes.filter((n) => n.kind === 'missing');
    expect(m.map((n) => [n.label, n.sub, n.reason])).toEqual([
      ['v3: no endpoints', 'UH: 503 × 20', 'v3: no endpoints (UH)'],
    ]);
    expect(g.edges.find((e) => e.target === m[0]!.id)!.health).toBe('failure');
  });
});

describe('graph layout', () => {
  it('ranks a chain left to right and keeps namespaces in boxes that do not overlap', () => {
    const g = buildGraph(chain, 'workload', false, 0, 1);
    const l = layoutGraph(g);
    const x = (id: string) => l.nodes.get(id)!.x;
    expect(x('wl:shop/client')).toBeLessThan(x(`svc:${FE}`));
    expect(x(`svc:${FE}`)).toBeLessThan(x('wl:shop/frontend'));
    expect(x('wl:shop/backend-v1')).toBeLessThan(x(`svc:${DB}`));
    expect(x(`svc:${DB}`)).toBeLessThan(x('wl:data/db'));
    expect(l.boxes.map((b) => b.namespace)).toEqual(['shop', 'data']);
    const [a, b] = l.boxes as [(typeof l.boxes)[0], (typeof l.boxes)[0]];
    expect(
      a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
    ).toBe(true);
    for (const box of l.boxes)
      for (const n of g.nodes.filter((k) => k.namespace === box.namespace)) {
        const p = l.nodes.get(n.id)!;
        expect(p.x).toBeGreaterThan(box.x);
        expect(p.x).toBeLessThan(box.x + box.width);
        expect(p.y).toBeGreaterThan(box.y);
        expect(p.y).toBeLessThan(box.y + box.height);
      }
  });

  it('wraps a column of more than MAX_ROWS nodes into sub-columns, no two nodes on one spot', () => {
    const nodes = [{ id: 's', namespace: 'a', label: 's' }];
    const edges: { source: string; target: string }[] = [];
    for (let i = 0; i < 25; i++) {
      nodes.push({ id: `p${i}`, namespace: 'a', label: `p${i}` });
      edges.push({ source: 's', target: `p${i}` });
    }
    const l = layoutGraph({ nodes, edges });
    const xs = new Set([...l.nodes.values()].filter((n) => n.id !== 's').map((n) => n.x));
    expect(xs.size).toBe(Math.ceil(25 / MAX_ROWS));
    const spots = new Set([...l.nodes.values()].map((n) => `${n.x},${n.y}`));
    expect(spots.size).toBe(26);
  });

  it('keeps ranks finite on a cycle (a calls b calls a)', () => {
    const r = ranks(
      ['a', 'b'],
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    );
    expect([r.get('a'), r.get('b')]).toEqual([0, 1]);
  });
});

describe('traffic recorder', () => {
  const pods: ConstructorParameters<typeof TrafficRecorder>[2] = {
    podInfo: (p: string) =>
      p === 'fe-0'
        ? { owner: 'shop/frontend', namespace: 'shop', labels: { app: 'frontend', version: 'v2' } }
        : p === 'be-0'
          ? { owner: 'shop/backend', namespace: 'shop', labels: {} as Record<string, string> }
          : undefined,
    isWorkload: (o: string) => o === 'shop/backend',
  };
  it('counts requests per source sidecar and tries per pod, by bin, code, flag and latency bucket', () => {
    const t = new TrafficRecorder(1000, 3, pods);
    const c = `outbound|80||${BE}`;
    t.request('fe-0', c, 'backend', 'be-0', 200, 0, 12, 500);
    t.request('fe-0', c, 'backend', 'be-0', 503, 0, 30, 1500);
    t.request('fe-0', c, 'backend', null, 503, 0x10, 1, 99_999); // after the end: last bin
    t.attempt(c, 'be-0', 200, 0, 10, 500);
    t.scrape('fe-0', c, [1, 0, 0, 0, 0], 0);
    t.scrape('fe-0', c, [3, 0, 0, 0, 0], 1);
    t.scrape('fe-0', c, [2, 0, 0, 0, 0], 2); // a reset reads as the new value
    const d = t.data();
    expect(d.bins).toBe(3);
    const out = d.records.find((r) => r.side === 'out')!;
    expect(out.peer).toEqual({
      owner: 'shop/frontend',
      namespace: 'shop',
      app: 'frontend',
      version: 'v2',
      workload: false,
    });
    expect(out.service).toBe(BE);
    expect(out.codes).toEqual([
      { code: 200, counts: [1, 0, 0] },
      { code: 503, counts: [0, 1, 1] },
    ]);
    expect(out.latency[0 * B + latencyBucket(12)]).toBe(1);
    expect(out.latency[1 * B + latencyBucket(30)]).toBe(1);
    expect(out.envoy!.upstream_rq_retry).toEqual([1, 2, 2]);
    const ins = d.records.filter((r) => r.side === 'in');
    expect(ins.map((r) => [r.pod, r.peer?.app ?? null, r.codes.map((k) => k.code)])).toEqual([
      ['', null, [503]],
      ['be-0', 'backend', [200]],
    ]);
  });
});
