import type { ChaosEvent } from '../config/scenario/index.js';
import { LatencyHistogram, LogHistogram, TimeSeries } from '../engine/index.js';
import {
  type EjectionEvent,
  type EnvoyObserver,
  formatResponseFlags,
  type HttpResponse,
  type RequestCompleteEvent,
  type UnejectionEvent,
  type UpstreamAttemptEvent,
} from '../envoy/index.js';
import type { InboundExchange } from './wire.js';

/** What one load generator saw (fortio's view). */
export class ClientAggregate {
  /** All requests started and finished, warm-up included (conservation). */
  startedAll = 0;
  finishedAll = 0;
  /** Figures below count requests started after the warm-up. */
  requests = 0;
  timeouts = 0;
  readonly byStatus = new Map<number, number>();
  readonly byFlag = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly seriesRequests: TimeSeries;
  readonly seriesErrors: TimeSeries;
  /** Per-interval latency for the p50/p90/p99 series: the light log-linear histogram (within 3.2 %). */
  readonly seriesLatency: LogHistogram[] = [];
  constructor(intervalMs: number) {
    this.seriesRequests = new TimeSeries(intervalMs);
    this.seriesErrors = new TimeSeries(intervalMs);
  }
}

/** Upstream attempts to one service (all client sidecars, all subsets), incl. retries and mirrors. */
export class ServiceAggregate {
  requests = 0;
  readonly byStatus = new Map<number, number>();
  readonly latency = new LatencyHistogram();
  readonly bySubset = new Map<string, { requests: number; byStatus: Map<number, number> }>();
  readonly seriesBySubset = new Map<string, TimeSeries>();
}

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
}

/**
 * Collects the domain events of a run into aggregates (rule 8: the model emits, the recorder listens).
 * Requests that start before the warm-up ends are counted for conservation only.
 */
export class Recorder implements EnvoyObserver {
  readonly clients = new Map<string, ClientAggregate>();
  readonly services = new Map<string, ServiceAggregate>();
  readonly ejections: { event: EjectionEvent; endMs: number | null }[] = [];
  readonly chaos: { timeMs: number; event: ChaosEvent }[] = [];
  readonly istio = new Map<string, IstioSeries>();
  private pods: PodDirectory = { podInfo: () => undefined, serviceOf: (_p, host) => host };
  private readonly clusterTargets = new Map<string, ClusterTarget>();
  /**
   * reporter -> source -> destination -> host -> (status << 16 | flags) -> series, where source and
   * destination are the pods' workloads (seriesKeyOf): the labels of a series depend on the workload, not
   * the pod, so the index grows with workload pairs, not pod pairs (issue #14).
   */
  private readonly istioIndex = new Map<
    string,
    Map<string, Map<string, Map<string, Map<number, IstioSeries>>>>
  >();

  /** Pod name -> the key its Istio labels are indexed by (its workload, or the pod when unknown). */
  private readonly seriesKeys = new Map<string, string>();

  constructor(
    readonly warmupMs: number,
    readonly intervalMs: number,
  ) {}

  attach(pods: PodDirectory): void {
    this.pods = pods;
  }

  client(name: string): ClientAggregate {
    let c = this.clients.get(name);
    if (c === undefined) this.clients.set(name, (c = new ClientAggregate(this.intervalMs)));
    return c;
  }

  onClientStart(name: string): void {
    this.client(name).startedAll++;
  }

  /** A load generator's request ended: `r` null when its own timeout fired first. */
  onClientResponse(name: string, startMs: number, nowMs: number, r: HttpResponse | null): void {
    const c = this.client(name);
    c.finishedAll++;
    if (startMs < this.warmupMs) return;
    c.requests++;
    const status = r === null ? 0 : r.status;
    if (r === null) c.timeouts++;
    bump(c.byStatus, status);
    bump(c.byFlag, r === null ? 'DC' : formatResponseFlags(r.flags));
    const latency = nowMs - startMs;
    c.latency.record(latency);
    c.seriesRequests.add(startMs);
    if (status === 0 || status >= 500) c.seriesErrors.add(startMs);
    const i = Math.floor(startMs / this.intervalMs);
    let h = c.seriesLatency[i];
    if (h === undefined) c.seriesLatency[i] = h = new LogHistogram();
    h.record(latency);
  }

  onUpstreamAttempt(e: UpstreamAttemptEvent): void {
    if (e.timeMs < this.warmupMs) return;
    const c = this.clusterTarget(e.cluster);
    const s = c.service;
    s.requests++;
    bump(s.byStatus, e.status);
    s.latency.record(e.latencyMs);
    c.subset.requests++;
    bump(c.subset.byStatus, e.status);
    c.series.add(e.timeMs);
  }

