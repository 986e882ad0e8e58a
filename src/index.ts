/** meshsim's public API: what the web app, notebooks and library users import. Browser-safe. */
export { VERSION } from './version.js';
export * from './engine/index.js';
export * from './config/index.js';
export * from './config/scenario/index.js';
export * from './run/index.js';
export * from './report/index.js';
// progressive delivery: Flagger Canaries and Argo Rollouts (docs/progressive-delivery.md)
export type { ControllerResult, Decision, RolloutImpact } from './mesh/progressive-delivery/timeline.js';
export { parsePromQL, type PromExpr } from './config/resolve/rollout-promql.js';
export { progressiveDeliveryBlock } from './report/progressive-delivery.js';
// meshsim calibrate: Prometheus data of Istio's metrics -> scenario (docs/calibration.md).
export { calibrate, compareModels, parseInput as parseCalibrationInput } from './calibrate/index.js';
export type { CalibrateInput, CalibrateOptions, Calibration, Comparison } from './calibrate/index.js';
// The web app's panels and graph label requests by Envoy's short response-flag names; the graph's peer labels.
export { formatResponseFlags } from './envoy/response-flags.js';
export { canonicalService } from './mesh/istio-labels.js';
