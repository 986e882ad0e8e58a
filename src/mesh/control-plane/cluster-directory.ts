import { destinationRuleFor, effectiveClusterPolicy } from '../../config/index.js';
import type { MeshConfig, ServiceConfig } from '../../config/types.js';
import type { ClusterDirectory, ClusterSpec } from '../../envoy/index.js';
import type { ServiceEndpoints } from '../endpoints.js';

/**
 * istiod's cluster generation (Istio cluster_builder.go subsets): one cluster per service port (`outbound|PORT||FQDN`) and
 * one per DestinationRule subset (`outbound|PORT|SUBSET|FQDN`), each with its effective policy. A subset
 * that no DestinationRule defines has no cluster (the router answers 503 NC). Specs are built on first
 * lookup and cached.
 */
export class ClusterSpecs implements ClusterDirectory {
  private readonly cache = new Map<string, ClusterSpec | null>();

  constructor(
    private readonly config: MeshConfig,
    private readonly services: ReadonlyMap<string, ServiceConfig>,
    private readonly endpoints: (fqdn: string, port: number) => ServiceEndpoints,
  ) {}

  lookup(name: string): ClusterSpec | undefined {
    let spec = this.cache.get(name);
    if (spec === undefined) {
      spec = this.build(name);
      this.cache.set(name, spec);
    }
    return spec ?? undefined;
  }

  private build(name: string): ClusterSpec | null {
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
    const policy = effectiveClusterPolicy(dr, subset === '' ? undefined : subset, port);
    const h2 =
      svcPort.istioProtocol === 'http2' ||
      svcPort.istioProtocol === 'grpc' ||
      policy.connectionPool.http.h2UpgradePolicy === 'UPGRADE';
    return {
      name,
      serviceHost: host,
      port,
      subset,
      subsetLabels,
      policy,
      endpoints: this.endpoints(host, port),
      protocol: h2 ? 'http2' : 'http1',
    };
  }
}
