import type { HttpRequest } from '../envoy/index.js';
import { type PeerInfo, peerLabels, peerPairLabels } from './istio-labels.js';
import type { Pod } from './pod.js';

/** One series of ztunnel's TCP metrics (istio_tcp_connections_opened_total / _closed_total). */
export interface TcpSeries {
  labels: Record<string, string>;
  opened: number;
  closed: number;
}

/** Looks up what a series needs to know: a pod's workload and the Service a Host header named. */
export interface TcpPeers {
  podInfo(name: string): PeerInfo | undefined;
  serviceOf(podName: string, authority: string): string;
}

/**
 * ztunnel's L4 telemetry: connections opened and closed, reported by the client node's ztunnel
 * (`reporter="source"`) and the server node's (`reporter="destination"`) [ztunnel src/proxy/metrics.rs:
 * `tcp_connections_opened`, `tcp_connections_closed` under the `istio_` prefix; outbound.rs and
 * inbound.rs set the reporter]. ztunnel parses no HTTP: no istio_requests_total from it.
 * NOTE: simplification: one connection per request (ztunnel.ts); byte counters are not modelled.
 * Only connections opened at or after the warm-up's end are counted (and then their close).
 */
export class ZtunnelMetrics {
  readonly series = new Map<string, TcpSeries>();
  private peers: TcpPeers | null = null;
  private fromMs = 0;
  private readonly counted = new WeakSet<HttpRequest>();

  attach(peers: TcpPeers, fromMs: number): void {
    this.peers = peers;
    this.fromMs = fromMs;
  }

  /** The client's ztunnel opened a connection for `request` (its dialled Service) at `nowMs`. */
  onOpen(from: Pod, to: Pod, request: HttpRequest, nowMs: number): void {
    if (nowMs < this.fromMs) return;
    this.counted.add(request);
    this.get('source', from, to, request).opened++;
  }

  onClose(from: Pod, to: Pod, request: HttpRequest): void {
    if (!this.counted.has(request)) return;
    this.counted.delete(request);
    this.get('source', from, to, request).closed++;
  }

  /**
   * The server node's ztunnel: a connection reached the ambient pod `to` / was answered (the recorder
   * calls onServerClose only for requests that arrived in the window).
   */
  onServerOpen(from: Pod, to: Pod, request: HttpRequest, arrivedMs: number): void {
    if (arrivedMs < this.fromMs) return;
    this.get('destination', from, to, request).opened++;
  }
  onServerClose(from: Pod, to: Pod, request: HttpRequest): void {
    this.get('destination', from, to, request).closed++;
  }

  private get(reporter: 'source' | 'destination', from: Pod, to: Pod, request: HttpRequest): TcpSeries {
    const key = `${reporter}\u0000${from.owner}\u0000${to.owner}\u0000${request.authority}`;
    let s = this.series.get(key);
    if (s === undefined)
      this.series.set(key, (s = { labels: this.labels(reporter, from, to, request), opened: 0, closed: 0 }));
    return s;
  }

  private labels(reporter: string, from: Pod, to: Pod, request: HttpRequest): Record<string, string> {
    const p = this.peers;
    const service = p?.serviceOf(to.name, request.authority.split(':')[0]!) ?? request.authority;
    return {
      reporter,
      ...peerPairLabels(peerLabels(p?.podInfo(from.name)), peerLabels(p?.podInfo(to.name)), service),
      request_protocol: 'tcp',
      response_flags: '-',
      connection_security_policy: 'mutual_tls',
    };
  }
}
