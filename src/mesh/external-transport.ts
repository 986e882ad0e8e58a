import type { NetworkSpec } from '../config/scenario/index.js';
import type { Distribution, Rng, Simulation } from '../engine/index.js';
import type {
  ConnectCallbacks,
  Endpoint,
  HttpRequest,
  HttpResponse,
  StreamCallbacks,
  UpstreamTransport,
  WireStream,
} from '../envoy/index.js';
import type { ExternalEndpoints } from './external-endpoints.js';
import type { ExternalExchange, ExternalServer } from './external-server.js';
import type { Pod } from './pod.js';

/**
 * A sidecar's transport when the mesh has external hosts: mesh endpoints go to the mesh transport (pods,
 * their sidecars, mTLS); external ones to servers outside the mesh: plain TCP (one round trip to connect,
 * no sidecar on the far side, no mTLS), plus one round trip for a TLS handshake on HTTPS/TLS ports or
 * with a DestinationRule `tls` mode SIMPLE/MUTUAL (TLS 1.3). External servers never refuse connections.
 */
export class ExternalAwareTransport implements UpstreamTransport {
  constructor(
    private readonly mesh: UpstreamTransport,
    private readonly external: ExternalEndpoints,
    private readonly from: Pod,
    private readonly sim: Simulation,
    private readonly network: NetworkSpec,
    private readonly rng: Rng,
  ) {}

  connect(endpoint: Endpoint, cb: ConnectCallbacks): WireStream {
    const target = this.external.target(endpoint);
    if (target === undefined) return this.mesh.connect(endpoint, cb);
    const c = new ExternalConnection(cb);
    const oneWay = this.oneWayMs(endpoint, target === 'original-dst' ? undefined : target);
    const rtts = this.external.isTls(endpoint) ? 2 : 1;
    this.sim.schedule(oneWay * 2 * rtts, ExternalConnection.onEstablished, c);
    return c;
  }

  send(endpoint: Endpoint, request: HttpRequest, cb: StreamCallbacks): WireStream {
    const target = this.external.target(endpoint);
    if (target === undefined) return this.mesh.send(endpoint, request, cb);
    const server = target === 'original-dst' ? this.external.originalDestination(request.authority) : target;
    const x = new ExternalRequest(this, server, cb, this.oneWayMs(endpoint, server));
    this.sim.schedule(x.oneWayMs, ExternalRequest.onArrive, x);
    return x;
  }

  /**
   * An HTTP/2 PING: mesh endpoints answer per the mesh transport; an external server always answers, one
   * round trip later (its latency drawn as for a request).
   */
  ping(endpoint: Endpoint, onAck: () => void): WireStream {
    const target = this.external.target(endpoint);
    if (target === undefined) {
      if (this.mesh.ping === undefined) return { cancel() {} };
      return this.mesh.ping(endpoint, onAck);
    }
    const c = { cancelled: false, onAck };
    const rtt = 2 * this.oneWayMs(endpoint, target === 'original-dst' ? undefined : target);
    this.sim.schedule(rtt, (x: typeof c) => !x.cancelled && x.onAck(), c);
    return { cancel: () => void (c.cancelled = true) };
  }

  /**
   * One-way latency to an external address: its `network` distribution when the scenario gives one, else
   * by locality like pod to pod (same zone, same region, other), an endpoint without locality counting as
   * another zone of the pod's region.
   */
  oneWayMs(endpoint: Endpoint, server: ExternalServer | undefined): number {
    const explicit: Distribution | undefined = server?.behaviour.network;
    if (explicit !== undefined) return explicit.sample(this.rng);
    const a = this.from.locality;
    const b = endpoint.locality;
    let d = this.network.crossZone;
    if (b.region !== '') {
      if (b.zone === a.zone && b.region === a.region) d = this.network.sameZone;
      else if (b.region !== a.region) d = this.network.crossRegion;
    }
    return d.sample(this.rng);
  }

  get simulation(): Simulation {
    return this.sim;
  }
}

class ExternalConnection implements WireStream {
  private cancelled = false;
  constructor(private readonly cb: ConnectCallbacks) {}
  cancel(): void {
    this.cancelled = true;
  }
  static onEstablished(c: ExternalConnection): void {
    if (!c.cancelled) c.cb.onConnected();
  }
}

/** One request to an external server and its response on the way back. */
class ExternalRequest implements WireStream, ExternalExchange {
  server: ExternalServer | null = null;
  private cancelled = false;
  private response: HttpResponse | null = null;

  constructor(
    private readonly transport: ExternalAwareTransport,
    private readonly target: ExternalServer,
    private readonly cb: StreamCallbacks,
    readonly oneWayMs: number,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }

  static onArrive(x: ExternalRequest): void {
    x.target.handle(x);
  }

  deliver(r: HttpResponse): void {
    this.response = r;
    this.transport.simulation.schedule(this.oneWayMs, ExternalRequest.onResponse, this);
  }

  private static onResponse(x: ExternalRequest): void {
    if (!x.cancelled) x.cb.onUpstreamResponse(x.response!);
  }
}
