/** meshsim's public API: what the web app, notebooks and library users import. Browser-safe. */
export { VERSION } from './version.js';
export * from './engine/index.js';
export * from './config/index.js';
export * from './config/scenario/index.js';
export * from './run/index.js';
export * from './report/index.js';
// The web graph's peer labels and response flags (web/src/worker/graph-traffic.ts).
export { formatResponseFlags } from './envoy/response-flags.js';
export { canonicalService } from './mesh/istio-labels.js';
