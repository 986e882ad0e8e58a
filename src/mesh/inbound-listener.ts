import { serviceSelects } from '../config/labels.js';
import {
  type DestinationRuleInboundLayer,
  destinationRuleInboundLayer,
  type InboundConnectionPoolLayers,
  inboundConnectionPool,
} from '../config/inbound-connection-pool.js';
import { inboundRetryPolicy } from '../config/inbound-retry-policy.js';
import { istioOf } from '../config/istio-version.js';
import { MAX_UINT32, resolveConnectionPool } from '../config/defaults.js';
import type { ConnectionPoolSettings, RetryPolicy, ServicePort } from '../config/types.js';
import type { Endpoint } from '../envoy/index.js';
import { InboundCluster } from './inbound-cluster.js';
import { PodState, type Pod } from './pod.js';
import type { World } from './world.js';

/**
 * The layers of the inbound connection pool that other resources supply: MeshConfig
 * `defaultTrafficPolicy.connectionPool` and the Sidecar resource's `ingress[].connectionPool` /
 * `inboundConnectionPool` for the pod (see config/inbound-connection-pool.ts `sidecarInboundLayer`), and
 * MeshConfig `defaultInboundHttpRetryPolicy`. World takes them from the resolved config
 * (inbound-layers.ts) unless WorldOptions.inboundLayers replaces them (tests).
 */
export type InboundLayerSource = (
  pod: Pick<Pod, 'namespace' | 'labels'>,
  clusterPort: number,
) => Pick<InboundConnectionPoolLayers, 'meshDefault' | 'sidecar'> & { retry?: RetryPolicy | null };

/** What istiod configures for one inbound port: the same for every pod of a workload. */
interface InboundPortPolicy {
  /** undefined: no layer sets a connectionPool. */
  readonly connectionPool: ConnectionPoolSettings | undefined;
  /** The pool limits anything (else the mesh sends straight to the app while it runs). */
  readonly limited: boolean;
  readonly retryBudget: DestinationRuleInboundLayer['retryBudget'];
  readonly protocol: 'http1' | 'http2';
  readonly retry: RetryPolicy | null;
}

/** One pod's inbound port: the policy and its inbound cluster once built. */
interface InboundPort extends InboundPortPolicy {
  cluster: InboundCluster | null;
}

/** Per world, per workload (`pod.owner`): pods of one Deployment share labels, namespace and ports. */
const policiesByWorld = new WeakMap<World, Map<string, ReadonlyMap<number, InboundPortPolicy>>>();

/**
 * A server pod sidecar's inbound listeners: per container port, the inbound cluster istiod builds and its
 * policy. Resolved on the pod's first inbound request; a pod none of whose ports has a limiting
 * connection pool answers `null` from `clusterFor` at the cost of one state check while its app runs.
 */
export class InboundListener {
  private readonly ports = new Map<number, InboundPort>();
  /** The last endpoint asked about and its port: most pods serve one port. */
  private lastEndpoint: Endpoint | null = null;
  private lastPort = 0;
  /** Whether any port's pool limits something (then every request goes through its inbound cluster). */
  readonly pooled: boolean;

  constructor(
    private readonly world: World,
    private readonly pod: Pod,
  ) {
    let byOwner = policiesByWorld.get(world);
    if (byOwner === undefined) policiesByWorld.set(world, (byOwner = new Map()));
    let policies = byOwner.get(pod.owner);
    if (policies === undefined) byOwner.set(pod.owner, (policies = this.resolvePorts()));
    let pooled = false;
    for (const [port, p] of policies) {
      this.ports.set(port, { ...p, cluster: null });
      if (p.limited) pooled = true;
    }
    this.pooled = pooled;
  }

