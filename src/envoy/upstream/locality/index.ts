export {
  buildLoadAssignment,
  localityWeightedLbEnabled,
  placementKey,
  type ProxyPlacement,
} from './load-assignment.js';
export {
  buildAssignment,
  type PriorityAssignment,
  type SharedAssignment,
  sharedAssignment,
} from './shared-assignment.js';
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
