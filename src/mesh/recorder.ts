import type { HpaRecord } from './autoscaling/hpa-record.js';
import type { ChaosEvent } from '../config/scenario/index.js';
import { LogHistogram, Tally, TimeSeries } from '../engine/index.js';
import {
  type Cluster,
  type EjectionEvent,
  type Endpoint,
  type EnvoyObserver,
  formatResponseFlags,
  ResponseFlag,
  type HttpRequest,
  type HttpResponse,
  type RequestCompleteEvent,
  type UnejectionEvent,
  type UpstreamAttemptEvent,
} from '../envoy/index.js';
import {
  CLIENT_TIMEOUT_CODE,
  ClientAggregate,
  HopAggregate,
  ServiceAggregate,
  WorkloadAggregate,
} from './aggregates.js';
import { type IstioReporter, istioMetricLabels } from './istio-labels.js';
import { clusterSubset } from './waypoint-clusters.js';
import type { Pod } from './pod.js';
import type { InboundExchange } from './wire.js';
import type { ZtunnelMetrics } from './ztunnel-metrics.js';
import { servedByZtunnel } from './ztunnel-inbound.js';

export { CLIENT_TIMEOUT_CODE, ClientAggregate, HopAggregate, ServiceAggregate, WorkloadAggregate };

export interface IstioSeries {
  labels: Record<string, string>;
  count: number;
  /** Bucket counts for istio_request_duration_milliseconds (cumulative in exposition). */
  buckets: number[];
  sumMs: number;
}

/** Istio's default request-duration buckets in ms (NOTE: simplification: not verified against istio/proxy). */
export const ISTIO_DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** Pod facts the recorder needs for metric labels, supplied by the world. */
export interface PodDirectory {
  podInfo(
    name: string,
  ): { owner: string; namespace: string; labels: Readonly<Record<string, string>> } | undefined;
  /** The Service (FQDN) a request for `authorityHost` reached on `podName`, as the server sidecar reports it. */
  serviceOf(podName: string, authorityHost: string): string;
  /** Ambient mode (mesh/ambient.ts): waypoint requests' sources and ztunnel's TCP metrics. */
  readonly ambient?: AmbientMetricsSource;
}

/** What the recorder reads from ambient mode (mesh/ambient.ts AmbientMesh). */
export interface AmbientMetricsSource {
  readonly hasWaypoints: boolean;
  readonly metrics: ZtunnelMetrics;
  waypointSource(proxyPod: string, request: HttpRequest): string | undefined;
}

/**
 * Collects the domain events of a run into aggregates (rule 8: the model emits, the recorder listens).
 * One measurement window for every figure: a request counts by its start time, from the end of the
 * warm-up on (load generators start none after the load stops; the drain only finishes them). Requests
 * that start before the warm-up ends are counted for conservation only. Upstream tries count with
 * their downstream request (its start decides), server-side figures by the request's arrival at the pod.
 */
export class Recorder implements EnvoyObserver {
  readonly clients = new Map<string, ClientAggregate>();
  readonly services = new Map<string, ServiceAggregate>();
  readonly ejections: { event: EjectionEvent; endMs: number | null }[] = [];
  readonly chaos: { timeMs: number; event: ChaosEvent }[] = [];
  /** What each HorizontalPodAutoscaler read and did (mesh/autoscaling/horizontal-controller.ts). */
  readonly autoscaling: HpaRecord[] = [];
  readonly istio = new Map<string, IstioSeries>();
  readonly hops = new Map<string, HopAggregate>();
  readonly workloads = new Map<string, WorkloadAggregate>();
  /** Client requests started and not yet finished (every client, warm-up included). */
  inFlight = 0;
  private pods: PodDirectory = { podInfo: () => undefined, serviceOf: (_p, host) => host };
  /** Set when the mesh has waypoints: only then is a finished request's proxy looked up. */
  private ambient: AmbientMetricsSource | null = null;
  private readonly clusterTargets = new Map<string, ClusterTarget>();
  private lastClusterName: string | null = null;
  private lastClusterTarget: ClusterTarget | null = null;
  /** source sidecar (pod) -> cluster name or authority -> its hop. */
  private readonly hopIndex = new Map<string, Map<string, HopAggregate>>();
  /**
   * Series index: source workload -> (destination workload id, reporter) -> host -> (status << 16 | flags)
   * -> series. Source and destination are the pods' workloads (workloadOf): the labels of a series depend on
   * the workload, not the pod, so the index grows with workload pairs, not pod pairs (issue #14). The
   * per-request path does two pod lookups and one small map keyed by an integer, plus two more (host,
   * code) when the peer's last series is not the one.
   */
  private readonly seriesWorkloads = new Map<string, SeriesWorkload>();

