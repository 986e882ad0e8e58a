import type { Locality } from '../host.js';

/**
 * Istio's failover priority of an endpoint locality relative to the proxy's
 * [I:pilot/pkg/networking/util/util.go `LbPriority`]: same region, zone and subzone 0; same region and
 * zone 1; same region 2; anything else 3.
 */
export function lbPriority(proxy: Locality, endpoint: Locality): number {
  if (proxy.region !== endpoint.region) return 3;
  if (proxy.zone !== endpoint.zone) return 2;
  if (proxy.subZone !== endpoint.subZone) return 1;
  return 0;
}

/**
 * Whether a locality matches a `region/zone/subzone` rule of a localityLbSetting, where `*` (or an
 * omitted zone/subzone) matches anything [I:util.go `LocalityMatch`]. `us-east/*` matches every zone of
 * us-east.
 */
export function localityMatch(locality: Locality, rule: string): boolean {
  const [region = '', zone = '', subZone = ''] = rule.split('/');
  if (region !== '*' && region !== locality.region) return false;
  if (zone !== '*' && zone !== '' && zone !== locality.zone) return false;
  return subZone === '*' || subZone === '' || subZone === locality.subZone;
}

/** Kubernetes/Istio topology labels Istio adds to endpoint and proxy labels (failoverPriority matches them). */
export const TOPOLOGY_LABELS = {
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  subZone: 'topology.istio.io/subzone',
} as const;

/** Labels plus the locality's topology labels, as istiod augments them before failoverPriority matching. */
export function withTopologyLabels(
  labels: Readonly<Record<string, string>>,
  locality: Locality,
): Readonly<Record<string, string>> {
  return {
    ...labels,
    [TOPOLOGY_LABELS.region]: locality.region,
    [TOPOLOGY_LABELS.zone]: locality.zone,
    [TOPOLOGY_LABELS.subZone]: locality.subZone,
  };
}
