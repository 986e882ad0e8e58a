export { buildLoadAssignment, localityWeightedLbEnabled, type ProxyPlacement } from './load-assignment.js';
export { lbPriority, localityMatch, TOPOLOGY_LABELS, withTopologyLabels } from './locality-match.js';
export {
  ENVOY_DEFAULT_MIN_CLUSTER_SIZE,
  type LocalCluster,
  LocalityRoutingState,
  ZoneAwareRouting,
  zoneAwarePriorities,
  zoneAwareRoutingFor,
  type ZoneRoutingStat,
} from './zone-aware.js';
