import type { ChaosEvent } from '../config/scenario/index.js';
import { LatencyHistogram, TimeSeries } from '../engine/index.js';
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
  readonly seriesLatency: LatencyHistogram[] = [];
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
  private pods: PodDirectory = { podInfo: () => undefined };

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
    if (h === undefined) c.seriesLatency[i] = h = new LatencyHistogram();
    h.record(latency);
  }

  onUpstreamAttempt(e: UpstreamAttemptEvent): void {
    if (e.timeMs < this.warmupMs) return;
    const [, , subset, host] = e.cluster.split('|');
    let s = this.services.get(host!);
    if (s === undefined) this.services.set(host!, (s = new ServiceAggregate()));
    s.requests++;
    bump(s.byStatus, e.status);
    s.latency.record(e.latencyMs);
    const key = subset === '' ? '(default)' : subset!;
    let b = s.bySubset.get(key);
    if (b === undefined) s.bySubset.set(key, (b = { requests: 0, byStatus: new Map() }));
    b.requests++;
    bump(b.byStatus, e.status);
    let ts = s.seriesBySubset.get(key);
    if (ts === undefined) s.seriesBySubset.set(key, (ts = new TimeSeries(this.intervalMs)));
    ts.add(e.timeMs);
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
    const src = this.pods.podInfo(e.sidecar);
    const dst = e.upstreamPod === null ? undefined : this.pods.podInfo(e.upstreamPod);
    const host = e.cluster?.split('|')[3] ?? e.authority.split(':')[0]!;
    this.istioObserve('source', src, dst, host, e.status, formatResponseFlags(e.flags), e.timeMs - e.startMs);
  }

  /** reporter=destination: every request that reached a server pod and was answered. */
  onServerResponse(x: InboundExchange, status: number): void {
    const now = x.world.sim.now;
    if (now < this.warmupMs) return;
    const src = this.pods.podInfo(x.from.name);
    const dst = this.pods.podInfo(x.to.name);
    const host = x.request.authority.split(':')[0]!;
    this.istioObserve('destination', src, dst, host, status, '-', now - x.arrivedMs);
  }

  private istioObserve(
    reporter: 'source' | 'destination',
    src: ReturnType<PodDirectory['podInfo']>,
    dst: ReturnType<PodDirectory['podInfo']>,
    host: string,
    status: number,
    flags: string,
    latencyMs: number,
  ): void {
    const labels: Record<string, string> = {
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
      response_flags: flags,
      connection_security_policy: reporter === 'destination' ? 'mutual_tls' : 'unknown',
    };
    const key = Object.values(labels).join('\u0000');
    let s = this.istio.get(key);
    if (s === undefined)
      this.istio.set(
        key,
        (s = { labels, count: 0, buckets: new Array(ISTIO_DURATION_BUCKETS_MS.length).fill(0), sumMs: 0 }),
      );
    s.count++;
    s.sumMs += latencyMs;
    for (let i = 0; i < ISTIO_DURATION_BUCKETS_MS.length; i++) {
      if (latencyMs <= ISTIO_DURATION_BUCKETS_MS[i]!) {
        s.buckets[i]!++;
        break;
      }
    }
  }
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
