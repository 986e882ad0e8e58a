import { istioOf } from '../../config/istio-version.js';
import { trafficDistributionLocality } from '../../config/istio-version-locality.js';
import { resolveConnectionPool, resolveLoadBalancer } from '../../config/defaults.js';
import { DEFAULTS, destinationRuleFor, effectiveClusterPolicy } from '../../config/index.js';
import { DEFAULT_ISTIO_MESH_CONFIG, type IstioMeshConfig } from '../../config/resolve/mesh-config.js';
import type {
  ClusterPolicy,
  DestinationRuleConfig,
  LocalityLbSetting,
  MeshConfig,
  ServiceConfig,
} from '../../config/types.js';
import type { ClusterDirectory, ClusterSpec } from '../../envoy/index.js';
import type { ServiceEndpoints } from '../endpoints.js';
import type { ExternalEndpoints } from '../external-endpoints.js';
import { PASSTHROUGH_CLUSTER } from './route-config.js';

/**
 * istiod's cluster generation (Istio cluster_builder.go subsets): one cluster per service port (`outbound|PORT||FQDN`) and
 * one per DestinationRule subset (`outbound|PORT|SUBSET|FQDN`), each with its effective policy. A subset
 * that no DestinationRule defines has no cluster (the router answers 503 NC). Specs are built on first
 * lookup and cached.
 *
 * ServiceEntry hosts get the same clusters with the DestinationRule's policy (their endpoints:
 * external-endpoints.ts); a NONE-resolution entry's cluster is ORIGINAL_DST, so its load balancer is
 * CLUSTER_PROVIDED whatever the DestinationRule says (cluster_traffic_policy.go applyTrafficPolicy).
 * `PassthroughCluster` is the ALLOW_ANY catch-all (cluster_builder.go buildDefaultPassthroughCluster):
 * ORIGINAL_DST, MeshConfig's connectTimeout, and the mesh defaultTrafficPolicy's connection pool only.
 */
export class ClusterSpecs implements ClusterDirectory {
  private readonly cache = new Map<string, ClusterSpec | null>();
  private readonly mesh: IstioMeshConfig;

  constructor(
    private readonly config: MeshConfig,
    private readonly services: ReadonlyMap<string, ServiceConfig>,
    private readonly endpoints: (fqdn: string, port: number) => ServiceEndpoints,
    private readonly external?: ExternalEndpoints,
    mesh?: IstioMeshConfig,
  ) {
    this.mesh = mesh ?? config.istioMeshConfig ?? DEFAULT_ISTIO_MESH_CONFIG;
  }

  lookup(name: string): ClusterSpec | undefined {
    let spec = this.cache.get(name);
    if (spec === undefined) {
      spec = this.build(name);
      this.cache.set(name, spec);
    }
    return spec ?? undefined;
  }

  private build(name: string): ClusterSpec | null {
    if (name === PASSTHROUGH_CLUSTER) return this.passthrough();
    const parts = name.split('|');
    if (parts.length !== 4 || parts[0] !== 'outbound') return null;
    const port = Number(parts[1]);
    const subset = parts[2]!;
    const host = parts[3]!;
    const svc = this.services.get(host);
    const svcPort = svc?.ports.find((p) => p.port === port);
    if (svc === undefined || svcPort === undefined) return null;
    const dr = destinationRuleFor(this.config, host);
    let subsetLabels: Readonly<Record<string, string>> = {};
    if (subset !== '') {
      const s = dr?.subsets.find((x) => x.name === subset);
      if (s === undefined) return null;
      subsetLabels = s.labels;
    }
    let policy = meshDefaults(
      effectiveClusterPolicy(
        withMeshBaseline(dr, this.mesh, port),
        subset === '' ? undefined : subset,
        port,
        istioOf(this.config),
      ),
      dr,
      this.mesh,
      trafficDistributionLocality(svc.trafficDistribution, istioOf(this.config)),
    );
    const se = svc.serviceEntry;
    if (se !== undefined && se.resolution === 'NONE')
      policy = { ...policy, loadBalancer: { ...policy.loadBalancer, policy: 'PASSTHROUGH' } };
    const h2 =
      svcPort.istioProtocol === 'http2' ||
      svcPort.istioProtocol === 'grpc' ||
      policy.connectionPool.http.h2UpgradePolicy === 'UPGRADE';
    const tls = policy.tlsMode === 'SIMPLE' || policy.tlsMode === 'MUTUAL';
    return {
      name,
      serviceHost: host,
      port,
      subset,
      subsetLabels,
      policy,
      endpoints:
        se !== undefined && this.external !== undefined
          ? this.external.endpointsFor(svc, port, tls)
          : this.endpoints(host, port),
      protocol: h2 ? 'http2' : 'http1',
    };
  }

