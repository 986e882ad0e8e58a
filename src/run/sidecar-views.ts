import { closeNames } from '../config/suggest.js';
import {
  CLUSTER_COUNTERS,
  remainingGauges,
  reportedCounter,
  CLUSTER_GAUGES,
  HealthFlag,
  type HttpStats,
  ResponseFlag,
  type UpstreamAttemptEvent,
} from '../envoy/index.js';
import { LogHistogram } from '../engine/index.js';
import { poolsOf } from '../envoy/upstream/cluster.js';
import type { Pod } from '../mesh/pod.js';
import type { Sidecar } from '../mesh/sidecar.js';
import type { World } from '../mesh/world.js';
import { cmp } from './collect.js';
import { ObserverBase } from './observers.js';

/**
 * Per-sidecar Envoy admin views (`/stats`, `/clusters`) from a finished run: which sidecars (one pod or
 * all), their per-host counters (collected through the observer interface while the run goes) and a
 * plain-data snapshot of each sidecar's clusters at the end. report/envoy-admin renders them.
 */

/** The pods a view covers: one by name, or every pod with a sidecar; an unknown name with close names. */
export function selectPods(
  world: World,
  name: string | undefined,
): { pods: Pod[] } | { unknown: string; closeNames: string[] } {
  if (name === undefined) return { pods: [...world.pods] };
  const pod = world.podByName(name);
  if (pod !== undefined) return { pods: [pod] };
  return {
    unknown: name,
    closeNames: closeNames(
      name,
      world.pods.map((p) => p.name),
    ),
  };
}

export interface HostCounters {
  cx_connect_fail: number;
  rq_error: number;
  rq_success: number;
  rq_timeout: number;
  rq_total: number;
}

/**
 * Envoy's per-host counters and the cluster's `upstream_rq_time` histogram, for the sidecars of `pods`
 * (all when null), counting tries of requests started in the window as the cluster counters do.
 * Envoy counts a host's rq_total when a stream attaches to one of its connections
 * [E:source/common/conn_pool/conn_pool_base.cc ConnPoolImplBase::attachStreamToClient], so a try that
 * overflowed the pool (UO) or failed to connect (UF: cx_connect_fail) is no request of the host.
 * NOTE: simplification: rq_error counts tries answered >= 500 (Envoy also counts some resets), and
 * cx_total is not kept per host.
 */
export class HostStatsObserver extends ObserverBase {
  /** `sidecar|cluster|pod` -> counters. */
  readonly hosts = new Map<string, HostCounters>();
  /**
   * `sidecar|cluster` -> upstream_rq_time (ms) of tries that got a response.
   * NOTE: simplification: a log-linear histogram (values within 3.2 %), not Envoy's circllhist.
   */
  readonly rqTime = new Map<string, LogHistogram>();

  constructor(private readonly pods: ReadonlySet<string> | null) {
    super();
  }

  override onUpstreamAttempt(e: UpstreamAttemptEvent): void {
    if (!e.measured || (this.pods !== null && !this.pods.has(e.sidecar))) return;
    if ((e.flags & ResponseFlag.UO) !== 0) return;
    const key = `${e.sidecar}|${e.cluster}|${e.pod}`;
    let h = this.hosts.get(key);
    if (h === undefined)
      this.hosts.set(
        key,
        (h = { cx_connect_fail: 0, rq_error: 0, rq_success: 0, rq_timeout: 0, rq_total: 0 }),
      );
    if ((e.flags & ResponseFlag.UF) !== 0) {
      h.cx_connect_fail++;
      return;
    }
    h.rq_total++;
    if (e.status >= 500 || e.status === 0) h.rq_error++;
    else h.rq_success++;
    if ((e.flags & ResponseFlag.UT) !== 0) h.rq_timeout++;
    else if (e.status > 0) {
      const k = `${e.sidecar}|${e.cluster}`;
      let t = this.rqTime.get(k);
      if (t === undefined) this.rqTime.set(k, (t = new LogHistogram()));
      t.record(e.latencyMs);
    }
  }
}

export interface HostView {
  /** `IP:port`, as Envoy prints a host. */
  address: string;
  pod: string;
  /** Per-host stats by Envoy's names, sorted (counters and gauges together, as /clusters prints them). */
  stats: Record<string, number>;
  /** Envoy's healthFlagsToString: `healthy`, or `/failed_outlier_check`. */
  healthFlags: string;
  weight: number;
  region: string;
  zone: string;
  subZone: string;
  priority: number;
}

export interface ClusterView {
  name: string;
  /** Cluster stats (without `cluster.<name>.`), sorted. */
  stats: Record<string, number>;
  /** The default-priority circuit-breaker thresholds; high priority keeps Envoy's defaults. */
  circuitBreakers: {
    maxConnections: number;
    maxPendingRequests: number;
    maxRequests: number;
    maxRetries: number;
  };
  outlierDetection: boolean;
  hosts: HostView[];
  /** Quantiles of upstream_rq_time in ms (Envoy's P0..P100), or null when no try got a response. */
  upstreamRqTime: { count: number; quantiles: { q: number; ms: number }[] } | null;
}