  /** Pod name -> its workload's entry in the series index (its workload, or the pod when unknown). */
  private readonly podWorkloads = new Map<string, SeriesWorkload>();
  /**
   * The same entries found by object: a string-keyed lookup costs ~3x an identity one, and a request
   * made four of them here (issue #14). Weak: a pod, endpoint or cluster that is gone is not kept.
   */
  private readonly podObjectWorkloads = new WeakMap<Pod, SeriesWorkload>();
  private readonly endpointWorkloads = new WeakMap<Endpoint, SeriesWorkload>();
  private readonly clusterHops = new WeakMap<Cluster, ClusterHop>();

  constructor(
    readonly warmupMs: number,
    readonly intervalMs: number,
  ) {}

  attach(pods: PodDirectory): void {
    this.pods = pods;
    this.ambient = pods.ambient?.hasWaypoints ? pods.ambient : null;
    pods.ambient?.metrics.attach(pods, this.warmupMs);
  }

  client(name: string): ClientAggregate {
    let c = this.clients.get(name);
    if (c === undefined) this.clients.set(name, (c = new ClientAggregate(this.intervalMs)));
    return c;
  }

  workload(key: string): WorkloadAggregate {
    let w = this.workloads.get(key);
    if (w === undefined) this.workloads.set(key, (w = new WorkloadAggregate()));
    return w;
  }

  onClientStart(c: ClientAggregate, nowMs: number): void {
    c.startedAll++;
    this.inFlight++;
    if (nowMs < this.warmupMs) return;
    c.started++;
    if (nowMs < c.firstStartMs) c.firstStartMs = nowMs;
  }

  /** A load generator's request ended: `r` null when its own timeout fired first (code -1). */
  onClientResponse(c: ClientAggregate, startMs: number, nowMs: number, r: HttpResponse | null): void {
    c.finishedAll++;
    this.inFlight--;
    if (startMs < this.warmupMs) return;
    c.requests++;
    if (nowMs > c.lastEndMs) c.lastEndMs = nowMs;
    const status = r === null ? CLIENT_TIMEOUT_CODE : r.status;
    if (r === null) c.timeouts++;
    c.byStatus.add(status);
    c.byFlags.add(r === null ? ResponseFlag.DC : r.flags);
    const latency = nowMs - startMs;
    c.latency.record(latency);
    c.buckets.record(latency);
    c.seriesRequests.add(startMs);
    if (r === null || status >= 500) c.seriesErrors.add(startMs);
    const i = Math.floor(startMs / this.intervalMs);
    let h = c.seriesLatency[i];
    if (h === undefined) c.seriesLatency[i] = h = new LogHistogram();
    h.record(latency);
  }

  /** Every try of a request that started in the window (the request's start decides, as for Envoy's counters). */
  onUpstreamAttempt(e: UpstreamAttemptEvent): void {
    if (!e.measured) return;
    const c = this.clusterTarget(e.cluster);
    const s = c.service;
    s.requests++;
    s.byStatus.add(e.status);
    s.latency.record(e.latencyMs);
    c.subset.requests++;
    c.subset.byStatus.add(e.status);
    c.series.add(e.timeMs - e.latencyMs);
  }