  private passthrough(): ClusterSpec | null {
    if (this.external === undefined) return null;
    const pool = this.mesh.defaultTrafficPolicy.connectionPool ?? resolveConnectionPool(undefined);
    const policy: ClusterPolicy = {
      connectionPool: withConnectTimeout(pool, this.mesh.connectTimeoutMs),
      loadBalancer: resolveLoadBalancer({ simple: 'PASSTHROUGH' }),
      panicThresholdPercent: DEFAULTS.panicThresholdWithoutOutlierPercent,
    };
    return {
      name: PASSTHROUGH_CLUSTER,
      serviceHost: PASSTHROUGH_CLUSTER,
      port: 0,
      subset: '',
      subsetLabels: {},
      policy,
      endpoints: this.external.passthrough(),
      protocol: 'http1',
    };
  }
}

/**
 * MeshConfig `defaultTrafficPolicy` seeded below the DestinationRule's port-resolved top-level policy, per
 * block: a block the DR sets wins whole, an unset one is the mesh's (Istio cluster_traffic_policy.go
 * applyDefaultTrafficPolicy, called from cluster_builder.go applyDestinationRule). Subsets override on top.
 */
function withMeshBaseline(
  dr: DestinationRuleConfig | undefined,
  mesh: IstioMeshConfig,
  port: number,
): DestinationRuleConfig | undefined {
  const base = mesh.defaultTrafficPolicy;
  if (base.connectionPool === undefined && base.outlierDetection === undefined) return dr;
  const tp = dr?.trafficPolicy;
  const entry = tp?.portLevelSettings.find((p) => p.port === port)?.policy;
  const top = entry ?? tp;
  const trafficPolicy = {
    ...(top ?? {}),
    portLevelSettings: [],
    connectionPool: top?.connectionPool ?? base.connectionPool,
    outlierDetection: top?.outlierDetection ?? base.outlierDetection,
  };
  // A port-level entry carries no retryBudget (cluster-policy.ts portLevel), the top level does.
  if (entry === undefined && tp?.retryBudget !== undefined)
    Object.assign(trafficPolicy, { retryBudget: tp.retryBudget });
  if (dr === undefined)
    return {
      meta: {
        name: '',
        namespace: '',
        labels: {},
        annotations: {},
        source: { file: '', line: 0, column: 0 },
      },
      host: '',
      trafficPolicy,
      subsets: [],
      exportTo: [],
    };
  return { ...dr, trafficPolicy };
}

/**
 * MeshConfig `connectTimeout` and `localityLbSetting` where the DestinationRule does not set them
 * (cluster_builder.go: the cluster's connect timeout starts as the mesh's and applyConnectionPool
 * replaces it only when tcp.connectTimeout is set; loadbalancer.go GetEffectiveLbSetting: the DR's
 * localityLbSetting, else the mesh's). "Not set" is read from the DR's written fields.
 *
 * NOTE: simplification: the mesh connectTimeout applies when the DR writes no `tcp.connectTimeout`
 * anywhere and the effective value is Istio's 10 s default (a block other than the chosen one is not told apart).
 */
function meshDefaults(
  policy: ClusterPolicy,
  dr: DestinationRuleConfig | undefined,
  mesh: IstioMeshConfig,
  /** The Service's trafficDistribution, between the DR and the mesh (loadbalancer.go GetEffectiveLbSetting). */
  serviceLocality?: LocalityLbSetting,
): ClusterPolicy {
  const written = dr?.meta.positions ?? {};
  const wrote = (suffix: string) => Object.keys(written).some((k) => k.endsWith(suffix));
  let out = policy;
  if (
    mesh.connectTimeoutMs !== DEFAULTS.connectTimeoutMs &&
    !wrote('.tcp.connectTimeout') &&
    policy.connectionPool.tcp.connectTimeoutMs === DEFAULTS.connectTimeoutMs
  )
    out = { ...out, connectionPool: withConnectTimeout(out.connectionPool, mesh.connectTimeoutMs) };
  const locality = wrote('.localityLbSetting') ? undefined : (serviceLocality ?? mesh.localityLbSetting);
  if (locality !== undefined) out = { ...out, loadBalancer: { ...out.loadBalancer, locality } };
  return out;
}

function withConnectTimeout(
  pool: ClusterPolicy['connectionPool'],
  ms: number,
): ClusterPolicy['connectionPool'] {
  return pool.tcp.connectTimeoutMs === ms ? pool : { ...pool, tcp: { ...pool.tcp, connectTimeoutMs: ms } };
}
