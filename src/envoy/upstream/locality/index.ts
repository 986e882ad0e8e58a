export { buildLoadAssignment, localityWeightedLbEnabled, type ProxyPlacement } from './load-assignment.js';
export { lbPriority, localityMatch, TOPOLOGY_LABELS, withTopologyLabels } from './locality-match.js';