  /** Per cluster name, where its attempts are counted (parsed once: this runs for every try). */
  private clusterTarget(name: string): ClusterTarget {
    let t = this.clusterTargets.get(name);
    if (t === undefined) {
      const [, , subset, host] = name.split('|');
      let service = this.services.get(host!);
      if (service === undefined) this.services.set(host!, (service = new ServiceAggregate()));
      const key = subset === '' ? '(default)' : subset!;
      let b = service.bySubset.get(key);
      if (b === undefined) service.bySubset.set(key, (b = { requests: 0, byStatus: new Map() }));
      let series = service.seriesBySubset.get(key);
      if (series === undefined) service.seriesBySubset.set(key, (series = new TimeSeries(this.intervalMs)));
      t = { host: host!, service, subset: b, series };
      this.clusterTargets.set(name, t);
    }
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

  /** reporter=source: every downstream request a client sidecar finished. */
  onRequestComplete(e: RequestCompleteEvent): void {
    if (e.startMs < this.warmupMs) return;
    const host = e.cluster !== null ? this.clusterTarget(e.cluster).host : e.authority.split(':')[0]!;
    this.istioObserve(
      'source',
      e.sidecar,
      e.upstreamPod ?? '',
      host,
      e.status,
      e.flags,
      e.timeMs - e.startMs,
    );
  }

  /** reporter=destination: every request that reached a server pod and was answered. */
  onServerResponse(x: InboundExchange, status: number): void {
    const now = x.world.sim.now;
    if (now < this.warmupMs) return;
    this.istioObserve(
      'destination',
      x.from.name,
      x.to.name,
      x.request.authority,
      status,
      0,
      now - x.arrivedMs,
    );
  }

  /**
   * Counts one request in Istio's standard metrics. Runs twice per request, so series are found through
   * nested maps keyed by what varies (pods, host, code and flags) and labels are built only once per series.
   */
  private istioObserve(
    reporter: 'source' | 'destination',
    srcPod: string,
    dstPod: string,
    host: string,
    status: number,
    flags: number,
    latencyMs: number,
  ): void {
    const src = this.seriesKeyOf(srcPod);
    const dst = this.seriesKeyOf(dstPod);
    const byCode = nested(nested(nested(nested(this.istioIndex, reporter), src), dst), host) as Map<
      number,
      IstioSeries
    >;
    const code = status * 65536 + flags;
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

  /**
   * A series' labels read only the pod's owner, namespace and labels (the destination Service too:
   * serviceOf depends on the pod's namespace and labels), so pods that share all three share a key: the
   * pods of one workload. Labels are in the key because a load generator and a Deployment may share a name.
   */
  private seriesKeyOf(pod: string): string {
    let k = this.seriesKeys.get(pod);
    if (k === undefined) {
      const info = pod === '' ? undefined : this.pods.podInfo(pod);
      k =
        info === undefined
          ? `pod\u0000${pod}`
          : `workload\u0000${info.owner}\u0000${info.namespace}\u0000${JSON.stringify(Object.entries(info.labels).sort())}`;
      this.seriesKeys.set(pod, k);
    }
    return k;
  }

  private istioLabels(
    reporter: 'source' | 'destination',
    srcPod: string,
    dstPod: string,
    hostOrAuthority: string,
    status: number,
    flags: number,
  ): Record<string, string> {
    // reporter=destination is indexed by the Host header; the Service it names is resolved here, once per series.
    const host = reporter === 'destination' ? this.pods.serviceOf(dstPod, hostOrAuthority) : hostOrAuthority;
    const src = this.pods.podInfo(srcPod);
    const dst = dstPod === '' ? undefined : this.pods.podInfo(dstPod);
    return {
      reporter,
      source_workload: src ? src.owner.split('/')[1]! : 'unknown',
      source_workload_namespace: src?.namespace ?? 'unknown',
      source_app: src?.labels.app ?? 'unknown',
      source_version: src?.labels.version ?? 'unknown',
      destination_workload: dst ? dst.owner.split('/')[1]! : 'unknown',
      destination_workload_namespace: dst?.namespace ?? 'unknown',
      destination_app: dst?.labels.app ?? 'unknown',
      destination_version: dst?.labels.version ?? 'unknown',
      destination_service: host,
      destination_service_name: host.split('.')[0]!,
      destination_service_namespace: host.split('.')[1] ?? 'unknown',
      request_protocol: 'http',
      response_code: String(status),
      response_flags: formatResponseFlags(flags),
      connection_security_policy: reporter === 'destination' ? 'mutual_tls' : 'unknown',
    };
  }
}

interface ClusterTarget {
  host: string;
  service: ServiceAggregate;
  subset: { requests: number; byStatus: Map<number, number> };
  series: TimeSeries;
}

// biome-ignore lint/suspicious/noExplicitAny: a generic nested-map step used only by istioObserve
function nested(m: Map<string, any>, k: string): Map<any, any> {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = new Map()));
  return v;
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
