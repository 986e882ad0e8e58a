export type * from './types.js';
export {
  parseScenario,
  SCENARIO_CODES,
  DEFAULT_BEHAVIOUR,
  DEFAULT_EXTERNAL,
  DEFAULT_SIDECAR_LATENCY,
} from './resolve.js';
export { scenarioSchema } from './schema.js';
export { loadScenarioFromTexts, findScenarioDocument } from './load.js';
export type { AnalysisMode, ScenarioLoad, ScenarioLoadOptions } from './load.js';
export { dnsCandidates } from '../hosts.js';
export { checkScenario, SCENARIO_CHECK_CODES } from './check.js';