  /** Per cluster name, where its attempts are counted (parsed once: this runs for every try). */
  private clusterTarget(name: string): ClusterTarget {
    // Most tries go to the cluster of the try before (one compare instead of a lookup).
    if (name === this.lastClusterName) return this.lastClusterTarget!;
    let t = this.clusterTargets.get(name);
    if (t === undefined) {
      // `PassthroughCluster` (no `|`): Istio reports its own name as the destination service.
      const host = name.includes('|') ? name.split('|')[3] : name;
      let service = this.services.get(host!);
      if (service === undefined) this.services.set(host!, (service = new ServiceAggregate()));
      const key = subsetOf(name);
      let b = service.bySubset.get(key);
      if (b === undefined) service.bySubset.set(key, (b = { requests: 0, byStatus: new Tally() }));
      let series = service.seriesBySubset.get(key);
      if (series === undefined) service.seriesBySubset.set(key, (series = new TimeSeries(this.intervalMs)));
      t = { host: host!, service, subset: b, series };
      this.clusterTargets.set(name, t);
    }
    this.lastClusterName = name;
    this.lastClusterTarget = t;
    return t;
  }

  onEjection(e: EjectionEvent): void {
    this.ejections.push({ event: e, endMs: null });
  }

  onUnejection(e: UnejectionEvent): void {
    for (let i = this.ejections.length - 1; i >= 0; i--) {
      const x = this.ejections[i]!;
      if (
        x.endMs === null &&
        x.event.sidecar === e.sidecar &&
        x.event.cluster === e.cluster &&
        x.event.host === e.host
      ) {
        x.endMs = e.timeMs;
        return;
      }
    }
  }

  onChaos(timeMs: number, event: ChaosEvent): void {
    this.chaos.push({ timeMs, event });
  }

  /** reporter=source (and the hop table): every downstream request a client sidecar finished. */
  onRequestComplete(e: RequestCompleteEvent): void {
    if (e.startMs < this.warmupMs) return;
    // The hop and the source's workload by the cluster object (the sidecar's own), not by two names.
    const ci = e.clusterInfo;
    const known = ci === null ? undefined : this.clusterHops.get(ci);
    let hop: HopAggregate;
    let source: SeriesWorkload;
    if (known !== undefined && known.sidecar === e.sidecar) {
      hop = known.hop;
      source = known.source;
    } else {
      hop = this.hop(e.sidecar, e.cluster, e.authority);
      source = this.workloadOf(e.sidecar);
      if (ci !== null) this.clusterHops.set(ci, { sidecar: e.sidecar, hop, source });
    }
    hop.requests++;
    hop.byStatus.add(e.status);
    hop.byFlags.add(e.flags);
    // The hop's service is the cluster's host (or the authority's for a local reply): no second lookup.
    const host = hop.service;
    const dstPod = e.upstreamPod ?? '';
    const ep = e.upstreamEndpoint;
    const dst = ep === null ? this.workloadOf(dstPod) : this.endpointWorkload(ep, dstPod);
    const latencyMs = e.timeMs - e.startMs;
    // A waypoint's Envoy reports reporter="waypoint" with the ambient client as its source (istio.io,
    // "Istio Standard Metrics": reporter is source, destination or waypoint).
    const client = this.ambient === null ? undefined : this.ambient.waypointSource(e.sidecar, e.request);
    if (client !== undefined)
      return this.istioObserve(
        'waypoint',
        this.workloadOf(client),
        dst,
        client,
        dstPod,
        host,
        e.status,
        e.flags,
        latencyMs,
      );
    this.istioObserve('source', source, dst, e.sidecar, dstPod, host, e.status, e.flags, latencyMs);
  }

  /**
   * reporter="waypoint" for a request a workload waypoint carried to the pod it was addressed to
   * (waypoint-direct.ts): the ambient client as source, the pod as destination, counted by its arrival.
   */
  onWaypointDirect(client: string, dstPod: string, status: number, startMs: number, endMs: number): void {
    if (startMs < this.warmupMs) return;
    // No Service: Istio's labels for it are "unknown" (istio.io, "Istio Standard Metrics").
    const src = this.workloadOf(client);
    this.istioObserve(
      'waypoint',
      src,
      this.workloadOf(dstPod),
      client,
      dstPod,
      'unknown',
      status,
      0,
      endMs - startMs,
    );
  }

