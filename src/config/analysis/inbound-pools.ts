/**
 * MSIM3020: a DestinationRule subset's connectionPool limits the client sidecars' subset cluster only.
 * The server pods' inbound clusters take the DR's top-level (or port-level) connectionPool and never a
 * subset's [I:pilot/pkg/networking/core/cluster_builder.go `buildInboundCluster`: the DR's TrafficPolicy
 * through `GetPortLevelTrafficPolicy`, no subset merge], so limits written only in subsets do not cap the
 * server side at all. Reported when a subset has a connectionPool the top level lacks.
 */
import type { MeshConfig } from '../types.js';
import type { Findings } from './context.js';

export function analyzeInboundPools(config: MeshConfig, f: Findings): void {
  for (const dr of config.destinationRules) {
    if (dr.trafficPolicy?.connectionPool !== undefined) continue;
    dr.subsets.forEach((s, i) => {
      if (s.trafficPolicy?.connectionPool === undefined) return;
      f.add(
        'MSIM3020',
        'DestinationRule',
        dr.meta,
        ['spec', 'subsets', i, 'trafficPolicy', 'connectionPool'],
        `subset ${s.name}'s connectionPool limits the client sidecars only: istiod gives the server pods' inbound clusters the top-level connectionPool (none here), never a subset's, so the pods of ${dr.host} have no server-side limit`,
      );
    });
  }
}
