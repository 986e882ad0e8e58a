import { destinationRuleFor } from '../config/index.js';
import type { ClusterPolicy, MeshConfig, RetryPolicy } from '../config/types.js';
import type { ClusterSpec, Route, RouteTable } from '../envoy/index.js';
import type { Cluster } from '../envoy/upstream/cluster.js';
import { isHttpOrSniffed } from '../mesh/control-plane/service-domains.js';
import type { Pod } from '../mesh/pod.js';
import type { World } from '../mesh/world.js';
import { cmp } from '../run/collect.js';
import { table } from './text-table.js';

/**
 * What `istioctl proxy-config cluster|route|endpoint <pod>` prints for one sidecar, from the cluster
 * specs and route tables the control plane builds (mesh/control-plane): the tables of
 * istioctl/pkg/writer/envoy/configdump (cluster.go PrintClusterSummary: SERVICE FQDN, PORT, SUBSET,
 * DIRECTION, TYPE, DESTINATION RULE; route.go PrintRouteSummary; endpoint.go PrintEndpointsSummary:
 * ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER), and with -o json the resources in Envoy's own field names
 * (envoy.config.cluster.v3.Cluster, route.v3.RouteConfiguration, admin.v3.Clusters) with Istio's
 * defaults filled in. `fqdn` narrows to one service, as istioctl's `--fqdn`.
 *
 * NOTE: simplification: only outbound HTTP clusters are listed (no inbound|, BlackHoleCluster,
 * PassthroughCluster, prometheus_stats ...); route matches show the path only (header and query
 * matchers are compiled and not printed); transport sockets (mTLS) are not shown.
 */
export type ProxyConfigKind = 'cluster' | 'route' | 'endpoint';

/** Every outbound cluster istiod pushes to `pod`: per service port the default one and one per subset. */
export function clusterSpecsFor(world: World, config: MeshConfig, fqdn?: string): ClusterSpec[] {
  const out: ClusterSpec[] = [];
  for (const svc of config.services) {
    if (fqdn !== undefined && svc.fqdn !== fqdn) continue;
    const dr = destinationRuleFor(config, svc.fqdn);
    for (const p of svc.ports) {
      if (!isHttpOrSniffed(p)) continue;
      for (const subset of ['', ...(dr?.subsets.map((s) => s.name) ?? [])]) {
        const spec = world.controlPlane.lookup(`outbound|${p.port}|${subset}|${svc.fqdn}`);
        if (spec !== undefined) out.push(spec);
      }
    }
  }
  return out.sort((a, b) => cmp(a.serviceHost, b.serviceHost) || a.port - b.port || cmp(a.subset, b.subset));
}

export function clusterTable(config: MeshConfig, specs: readonly ClusterSpec[]): string {
  const rows = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  for (const s of specs) {
    const dr = destinationRuleFor(config, s.serviceHost);
    // DIRECTION and SUBSET as istioctl's ParseSubsetKey splits the name (a waypoint's `inbound-vip|9080|http/v1|...`).
    const [direction, , subset] = s.name.split('|');
    rows.push([
      s.serviceHost,
      String(s.port),
      subset === '' || subset === undefined ? '-' : subset,
      direction ?? 'outbound',
      'EDS',
      dr === undefined ? '' : `${dr.meta.name}.${dr.meta.namespace}`,
    ]);
  }
  return `${table(rows).join('\n')}\n`;
}

