/**
 * config/: Kubernetes and Istio manifests → typed, defaulted, immutable config + positioned diagnostics.
 * Pure and browser-safe; the file-system loader is `fs-loader.ts` (imported directly by the CLI, never
 * re-exported here so the web app does not pull in node:fs).
 */
export * from './types.js';
export * from './diagnostics.js';
export { CODES, type Code, severityOf } from './codes.js';
export { loadManifests, type ManifestInput } from './load.js';
export { analyzeMesh } from './analysis/index.js';
export { simulatedMisconfiguration, toJsonDiagnostic } from './analysis/json.js';
export type { JsonDiagnostic, SimulatedMisconfiguration } from './analysis/json.js';
export { effectiveClusterPolicy } from './cluster-policy.js';
export { DEFAULTS, MAX_UINT32 } from './defaults.js';
export {
  defaultRetryPolicy,
  translateRetries,
  parseRetryOn,
  retryHostPredicate,
  retriesPerTryTimeout,
} from './retry-policy.js';
export {
  destinationRuleFor,
  destinationRulesFor,
  mergeDestinationRules,
  virtualServiceFor,
  virtualServiceIndex,
  isMeshBound,
} from './lookup.js';
export { shortHostToFqdn, hostMatches, isWildcardHost, serviceFqdn, CLUSTER_DOMAIN } from './hosts.js';
export { parseYamlDocuments, YAML_LIMITS, type SourceDocument } from './yaml-source.js';
