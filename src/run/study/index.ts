/** Studies (browser-safe part): replications, sweeps, tuning, gates and shards. pool.ts and read-inputs.ts are Node only. */
export { parseAssertion, parseMetric, compare, formatParseError } from './assertion.js';
export type { Assertion, Comparison, ParseError } from './assertion.js';
export { METRIC_FUNCTIONS, formatMetricCall } from './metric-functions.js';
export type { MetricCall, MetricFunction } from './metric-functions.js';
export { evaluateMetric } from './metrics.js';
export type { Observation, MetricValue } from './metrics.js';
export { runObserved, healthyPods } from './observed-run.js';
export { parseFieldAddress, applyAssignments, patchedResources } from './patch.js';
export type { FieldAddress, ParamValue } from './patch.js';
export {
  unitsOf,
  levelsOf,
  gridPoints,
  randomPoints,
  pointInputs,
  fingerprint,
  inputsFingerprint,
  tidy,
} from './plan.js';
export type { StudyPlan, UnitRef, UnitOutcome, ParameterSpec, Design, StudyInputs } from './plan.js';
export { aggregate, summarize, gateResult, metricKey } from './aggregate.js';
export type { StudyReport, StudyPointReport, FigureSummary, GateResult } from './aggregate.js';
export { parseShard, shardFromEnv, shardUnits, shardFile, renderShardFile, mergeShards } from './shards.js';
export type { Shard, ShardFile } from './shards.js';
export { defaultMetrics, canonicalMetrics, makePlan } from './build.js';
export { executeUnits, tasksFor, runBatches, batchesOf } from './execute.js';
export { parseSweepSpec, parseTuneSpec } from './spec.js';
export type { SweepSpec, TuneSpec } from './spec.js';
export type { UnitRunner, StudyRun, BatchesRun, BatchFigures, BatchHooks, ExecuteHooks } from './execute.js';
export { runUnit, loadInputs, figuresOf } from './unit.js';
export type { UnitTask } from './unit.js';
export { evaluateGates, parseGates } from './gates.js';
export type { GateSource, GateParseFailure } from './gates.js';
export { successiveHalving, candidatePoints, rungSchedule } from './tune.js';
export type { CandidateResult, TuneObjective, RungEvaluator } from './tune.js';
