/**
 * Kubernetes `Service.spec.trafficDistribution` as a sidecar's istiod applies it
 * [I:pilot/pkg/networking/core/loadbalancer/loadbalancer.go `GetLocalityLbSetting` (1.25-1.30),
 * `GetEffectiveLbSetting` (1.31); pilot/pkg/model/service.go]: a forced failover by priority labels
 * (network, region, zone[, subzone[, node]]), applied even without outlier detection. Precedence:
 * the DestinationRule's localityLbSetting, then the Service's trafficDistribution, then MeshConfig.
 *   - 1.25, 1.26: PreferClose -> region, zone, subzone;
 *   - 1.27+: PreferClose = PreferSameZone -> region, zone; PreferSameNode -> region, zone, subzone, node.
 *
 * NOTE: simplification: meshsim models one network and no nodes: the network label is left out (every
 * pod is on the same network) and PreferSameNode stops at the subzone.
 */
import { honouredTrafficDistribution } from './istio-version-notes.js';
import type { IstioProfile } from './istio-version.js';
import type { LocalityLbSetting } from './types.js';

const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';

export function trafficDistributionLocality(
  value: string | undefined,
  profile: IstioProfile,
): LocalityLbSetting | undefined {
  if (value === undefined || !honouredTrafficDistribution(value, profile)) return undefined;
  const withSubzone = profile.trafficDistribution === 'prefer-close' || value === 'PreferSameNode';
  return {
    enabled: true,
    distribute: [],
    failover: [],
    failoverPriority: withSubzone ? [REGION, ZONE, SUBZONE] : [REGION, ZONE],
    forced: true,
  };
}