  /**
   * The inbound cluster that carries a request to `endpoint`, or null to go straight to the app: when the
   * port has no connection pool and the app container runs (a crashed container needs the sidecar's own
   * reply: refused connects, inbound retries, 503).
   */
  clusterFor(endpoint: Endpoint): InboundCluster | null {
    if (endpoint !== this.lastEndpoint) {
      this.lastEndpoint = endpoint;
      this.lastPort = portOf(endpoint);
    }
    const port = this.lastPort;
    let p = this.ports.get(port);
    if (p === undefined) {
      // A port no Service names (the client dialled a pod port directly): Istio's passthrough, no limits.
      p = {
        connectionPool: undefined,
        limited: false,
        retryBudget: undefined,
        protocol: 'http1',
        retry: null,
        cluster: null,
      };
      this.ports.set(port, p);
    }
    if (!p.limited && this.pod.state === PodState.Running) return null;
    if (p.cluster === null) {
      p.cluster = new InboundCluster({
        world: this.world,
        pod: this.pod,
        port,
        // No layer set one: istiod's empty block, every limit 2^32-1.
        connectionPool: p.connectionPool ?? resolveConnectionPool(undefined),
        ...(p.retryBudget !== undefined ? { retryBudget: p.retryBudget } : {}),
        protocol: p.protocol,
        retry: p.retry,
      });
      this.world.sidecarOf(this.pod).clusters.adopt(p.cluster.cluster);
    }
    return p.cluster;
  }

  /** Inbound clusters built so far. */
  *clusters(): IterableIterator<InboundCluster> {
    for (const p of this.ports.values()) if (p.cluster !== null) yield p.cluster;
  }

  /**
   * Per container port, from the first Service selecting the pod that targets it (`inboundServices[0]`
   * in buildInboundCluster: with several, istiod's choice is arbitrary too).
   */
  private resolvePorts(): Map<number, InboundPortPolicy> {
    const out = new Map<number, InboundPortPolicy>();
    const pod = this.pod;
    const hook = this.world.inboundLayers;
    for (const svc of this.world.services.values()) {
      if (!serviceSelects(svc, pod.namespace, pod.labels)) continue;
      for (const sp of svc.ports) {
        const port = this.world.targetPortOf(pod, sp);
        if (out.has(port)) continue;
        const dr = destinationRuleInboundLayer(this.world.opts.config, svc.fqdn, sp.port, pod.namespace);
        const other = hook?.(pod, port) ?? {};
        const layers: {
          destinationRule?: ConnectionPoolSettings;
          meshDefault?: ConnectionPoolSettings;
          sidecar?: ConnectionPoolSettings;
        } = {};
        if (dr.connectionPool !== undefined) layers.destinationRule = dr.connectionPool;
        if (other.meshDefault !== undefined) layers.meshDefault = other.meshDefault;
        if (other.sidecar !== undefined) layers.sidecar = other.sidecar;
        const connectionPool = inboundConnectionPool(layers);
        out.set(port, {
          connectionPool,
          limited: connectionPool !== undefined && limits(connectionPool),
          retryBudget: dr.retryBudget,
          protocol: protocolOf(sp),
          retry: inboundRetryPolicy(sp, other.retry, istioOf(this.world.opts.config)),
        });
      }
    }
    return out;
  }
}

/**
 * Whether a pool changes anything for requests to a running app on localhost: a circuit breaker below
 * 2^32-1 or a cap on requests per connection. Timeouts alone cannot matter there (loopback connects are
 * instant, and an idle connection's close costs nothing), so such a pool is not interposed.
 * NOTE: simplification: an inbound pool with no limit is not modelled while the app runs (its stats
 * stay absent); it is built when the app container crashes.
 */
function limits(cp: ConnectionPoolSettings): boolean {
  return (
    cp.tcp.maxConnections < MAX_UINT32 ||
    cp.http.http1MaxPendingRequests < MAX_UINT32 ||
    cp.http.http2MaxRequests < MAX_UINT32 ||
    cp.http.maxRequestsPerConnection > 0
  );
}

/** Istio sets the inbound cluster's protocol from the port (no h2UpgradePolicy inbound). */
function protocolOf(sp: ServicePort): 'http1' | 'http2' {
  return sp.istioProtocol === 'http2' || sp.istioProtocol === 'grpc' ? 'http2' : 'http1';
}

function portOf(e: Endpoint): number {
  return Number(e.address.slice(e.address.lastIndexOf(':') + 1));
}
