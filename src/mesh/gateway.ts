import { serviceSelects } from '../config/labels.js';
import { resolveGatewayTarget } from '../config/resolve/gateway-target.js';
import type { LoadGeneratorSpec } from '../config/scenario/index.js';
import type { MeshConfig, ServiceConfig } from '../config/types.js';
import type { RouteTable } from '../envoy/index.js';
import { buildGatewayRouteTable } from './control-plane/gateway-routes.js';
import { isGatewayProxy } from './control-plane/gateway-selection.js';
import { GatewayEntry, InMeshGatewayRequest } from './gateway-entry.js';
import type { Pod } from './pod.js';
import type { InboundExchange } from './wire.js';
import type { World } from './world.js';

/**
 * The ingress gateway proxies of the mesh: pods that some Gateway selects run an Envoy that is the same
 * proxy as a sidecar (Sidecar: router, clusters, pools, circuit breakers, outlier detectors, stats), with
 * a gateway placement: its route configuration comes from the Gateways' servers and the VirtualServices
 * bound to them (gateway-routes.ts), and every external client that enters through it shares its limits.
 *
 * NOTE: simplification: PILOT_SCOPE_GATEWAY_TO_NAMESPACE is istiod's default (false): Gateways in every
 * namespace select gateway pods.
 */
export class GatewayProxies {
  /** Whether a pod is a gateway proxy, keyed by the Pod object (identity: no string hashing per request). */
  private readonly byPod = new Map<Pod, boolean>();
  private readonly tables = new Map<string, RouteTable>();
  private readonly any: boolean;

  constructor(
    private readonly config: MeshConfig,
    private readonly services: ReadonlyMap<string, ServiceConfig>,
    readonly scopeToNamespace = false,
  ) {
    this.any = (config.gateways?.length ?? 0) > 0;
  }

  isGateway(pod: Pod): boolean {
    if (!this.any) return false;
    let g = this.byPod.get(pod);
    if (g === undefined) {
      g = isGatewayProxy(this.config, pod, this.scopeToNamespace);
      this.byPod.set(pod, g);
    }
    return g;
  }

  /** The gateway's route configuration for listener `port`, shared by the pods of one gateway workload. */
  routeTable(pod: Pod, port: number): RouteTable {
    const key = `${port}\u0000${pod.namespace}\u0000${JSON.stringify(Object.entries(pod.labels).sort())}`;
    let t = this.tables.get(key);
    if (t === undefined) {
      t = buildGatewayRouteTable(this.config, this.services, pod, port, this.scopeToNamespace);
      this.tables.set(key, t);
    }
    return t;
  }

  /**
   * A request from inside the mesh reached a gateway pod (a sidecar called the gateway Service): the
   * gateway's Envoy routes it on the listener the Service port maps to (its targetPort), and answers
   * through the exchange. No listener there: the connection is reset, as nothing accepts it.
   */
  accept(x: InboundExchange): void {
    const listener = this.listenerOf(x.to, x.request.port);
    x.arrivedMs = x.world.sim.now;
    new InMeshGatewayRequest(x, listener).start();
  }

  /** The pod port a Service port reaches on a gateway pod (targetPort of a Service selecting it). */
  private listenerOf(pod: Pod, port: number): number {
    for (const svc of this.services.values()) {
      if (!serviceSelects(svc, pod.namespace, pod.labels)) continue;
      const sp = svc.ports.find((p) => p.port === port);
      if (sp !== undefined && typeof sp.targetPort === 'number') return sp.targetPort;
    }
    return port;
  }

  /**
   * The entry of a load generator whose traffic comes in through a gateway (`gateway:` in the scenario),
   * or undefined when it sends through its own sidecar.
   */
  entryFor(world: World, spec: LoadGeneratorSpec, client: Pod): GatewayEntry | undefined {
    if (spec.gateway === undefined) return undefined;
    const target = resolveGatewayTarget(world.opts.config, spec.gateway, spec.namespace);
    if (target === undefined) return undefined;
    return new GatewayEntry(world, client, target);
  }
}
