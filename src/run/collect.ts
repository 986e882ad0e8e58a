import { istioOf } from '../config/istio-version.js';
import type { Scenario } from '../config/scenario/index.js';
import {
  CLUSTER_COUNTERS,
  CLUSTER_GAUGES,
  type HttpStats,
  remainingGauges,
  reportedCounter,
} from '../envoy/index.js';
import type { LatencySummary } from '../engine/index.js';
import type { Recorder } from '../mesh/recorder.js';
import type { World } from '../mesh/world.js';
import { byFlagNames, hopResults, workloadResults } from './collect-mesh.js';
import { timelineEvents } from './timeline-events.js';
import type { ClientResult, ClusterResult, LatencyMs, Result, SeriesPoint } from './result.js';

/** Turns a finished world and its recorder into the Result (sorted keys and arrays: stable bytes). */
export function collectResult(world: World, rec: Recorder, scenario: Scenario, version: string): Result {
  const istio = istioOf(world.opts.config);
  const fromMs = scenario.warmupMs;
  const drainedUntilMs = world.sim.now;
  const rollouts = world.progressiveDelivery?.result();
  const timeline = timelineEvents(rec.chaos, rec.autoscaling, rollouts ?? [], drainedUntilMs);
  const inFlight = unfinishedByClient(world, fromMs);
  let started = 0;
  let finished = 0;
  const clients = [...rec.clients.entries()].sort(byKey).map(([name, c]): ClientResult => {
    started += c.startedAll;
    finished += c.finishedAll;
    const ok = c.requests - c.timeouts - count5xx(c.byStatus);
    const elapsedMs = c.requests === 0 ? 0 : round(c.lastEndMs - c.firstStartMs, 3);
    const lat = latency(c.latency.summary());
    const cut = inFlight.get(name);
    return {
      name,
      started: c.started,
      requests: c.requests,
      warmupRequests: c.startedAll - c.started,
      elapsedMs,
      qps: elapsedMs > 0 ? round(c.requests / (elapsedMs / 1000), 3) : 0,
      timeouts: c.timeouts,
      unfinished: {
        count: cut?.starts.length ?? 0,
        oldestAgeMs: cut === undefined ? 0 : round(drainedUntilMs - cut.starts[0]!, 3),
      },
      successRate: c.requests === 0 ? 1 : round(ok / c.requests, 6),
      byStatus: sortedRecord(c.byStatus),
      byFlag: byFlagNames(c.byFlags),
      latencyMs: lat,
      histogram: c.buckets
        .export(lat.min, lat.max)
        .map((b) => ({ fromMs: round(b.fromMs, 3), toMs: round(b.toMs, 3), count: b.count })),
    };
  });
  const services = [...rec.services.entries()].sort(byKey).map(([host, s]) => ({
    host,
    requests: s.requests,
    byStatus: sortedRecord(s.byStatus),
    latencyMs: latency(s.latency.summary()),
    bySubset: Object.fromEntries(
      [...s.bySubset.entries()]
        .sort(byKey)
        .map(([k, v]) => [k, { requests: v.requests, byStatus: sortedRecord(v.byStatus) }]),
    ),
  }));
  const intervalMs = scenario.seriesIntervalMs;
  const intervals = Math.ceil(world.endMs / intervalMs);
  const seriesClients: Record<string, SeriesPoint[]> = {};
  for (const [name, c] of [...rec.clients.entries()].sort(byKey)) {
    const req = c.seriesRequests.values(world.endMs);
    const err = c.seriesErrors.values(world.endMs);
    const cut = new Array<number>(intervals).fill(0);
    for (const t of inFlight.get(name)?.starts ?? []) cut[Math.floor(t / intervalMs)]!++;
    seriesClients[name] = Array.from({ length: intervals }, (_, i) => {
      const h = c.seriesLatency[i];
      return {
        t: i * intervalMs,
        requests: req[i] ?? 0,
        unfinished: cut[i] ?? 0,
        errors: err[i] ?? 0,
        p50: h ? h.percentile(50) : 0,
        p90: h ? h.percentile(90) : 0,
        p99: h ? h.percentile(99) : 0,
      };
    });
  }
  const subsets: Record<string, number[]> = {};
  for (const [host, s] of [...rec.services.entries()].sort(byKey)) {
    for (const [subset, ts] of [...s.seriesBySubset.entries()].sort(byKey))
      subsets[`${host}/${subset}`] = ts.values(world.endMs).slice(0, intervals);
  }
  return {
    meshsim: version,
    scenario: scenario.name,
    seed: world.opts.seed,
    versions: { istio: istio.version, envoy: istio.envoy.version },
    simulatedMs: drainedUntilMs,
    warmupMs: scenario.warmupMs,
    window: { fromMs, toMs: world.endMs, drainedUntilMs },
    events: world.sim.executed,
    clients,
    services,
    hops: hopResults(rec),
    workloads: workloadResults(world, rec, drainedUntilMs),
    clusters: clusterResults(world),
    ejections: rec.ejections
      .filter(({ event: e }) => e.timeMs >= fromMs)
      .map(({ event: e, endMs }) => ({
        timeMs: e.timeMs,
        client: e.sidecar,
        cluster: e.cluster,
        host: e.host,
        pod: e.pod,
        reason: e.reason,
        ejectionTimeMs: e.ejectionTimeMs,
        durationMs: endMs === null ? null : endMs - e.timeMs,
      }))
      .sort((a, b) => a.timeMs - b.timeMs || cmp(a.client, b.client) || cmp(a.host, b.host)),
    series: { intervalMs, clients: seriesClients, subsets },
    istio: [...rec.istio.values()]
      .map((s) => ({ labels: s.labels, count: s.count, buckets: s.buckets, sumMs: round(s.sumMs, 3) }))
      .sort((a, b) => compareLabels(a.labels, b.labels)),
    ...tcpSeries(world),
    http: httpTotals(world),
    conservation: { started, finished, inFlightAtEnd: started - finished },
    ...(rec.autoscaling.length > 0 ? { autoscaling: rec.autoscaling } : {}),
    ...(rollouts ? { progressiveDelivery: rollouts } : {}),
    ...(timeline.length > 0 ? { timelineEvents: timeline } : {}),
  };
}