  /** The hop of a source sidecar's request: by cluster, or by authority for a local reply without one. */
  private hop(sidecar: string, cluster: string | null, authority: string): HopAggregate {
    let bySidecar = this.hopIndex.get(sidecar);
    if (bySidecar === undefined) this.hopIndex.set(sidecar, (bySidecar = new Map()));
    const k = cluster ?? authority;
    let h = bySidecar.get(k);
    if (h === undefined) {
      const source = this.pods.podInfo(sidecar)?.owner ?? sidecar;
      const service = cluster !== null ? this.clusterTarget(cluster).host : authority.split(':')[0]!;
      const subset = cluster !== null ? subsetOf(cluster) : '-';
      const key = `${source}\u0000${service}\u0000${subset}`;
      h = this.hops.get(key);
      if (h === undefined) this.hops.set(key, (h = new HopAggregate(source, service, subset)));
      bySidecar.set(k, h);
    }
    return h;
  }

  /**
   * reporter=destination: every request that reached a server pod and was answered. `flags`: the server
   * sidecar's response flags (its own local replies: UO, UF,URX, UC).
   */
  onServerResponse(x: InboundExchange, status: number, flags = 0): void {
    const now = x.world.sim.now;
    if (x.arrivedMs < this.warmupMs) return;
    // An ambient pod has no sidecar: its node's ztunnel reports TCP metrics only (ztunnel-metrics.ts).
    if (servedByZtunnel(x)) return x.world.ambient.metrics.onServerClose(x.from, x.to, x.request);
    this.istioObserve(
      'destination',
      this.podWorkload(x.from),
      this.podWorkload(x.to),
      x.from.name,
      x.to.name,
      x.request.authority,
      status,
      flags,
      now - x.arrivedMs,
    );
  }

  /**
   * Counts one request in Istio's standard metrics. Runs twice per request, so series are found through
   * small maps keyed by what varies (the workloads' integer ids and the reporter in one key, the host, code
   * and flags in one number) and labels are built only once per series.
   */
  private istioObserve(
    reporter: IstioReporter,
    src: SeriesWorkload,
    dst: SeriesWorkload,
    srcPod: string,
    dstPod: string,
    host: string,
    status: number,
    flags: number,
    latencyMs: number,
  ): void {
    const peer = dst.id * 4 + REPORTER_INDEX[reporter];
    let p = src.peers.get(peer);
    if (p === undefined)
      src.peers.set(peer, (p = { byHost: new Map(), lastHost: null, lastCode: -1, last: null }));
    const code = status * 65536 + flags;
    let s = p.last;
    if (s === null || p.lastHost !== host || p.lastCode !== code) {
      s = this.seriesOf(p, code, reporter, srcPod, dstPod, host, status, flags);
      p.lastHost = host;
      p.lastCode = code;
      p.last = s;
    }
    s.count++;
    s.sumMs += latencyMs;
    const b = ISTIO_DURATION_BUCKETS_MS;
    for (let i = 0; i < b.length; i++) {
      if (latencyMs <= b[i]!) {
        s.buckets[i]!++;
        break;
      }
    }
  }

  /** The series of a peer, host and code (status << 16 | flags), created with its labels on first use. */
  private seriesOf(
    p: PeerSeries,
    code: number,
    reporter: IstioReporter,
    srcPod: string,
    dstPod: string,
    host: string,
    status: number,
    flags: number,
  ): IstioSeries {
    let byCode = p.byHost.get(host);
    if (byCode === undefined) p.byHost.set(host, (byCode = new Map()));
    let s = byCode.get(code);
    if (s === undefined) {
      const labels = this.istioLabels(reporter, srcPod, dstPod, host, status, flags);
      const key = Object.values(labels).join('\u0000');
      s = this.istio.get(key);
      if (s === undefined)
        this.istio.set(
          key,
          (s = { labels, count: 0, buckets: new Array(ISTIO_DURATION_BUCKETS_MS.length).fill(0), sumMs: 0 }),
        );
      byCode.set(code, s);
    }
    return s;
  }

