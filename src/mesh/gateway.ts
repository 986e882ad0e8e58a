import { dnsCandidates, type LoadGeneratorSpec } from '../config/scenario/index.js';
import type { MeshConfig, ServiceConfig } from '../config/types.js';
import type { RouteTable } from '../envoy/index.js';
import { buildGatewayRouteTable } from './control-plane/gateway-routes.js';
import { isGatewayProxy } from './control-plane/gateway-selection.js';
import { GatewayEntry } from './gateway-entry.js';
import type { Pod } from './pod.js';
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
  /** Pod owner (workload key) -> whether its pods are gateway proxies; pods of one workload share labels. */
  private readonly byOwner = new Map<string, boolean>();
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
    let g = this.byOwner.get(pod.owner);
    if (g === undefined) {
      g = isGatewayProxy(this.config, pod, this.scopeToNamespace);
      this.byOwner.set(pod.owner, g);
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

/**
 * What a scenario's `gateway:` names: the gateway Service (`namespace/name` or its host, resolved like
 * cluster DNS from the generator's namespace), whose ports map to the pods' listener ports (targetPort),
 * or the gateway Deployment itself (`namespace/name`), dialled on the listener port directly.
 */
export interface GatewayTarget {
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Listener (pod) port for the port the client dials, or undefined when nothing listens there. */
  listenerPort(port: number): number | undefined;
  readonly label: string;
}

export function resolveGatewayTarget(
  config: MeshConfig,
  ref: string,
  clientNamespace: string,
): GatewayTarget | undefined {
  const slash = ref.indexOf('/');
  const candidates =
    slash >= 0
      ? [`${ref.slice(slash + 1)}.${ref.slice(0, slash)}.svc.cluster.local`]
      : dnsCandidates(ref, clientNamespace);
  const svc = config.services.find((s) => candidates.includes(s.fqdn));
  if (svc !== undefined && Object.keys(svc.selector).length > 0) {
    return {
      namespace: svc.meta.namespace,
      selector: svc.selector,
      label: `${svc.meta.namespace}/${svc.meta.name}`,
      listenerPort(port) {
        const sp = svc.ports.find((p) => p.port === port);
        if (sp === undefined) return undefined;
        if (typeof sp.targetPort === 'number') return sp.targetPort;
        return namedContainerPort(config, svc, sp.targetPort) ?? port;
      },
    };
  }
  if (slash < 0) return undefined;
  const w = config.workloads.find(
    (x) => x.meta.namespace === ref.slice(0, slash) && x.meta.name === ref.slice(slash + 1),
  );
  if (w === undefined) return undefined;
  return {
    namespace: w.meta.namespace,
    selector: w.podLabels,
    label: ref,
    listenerPort: (port) => port,
  };
}

function namedContainerPort(config: MeshConfig, svc: ServiceConfig, name: string): number | undefined {
  for (const w of config.workloads) {
    if (w.meta.namespace !== svc.meta.namespace) continue;
    if (!Object.entries(svc.selector).every(([k, v]) => w.podLabels[k] === v)) continue;
    for (const c of w.containers) for (const p of c.ports) if (p.name === name) return p.containerPort;
  }
  return undefined;
}