/** Per client name, the start times of its window's requests still in flight, oldest first. */
function unfinishedByClient(world: World, fromMs: number): Map<string, { starts: number[] }> {
  const out = new Map<string, { starts: number[] }>();
  for (const g of world.generators) {
    const starts = g.inFlightStarts().filter((t) => t >= fromMs);
    if (starts.length === 0) continue;
    let e = out.get(g.spec.name);
    if (e === undefined) out.set(g.spec.name, (e = { starts: [] }));
    e.starts.push(...starts);
  }
  for (const e of out.values()) e.starts.sort((a, b) => a - b);
  return out;
}

function clusterResults(world: World): ClusterResult[] {
  const byName = new Map<string, ClusterResult>();
  for (const sidecar of world.allSidecars()) {
    for (const c of sidecar.clusters.all()) {
      let r = byName.get(c.name);
      if (r === undefined) byName.set(c.name, (r = { name: c.name, sidecars: 0, stats: {} }));
      r.sidecars++;
      const st = r.stats;
      for (const n of CLUSTER_COUNTERS)
        if (reportedCounter(n, c.stats.counters[n]) || st[n] !== undefined)
          st[n] = (st[n] ?? 0) + c.stats.counters[n];
      for (const n of CLUSTER_GAUGES) st[n] = (st[n] ?? 0) + c.stats.gauges[n];
      if (c.envoy.trackRemaining)
        for (const [n, v] of remainingGauges(c.resourceManager)) st[n] = (st[n] ?? 0) + v;
      for (const [code, v] of c.stats.byCode)
        st[`upstream_rq_${code}`] = (st[`upstream_rq_${code}`] ?? 0) + v;
      for (const [code, v] of c.stats.retryByCode)
        st[`retry.upstream_rq_${code}`] = (st[`retry.upstream_rq_${code}`] ?? 0) + v;
    }
  }
  return [...byName.values()]
    .map((r) => ({ ...r, stats: Object.fromEntries(Object.entries(r.stats).sort(([a], [b]) => cmp(a, b))) }))
    .sort((a, b) => cmp(a.name, b.name));
}

function httpTotals(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of world.allSidecars()) {
    for (const [k, v] of Object.entries(s.stats as HttpStats)) out[k] = (out[k] ?? 0) + (v as number);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => cmp(a, b)));
}

function latency(s: LatencySummary): LatencyMs {
  return {
    p50: s.p50,
    p75: s.p75,
    p90: s.p90,
    p99: s.p99,
    p999: s.p999,
    max: s.max,
    mean: s.mean,
    stddev: s.stddev,
    sum: s.sum,
    min: s.min,
  };
}

function count5xx(m: Iterable<[number, number]>): number {
  let n = 0;
  for (const [k, v] of m) if (k >= 500) n += v;
  return n;
}

/**
 * Code-unit order, never localeCompare: ICU collation differs between Node and browsers, and results
 * must be the same bytes everywhere. Numbers sort numerically.
 */
export function cmp(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Counts (a Map or a Tally) as a record sorted by key. */
export function sortedRecord<K extends string | number>(m: Iterable<[K, number]>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => cmp(a, b)).map(([k, v]) => [String(k), v]));
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return cmp(a[0], b[0]);
}

function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  return cmp(Object.values(a).join('\u0000'), Object.values(b).join('\u0000'));
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** ztunnel's TCP series (ambient mode), only when there are some: other results keep their bytes. */
function tcpSeries(world: World): Pick<Result, 'istioTcp'> {
  const s = [...world.ambient.metrics.series.values()];
  if (s.length === 0) return {};
  return {
    istioTcp: s
      .map((t) => ({ labels: t.labels, opened: t.opened, closed: t.closed }))
      .sort((a, b) => compareLabels(a.labels, b.labels)),
  };
}
