import { DEFAULT_EXTERNAL, type ExternalBehaviour, type Scenario } from '../config/scenario/index.js';
import type { ServiceConfig, ServiceEntryConfig } from '../config/types.js';
import type { RandomStreams, Simulation } from '../engine/index.js';
import type { Endpoint, EndpointSource, Locality } from '../envoy/index.js';
import { isIpAddress } from '../config/validate/service-entry-rules.js';
import { ExternalServer } from './external-server.js';

/** Endpoint ids at and above this are outside the mesh (pods' ids count up from 0). */
export const EXTERNAL_ID_BASE = 1 << 30;

const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subZone: '' });

/** An endpoint list fixed at start (ServiceEntry endpoints do not change during a run). */
class FixedEndpoints implements EndpointSource {
  readonly version = 1;
  constructor(readonly endpoints: readonly Endpoint[]) {}
}

/**
 * Endpoints of ServiceEntry clusters and of the PassthroughCluster, and the servers behind them. istiod's
 * conversion (Istio pilot/pkg/serviceregistry/serviceentry/conversion.go convertServiceEntryToInstances,
 * convertWorkloadInstanceToServiceInstance) and cluster type (pilot/pkg/networking/core/cluster.go
 * convertResolution: DNS → STRICT_DNS, DNS_ROUND_ROBIN → LOGICAL_DNS, NONE → ORIGINAL_DST):
 *
 * - STATIC: one host per listed endpoint (an IP), its port the endpoint's port of that name, else the
 *   ServiceEntry port's targetPort, else its number; locality and weight as written (weight 0 → 1,
 *   model/service.go GetLoadBalancingWeight).
 * - DNS (STRICT_DNS cluster): each endpoint address (the host itself when there are none, with the port's
 *   targetPort or number: convertServiceEntryToInstances) is resolved and
 *   every address becomes a host; `spec.external[name].addresses` says how many a name resolves to.
 * - DNS_ROUND_ROBIN (LOGICAL_DNS cluster): one host per endpoint address, whatever it resolves to.
 * - NONE (ORIGINAL_DST cluster), and the PassthroughCluster: the address the app dialled. Modelled as one
 *   host whose server is picked per request from the Host header.
 *
 * NOTE: simplification: an ORIGINAL_DST cluster is one Envoy host for every original destination, so its
 * connections are pooled together (Envoy keeps a host, and a pool, per destination address).
 */
export class ExternalEndpoints {
  private readonly sources = new Map<string, EndpointSource>();
  private readonly servers = new Map<string, ExternalServer>();
  private readonly byEndpoint = new Map<number, ExternalServer | 'original-dst'>();
  private readonly tls = new Set<number>();
  private nextId = EXTERNAL_ID_BASE;
  private passthroughSource: EndpointSource | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly sim: Simulation,
    private readonly streams: RandomStreams,
  ) {}

  /** The behaviour of an external name or IP: `spec.external[name]`, else the ServiceEntry host's, else the default. */
  behaviourOf(name: string, fallbackHost?: string): ExternalBehaviour {
    const m = this.scenario.external;
    return (
      m?.get(name.toLowerCase()) ?? (fallbackHost ? m?.get(fallbackHost) : undefined) ?? DEFAULT_EXTERNAL
    );
  }

  /** The server at `address` (one per address, shared by every cluster and port that reaches it). */
  server(address: string, behaviour: ExternalBehaviour): ExternalServer {
    let s = this.servers.get(address);
    if (s === undefined) {
      s = new ExternalServer(address, behaviour, this.sim, this.streams.stream(`external/${address}`));
      this.servers.set(address, s);
    }
    return s;
  }

  /** The server a request to an original destination reaches: by the Host header's name. */
  originalDestination(authority: string): ExternalServer {
    const host = authority.split(':')[0]!.toLowerCase();
    return this.server(host, this.behaviourOf(host));
  }

  /** Which server an external endpoint is (or 'original-dst'); undefined for mesh endpoints. */
  target(e: Endpoint): ExternalServer | 'original-dst' | undefined {
    // One comparison for mesh endpoints: the feature costs nothing when unused.
    return e.id < EXTERNAL_ID_BASE ? undefined : this.byEndpoint.get(e.id);
  }

  /** A TLS connection (HTTPS/TLS port, or DestinationRule tls SIMPLE/MUTUAL): one more round trip. */
  isTls(e: Endpoint): boolean {
    return this.tls.has(e.id);
  }

  passthrough(): EndpointSource {
    if (this.passthroughSource === undefined)
      this.passthroughSource = new FixedEndpoints([
        this.endpoint('original-dst', 'PassthroughCluster', 0, NO_LOCALITY, 1, false),
      ]);
    return this.passthroughSource;
  }

  endpointsFor(svc: ServiceConfig, port: number, tlsByPolicy: boolean): EndpointSource {
    const se = svc.serviceEntry!;
    const k = `${svc.fqdn}|${port}|${tlsByPolicy}`;
    let src = this.sources.get(k);
    if (src === undefined) {
      src = new FixedEndpoints(this.build(se, svc.fqdn, port, tlsByPolicy));
      this.sources.set(k, src);
    }
    return src;
  }

  private build(se: ServiceEntryConfig, host: string, port: number, tlsByPolicy: boolean): Endpoint[] {
    const sp = se.ports.find((p) => p.number === port);
    // NOTE: simplification: a workloadSelector entry's endpoints (WorkloadEntries, pods) are not
    // simulated: its clusters have no hosts (503 UH).
    if (sp === undefined || se.workloadSelector !== undefined) return [];
    const tls = tlsByPolicy || sp.protocol === 'HTTPS' || sp.protocol === 'TLS';
    const target = sp.targetPort || sp.number;
    if (se.resolution === 'NONE')
      return [this.endpoint('original-dst', `${host}:${port}`, port, NO_LOCALITY, 1, tls)];
    const listed =
      se.endpoints.length > 0
        ? se.endpoints
        : [{ address: host, ports: {}, labels: {}, locality: '', weight: 1, network: '' }];
    const out: Endpoint[] = [];
    for (const e of listed) {
      const p = e.ports[sp.name] ?? target;
      const loc = parseLocality(e.locality);
      const b = this.behaviourOf(e.address, host);
      // STRICT_DNS: every resolved address is a host; STATIC and LOGICAL_DNS: one host per endpoint.
      const n = se.resolution === 'DNS' && !isIpAddress(e.address) ? b.addresses : 1;
      for (let i = 0; i < n; i++) {
        const address = n === 1 ? e.address : `${e.address}#${i}`;
        const ep = this.endpoint(this.server(address, b), address, p, loc, e.weight, tls, e.labels);
        out.push(ep);
      }
    }
    return out;
  }

  private endpoint(
    server: ExternalServer | 'original-dst',
    name: string,
    port: number,
    locality: Locality,
    weight: number,
    tls: boolean,
    labels: Readonly<Record<string, string>> = {},
  ): Endpoint {
    const id = this.nextId++;
    this.byEndpoint.set(id, server);
    if (tls) this.tls.add(id);
    return { id, address: `${name}:${port}`, podName: name, labels, locality, weight, addedAtMs: 0 };
  }
}

/** `region/zone/subzone` (WorkloadEntry locality). */
function parseLocality(s: string): Locality {
  if (s === '') return NO_LOCALITY;
  const [region = '', zone = '', subZone = ''] = s.split('/');
  return { region, zone, subZone };
}
