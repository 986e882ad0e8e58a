import type { ClusterPolicy } from '../../config/types.js';
import type { EndpointSource } from './host.js';

/**
 * What istiod pushes for one outbound cluster `outbound|PORT|SUBSET|FQDN`: its effective policy and the
 * endpoint source it draws members from (Istio cluster_builder.go subsets).
 */
export interface ClusterSpec {
  readonly name: string;
  /**
   * The name the proxy's routes use for this cluster when the proxy names it otherwise (an ambient
   * waypoint's `inbound-vip|...` clusters are routed to as `outbound|...`); it keys the cluster's random
   * stream, so naming a cluster differently never reshuffles its draws (common random numbers).
   */
  readonly routeName?: string;
  readonly serviceHost: string;
  readonly port: number;
  /** '' for the service's default cluster. */
  readonly subset: string;
  readonly subsetLabels: Readonly<Record<string, string>>;
  readonly policy: ClusterPolicy;
  readonly endpoints: EndpointSource;
  /** Upstream protocol (Istio cluster_traffic_policy.go applyConnectionPool: http2/grpc ports or h2UpgradePolicy UPGRADE → HTTP/2). */
  readonly protocol: 'http1' | 'http2';
}

/** The control plane's view: which clusters exist (a subset no DestinationRule defines does not: NC). */
export interface ClusterDirectory {
  lookup(name: string): ClusterSpec | undefined;
}

export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}