export interface SidecarView {
  pod: string;
  namespace: string;
  ip: string;
  clusters: ClusterView[];
  /** http.outbound.* and fault.* of this sidecar. */
  http: Record<string, number>;
}

/** The quantiles Envoy's `/stats` prints for a histogram (source/common/stats/histogram_impl.cc). */
export const ENVOY_QUANTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

/**
 * The selected sidecars' snapshots at the end of the run, in pod order (pods that never sent: no
 * clusters), each built when the iteration reaches it: all the sidecars of a large mesh list every
 * member of every cluster (3 x 1,000 pods: 2,004,000 hosts), far more than memory holds at once, so a
 * renderer takes them one at a time (issue #14). Each iteration builds them anew from the same state.
 */
export class SidecarViews implements Iterable<SidecarView> {
  private readonly byPod = new Map<Pod, Sidecar>();

  constructor(
    world: World,
    private readonly pods: readonly Pod[],
    private readonly hostStats: HostStatsObserver,
  ) {
    for (const s of world.allSidecars()) this.byPod.set(s.pod, s);
  }

  /** How many sidecars (selected pods) the views cover. */
  get count(): number {
    return this.pods.length;
  }

  *[Symbol.iterator](): Iterator<SidecarView> {
    for (const pod of this.pods) {
      const s = this.byPod.get(pod);
      yield {
        pod: pod.name,
        namespace: pod.namespace,
        ip: pod.ip,
        clusters: s === undefined ? [] : clusterViews(s, this.hostStats),
        http: s === undefined ? {} : httpStats(s),
      };
    }
  }
}

function clusterViews(s: Sidecar, hostStats: HostStatsObserver): ClusterView[] {
  const out: ClusterView[] = [];
  for (const c of s.clusters.all()) {
    const st: Record<string, number> = {};
    for (const n of CLUSTER_COUNTERS)
      if (reportedCounter(n, c.stats.counters[n])) st[n] = c.stats.counters[n];
    for (const n of CLUSTER_GAUGES) st[n] = c.stats.gauges[n];
    if (c.envoy.trackRemaining) for (const [n, v] of remainingGauges(c.resourceManager)) st[n] = v;
    for (const [code, v] of c.stats.byCode) st[`upstream_rq_${code}`] = v;
    for (const [code, v] of c.stats.retryByCode) st[`retry.upstream_rq_${code}`] = v;
    const cp = c.spec.policy.connectionPool;
    const hosts: HostView[] = [];
    for (const set of c.prioritySet.hostSets) {
      for (const h of set.hosts) {
        const counters = hostStats.hosts.get(`${s.pod.name}|${c.name}|${h.endpoint.podName}`);
        let cxActive = 0;
        for (const p of poolsOf(h)) cxActive += p.activeConnections;
        hosts.push({
          address: h.endpoint.address,
          pod: h.endpoint.podName,
          stats: {
            cx_active: cxActive,
            cx_connect_fail: counters?.cx_connect_fail ?? 0,
            rq_active: h.rqActive,
            rq_error: counters?.rq_error ?? 0,
            rq_success: counters?.rq_success ?? 0,
            rq_timeout: counters?.rq_timeout ?? 0,
            rq_total: counters?.rq_total ?? 0,
          },
          healthFlags:
            (h.healthFlags & HealthFlag.FAILED_OUTLIER_CHECK) !== 0 ? '/failed_outlier_check' : 'healthy',
          weight: h.endpoint.weight,
          region: h.endpoint.locality.region,
          zone: h.endpoint.locality.zone,
          subZone: h.endpoint.locality.subZone,
          priority: h.priority,
        });
      }
    }
    const t = hostStats.rqTime.get(`${s.pod.name}|${c.name}`);
    out.push({
      name: c.name,
      stats: Object.fromEntries(Object.entries(st).sort(([a], [b]) => cmp(a, b))),
      circuitBreakers: {
        maxConnections: cp.tcp.maxConnections,
        maxPendingRequests: cp.http.http1MaxPendingRequests,
        maxRequests: cp.http.http2MaxRequests,
        maxRetries: cp.http.maxRetries,
      },
      outlierDetection: c.outlierDetector !== null,
      hosts,
      upstreamRqTime:
        t === undefined
          ? null
          : { count: t.count, quantiles: ENVOY_QUANTILES.map((q) => ({ q, ms: t.percentile(q) })) },
    });
  }
  return out.sort((a, b) => cmp(a.name, b.name));
}

function httpStats(s: Sidecar): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.stats as HttpStats))
    if (k !== 'shadow_requests') out[k] = v as number;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => cmp(a, b)));
}