/** A protobuf Duration in its JSON form ("10s", "0.250s"). */
export function pbDuration(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(3).replace(/0+$/, '')}s`;
}

/** The effective Envoy cluster (envoy.config.cluster.v3.Cluster) as istiod would build it. */
export function envoyCluster(s: ClusterSpec): Record<string, unknown> {
  const p: ClusterPolicy = s.policy;
  const cp = p.connectionPool;
  const lb = p.loadBalancer;
  const threshold: Record<string, unknown> = {
    max_connections: cp.tcp.maxConnections,
    max_pending_requests: cp.http.http1MaxPendingRequests,
    max_requests: cp.http.http2MaxRequests,
    max_retries: cp.http.maxRetries,
    track_remaining: true,
  };
  if (p.retryBudget)
    threshold.retry_budget = {
      budget_percent: { value: p.retryBudget.percent },
      min_retry_concurrency: p.retryBudget.minRetryConcurrency,
    };
  const out: Record<string, unknown> = {
    name: s.name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: s.name },
    connect_timeout: pbDuration(cp.tcp.connectTimeoutMs),
    lb_policy: lb.policy === 'PASSTHROUGH' ? 'CLUSTER_PROVIDED' : lb.policy,
    circuit_breakers: { thresholds: [threshold] },
    common_lb_config: {
      healthy_panic_threshold: { value: p.panicThresholdPercent },
      ...(lb.locality.enabled && lb.locality.distribute.length > 0
        ? { locality_weighted_lb_config: {} }
        : {}),
    },
  };
  if (lb.policy === 'RING_HASH') out.ring_hash_lb_config = { minimum_ring_size: lb.minimumRingSize };
  if (lb.policy === 'MAGLEV') out.maglev_lb_config = { table_size: lb.maglevTableSize };
  if (lb.policy === 'LEAST_REQUEST') out.least_request_lb_config = { choice_count: lb.choiceCount };
  if (lb.warmup) {
    const cfg = lb.policy === 'ROUND_ROBIN' ? 'round_robin_lb_config' : 'least_request_lb_config';
    out[cfg] = {
      ...((out[cfg] as object | undefined) ?? {}),
      slow_start_config: {
        slow_start_window: pbDuration(lb.warmup.durationMs),
        aggression: { default_value: lb.warmup.aggression },
        min_weight_percent: { value: lb.warmup.minimumPercent },
      },
    };
  }
  const od = p.outlierDetection;
  if (od)
    out.outlier_detection = {
      consecutive_5xx: od.consecutive5xxErrors,
      enforcing_consecutive_5xx: od.consecutive5xxErrors > 0 ? 100 : 0,
      consecutive_gateway_failure: od.consecutiveGatewayErrors.threshold,
      enforcing_consecutive_gateway_failure: od.consecutiveGatewayErrors.enforcing ? 100 : 0,
      split_external_local_origin_errors: od.splitExternalLocalOriginErrors,
      consecutive_local_origin_failure: od.consecutiveLocalOriginFailures.threshold,
      enforcing_consecutive_local_origin_failure: od.consecutiveLocalOriginFailures.enforcing ? 100 : 0,
      interval: pbDuration(od.intervalMs),
      base_ejection_time: pbDuration(od.baseEjectionTimeMs),
      max_ejection_time: pbDuration(od.maxEjectionTimeMs),
      max_ejection_percent: od.maxEjectionPercent,
      enforcing_success_rate: 0,
    };
  const common: Record<string, unknown> = {
    // Envoy's default idle timeout (1 h) when the DestinationRule sets none.
    idle_timeout: pbDuration(cp.http.idleTimeoutMs || cp.tcp.idleTimeoutMs || 3_600_000),
  };
  if (cp.http.maxRequestsPerConnection > 0)
    common.max_requests_per_connection = cp.http.maxRequestsPerConnection;
  if (cp.tcp.maxConnectionDurationMs > 0)
    common.max_connection_duration = pbDuration(cp.tcp.maxConnectionDurationMs);
  out.typed_extension_protocol_options = {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      common_http_protocol_options: common,
      explicit_http_config:
        s.protocol === 'http2'
          ? {
              http2_protocol_options:
                cp.http.maxConcurrentStreams > 0
                  ? { max_concurrent_streams: cp.http.maxConcurrentStreams }
                  : {},
            }
          : { http_protocol_options: {} },
    },
  };
  return out;
}

/** The ports of the outbound route configurations istiod pushes (one per HTTP service port). */
export function routePorts(config: MeshConfig): number[] {
  const ports = new Set<number>();
  for (const svc of config.services) for (const p of svc.ports) if (isHttpOrSniffed(p)) ports.add(p.port);
  return [...ports].sort((a, b) => a - b);
}

function pathText(r: Route): string {
  const p = r.match.path;
  return p.kind === 'prefix' ? `${p.value}*` : p.kind === 'exact' ? p.value : `~${p.value}`;
}

/** istioctl's VIRTUAL SERVICE column: `name.namespace` of the VS a route came from, `-` for Istio's default. */
function vsOf(r: Route): string {
  const name = r.action.name;
  const m = /^([^/]+)\/([^#]+)#\d+$/.exec(name);
  return m ? `${m[2]}.${m[1]}` : '-';
}

export function routeTable(tables: readonly { port: number; table: RouteTable }[], fqdn?: string): string {
  const rows = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']];
  for (const { port, table: t } of tables)
    for (const vh of t.virtualHosts) {
      if (fqdn !== undefined && !vh.domains.includes(fqdn)) continue;
      const domains = vh.domains.filter((d) => !d.includes(':'));
      const shown =
        domains.length <= 1 ? (domains[0] ?? '') : `${domains[0]} + ${domains.length - 1} more...`;
      for (const r of vh.routes) rows.push([String(port), vh.name, shown, pathText(r), vsOf(r)]);
    }
  return `${table(rows).join('\n')}\n`;
}

function retryPolicy(p: RetryPolicy, previousHosts: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    retry_on: p.retryOn.join(','),
    num_retries: p.numRetries,
    retry_host_predicate: previousHosts ? [{ name: 'envoy.retry_host_predicates.previous_hosts' }] : [],
    host_selection_retry_max_attempts: String(p.hostSelectionRetryMaxAttempts),
    retry_back_off: {
      base_interval: pbDuration(p.backoffBaseMs),
      max_interval: pbDuration(p.backoffBaseMs * 10),
    },
  };
  if (p.retriableStatusCodes.length > 0) out.retriable_status_codes = [...p.retriableStatusCodes];
  if (p.perTryTimeoutMs > 0) out.per_try_timeout = pbDuration(p.perTryTimeoutMs);
  return out;
}

function envoyRoute(r: Route): Record<string, unknown> {
  const p = r.match.path;
  const match =
    p.kind === 'prefix'
      ? { prefix: p.value, case_sensitive: p.caseSensitive }
      : p.kind === 'exact'
        ? { path: p.value, case_sensitive: p.caseSensitive }
        : { safe_regex: { regex: p.value } };
  const a = r.action;
  const out: Record<string, unknown> = { name: a.name, match };
  if (a.kind === 'direct-response')
    out.direct_response = { status: a.status, ...(a.body ? { body: { inline_string: a.body } } : {}) };
  else if (a.kind === 'redirect')
    out.redirect = {
      response_code: a.status,
      ...(a.host ? { host_redirect: a.host } : {}),
      ...(a.path ? { path_redirect: a.path } : {}),
    };
  else {
    const route: Record<string, unknown> =
      a.clusters.length === 1
        ? { cluster: a.clusters[0]!.name }
        : {
            weighted_clusters: {
              clusters: a.clusters.map((c) => ({ name: c.name, weight: c.weight })),
              total_weight: a.totalWeight,
            },
          };
    route.timeout = pbDuration(a.timeoutMs);
    if (a.retryPolicy) route.retry_policy = retryPolicy(a.retryPolicy, a.retryPreviousHosts);
    if (a.mirrors.length > 0)
      route.request_mirror_policies = a.mirrors.map((m) => ({
        cluster: m.cluster,
        runtime_fraction: {
          default_value: { numerator: Math.round(m.percentage * 10_000), denominator: 'MILLION' },
        },
      }));
    if (a.hostRewrite) route.host_rewrite_literal = a.hostRewrite;
    out.route = route;
  }
  return out;
}

/** The route configurations (envoy.config.route.v3.RouteConfiguration), one per port. */
export function envoyRouteConfigs(
  tables: readonly { port: number; table: RouteTable }[],
  fqdn?: string,
): unknown[] {
  return tables.map(({ port, table: t }) => ({
    name: String(port),
    virtual_hosts: t.virtualHosts
      .filter((vh) => fqdn === undefined || vh.domains.includes(fqdn))
      .map((vh) => ({
        name: vh.name,
        domains: [...vh.domains],
        routes: vh.routes.map(envoyRoute),
        include_request_attempt_count: true,
      })),
    validate_clusters: false,
  }));
}

/** Each cluster as the pod's sidecar builds it (priorities and locality weights relative to the pod). */
export function podClusters(world: World, pod: Pod, specs: readonly ClusterSpec[]): Cluster[] {
  const sidecar = world.sidecarOf(pod);
  return specs.map((s) => sidecar.clusters.get(s.name)).filter((c): c is Cluster => c !== undefined);
}

export function endpointTable(clusters: readonly Cluster[]): string {
  const rows = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']];
  const found: [string, string, string, string][] = [];
  for (const c of clusters)
    for (const set of c.prioritySet.hostSets)
      for (const h of set.hosts)
        found.push([h.endpoint.address, 'HEALTHY', h.healthy ? 'OK' : 'FAILED', c.name]);
  // istioctl sorts by endpoint address, then cluster (retrieveSortedEndpointClusterSlice).
  found.sort((a, b) => cmp(a[0], b[0]) || cmp(a[3], b[3]));
  rows.push(...found);
  return `${table(rows).join('\n')}\n`;
}

/** admin.v3.Clusters: per cluster its host statuses with locality, weight and priority. */
export function envoyEndpoints(clusters: readonly Cluster[]): Record<string, unknown> {
  return {
    cluster_statuses: clusters.map((c) => ({
      name: c.name,
      added_via_api: true,
      host_statuses: c.prioritySet.hostSets.flatMap((set) =>
        set.hosts.map((h) => {
          const [address, port] = h.endpoint.address.split(':') as [string, string];
          return {
            address: { socket_address: { address, port_value: Number(port) } },
            health_status: {
              eds_health_status: 'HEALTHY',
              ...(h.healthy ? {} : { failed_outlier_check: true }),
            },
            weight: h.endpoint.weight,
            locality: {
              region: h.endpoint.locality.region,
              zone: h.endpoint.locality.zone,
              sub_zone: h.endpoint.locality.subZone,
            },
            ...(h.priority > 0 ? { priority: h.priority } : {}),
          };
        }),
      ),
    })),
  };
}