  /** workloadOf by the Pod object (an identity lookup, not a string one: issue #14). */
  private podWorkload(pod: Pod): SeriesWorkload {
    let w = this.podObjectWorkloads.get(pod);
    if (w === undefined) this.podObjectWorkloads.set(pod, (w = this.workloadOf(pod.name)));
    return w;
  }

  /** workloadOf the endpoint's pod (`podName`), by the endpoint object. */
  private endpointWorkload(ep: Endpoint, podName: string): SeriesWorkload {
    let w = this.endpointWorkloads.get(ep);
    if (w === undefined) this.endpointWorkloads.set(ep, (w = this.workloadOf(podName)));
    return w;
  }

  /**
   * A series' labels read only the pod's owner, namespace and labels (the destination Service too:
   * serviceOf depends on the pod's namespace and labels), so pods that share all three share an entry (and
   * its integer id): the pods of one workload. Labels are in the key because a load generator and a Deployment may share a name.
   */
  private workloadOf(pod: string): SeriesWorkload {
    let w = this.podWorkloads.get(pod);
    if (w === undefined) {
      const info = pod === '' ? undefined : this.pods.podInfo(pod);
      const key =
        info === undefined
          ? `pod\u0000${pod}`
          : `workload\u0000${info.owner}\u0000${info.namespace}\u0000${JSON.stringify(Object.entries(info.labels).sort())}`;
      w = this.seriesWorkloads.get(key);
      if (w === undefined)
        this.seriesWorkloads.set(key, (w = { id: this.seriesWorkloads.size, peers: new Map() }));
      this.podWorkloads.set(pod, w);
    }
    return w;
  }

  private istioLabels(
    reporter: IstioReporter,
    srcPod: string,
    dstPod: string,
    hostOrAuthority: string,
    status: number,
    flags: number,
  ): Record<string, string> {
    // reporter=destination is indexed by the Host header; the Service it names is resolved here, once per series.
    const host = reporter === 'destination' ? this.pods.serviceOf(dstPod, hostOrAuthority) : hostOrAuthority;
    return istioMetricLabels({
      reporter,
      source: this.pods.podInfo(srcPod),
      destination: dstPod === '' ? undefined : this.pods.podInfo(dstPod),
      service: host,
      status,
      flags: formatResponseFlags(flags),
    });
  }
}

interface ClusterTarget {
  host: string;
  service: ServiceAggregate;
  subset: { requests: number; byStatus: Tally<number> };
  series: TimeSeries;
}

/** What a client sidecar's cluster object leads to: its hop and the sidecar's workload entry. */
interface ClusterHop {
  /** The sidecar the entry was made for (checked: the entry is only used for the same one). */
  readonly sidecar: string;
  readonly hop: HopAggregate;
  readonly source: SeriesWorkload;
}

/** A workload's entry in the Istio series index: a small integer id and its series by peer. */
interface SeriesWorkload {
  readonly id: number;
  /** (peer workload id * 4 + reporter index) -> its series. */
  readonly peers: Map<number, PeerSeries>;
}

/**
 * The series of one (workload, peer workload, reporter): host -> (status << 16 | flags) -> series, and
 * the last one found, which most requests find again (two map lookups fewer per request, issue #14).
 */
interface PeerSeries {
  readonly byHost: Map<string, Map<number, IstioSeries>>;
  lastHost: string | null;
  lastCode: number;
  last: IstioSeries | null;
}

const REPORTER_INDEX: Readonly<Record<IstioReporter, number>> = { source: 0, destination: 1, waypoint: 2 };

/**
 * The subset of `outbound|PORT|SUBSET|FQDN` (or a waypoint's `inbound-vip|PORT|http/SUBSET|FQDN`),
 * `(default)` for the service's own cluster.
 */
function subsetOf(cluster: string): string {
  const subset = clusterSubset(cluster);
  return subset === '' ? '(default)' : subset;
}
