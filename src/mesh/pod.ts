import type { Locality } from '../envoy/index.js';
import type { CpuBandwidth } from './cpu-bandwidth.js';
import type { InboundListener } from './inbound-listener.js';
import type { InboundExchange } from './wire.js';

/** Pod lifecycle (ARCHITECTURE rule 7): one explicit state, changed only through `transition`. */
export enum PodState {
  /** Container starting: not listening, not ready. */
  Starting = 'Starting',
  /** Listening and (once readiness passes) in its services' endpoints. */
  Running = 'Running',
  /** Container crashed: connections are refused until it restarts. */
  Crashed = 'Crashed',
  /**
   * Only the app container crashed: the istio-proxy container still runs, so the pod's IP accepts
   * connections and the sidecar answers 503 (its connect to the app on localhost is refused).
   */
  ContainerCrashed = 'ContainerCrashed',
  /** Scaled away or its zone went down: the IP does not answer at all. */
  Gone = 'Gone',
}

const ALLOWED: Record<PodState, PodState[]> = {
  [PodState.Starting]: [PodState.Running, PodState.Crashed, PodState.Gone],
  [PodState.Running]: [PodState.Crashed, PodState.ContainerCrashed, PodState.Gone],
  [PodState.Crashed]: [PodState.Starting, PodState.Gone],
  // Back to Running when the restarted container is ready (the pod and its sidecar never stopped).
  [PodState.ContainerCrashed]: [PodState.Running, PodState.Starting, PodState.Crashed, PodState.Gone],
  [PodState.Gone]: [PodState.Starting],
};

/**
 * How a pod joins the mesh (docs/ambient.md): a sidecar (meshsim's default), ambient (no sidecar: the
 * ztunnel of its node carries its traffic), or a waypoint proxy pod (an Envoy, no app).
 */
export enum Dataplane {
  Sidecar = 0,
  Ambient = 1,
  Waypoint = 2,
}

/** A pod's identity and placement; behaviour lives in its app container and sidecar. */
export class Pod {
  state = PodState.Starting;
  dataplane = Dataplane.Sidecar;
  /** The node it runs on (ambient: whose ztunnel carries its traffic); '' until placed. */
  node = '';
  /** In its services' endpoints (Kubernetes readiness, EDS). Changed through `setReady`. */
  ready = false;
  /** When `ready` last changed: the Ready condition's lastTransitionTime (the HPA reads it). */
  readyChangedMs = 0;
  /** Cumulative CPU time of its app container and its istio-proxy, as cAdvisor counts it (ms). */
  appCpuMs = 0;
  proxyCpuMs = 0;
  /** CFS bandwidth of the app container's and the istio-proxy's CPU limits; null = no limit (container-cpu.ts). */
  appBandwidth: CpuBandwidth<InboundExchange> | null = null;
  proxyBandwidth: CpuBandwidth<null> | null = null;
  /** Requests that reached its app container: the per-pod request rate an HPA Pods metric reads. */
  requestsIn = 0;
  /** Removed from endpoints by a chaos event even though it runs. */
  endpointsRemoved = false;
  /**
   * Its sidecar's inbound side, resolved at the first request that reaches the pod. Kept here, not on
   * the Sidecar, so a pod that only serves never gets an outbound Envoy built for it.
   */
  inbound: InboundListener | null = null;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly labels: Readonly<Record<string, string>>,
    readonly locality: Locality,
    readonly ip: string,
    /** `namespace/name` of the Deployment/StatefulSet or load generator it belongs to. */
    readonly owner: string,
    /** When the pod object was created (its status.startTime for the HPA). */
    readonly createdMs = 0,
  ) {}

  /** The app container listens (and so does the sidecar in front of it). */
  get listening(): boolean {
    return this.state === PodState.Running;
  }

  /** The sidecar accepts connections on the pod IP: the pod runs, even if its app container crashed. */
  get proxyListening(): boolean {
    return this.state === PodState.Running || this.state === PodState.ContainerCrashed;
  }

  /** Whether the pod's IP answers at all (a Gone pod or a downed zone black-holes packets). */
  get reachable(): boolean {
    return this.state !== PodState.Gone;
  }

  /** The istio-proxy's CPU for one request through it: run under its CPU limit when it has one. */
  chargeProxyCpu(ms: number): void {
    if (this.proxyBandwidth === null) this.proxyCpuMs += ms;
    else if (ms > 0) this.proxyBandwidth.submit(null, ms, 0);
  }

  setReady(ready: boolean, nowMs: number): void {
    if (this.ready === ready) return;
    this.ready = ready;
    this.readyChangedMs = nowMs;
  }

  transition(to: PodState): void {
    if (this.state === to) return;
    if (!ALLOWED[this.state].includes(to))
      throw new Error(`pod ${this.name}: illegal transition ${this.state} -> ${to}`);
    this.state = to;
  }
}
