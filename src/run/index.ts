export { runScenario, buildRun, runToEnd, drainWorld } from './run-scenario.js';
export { collectResult } from './collect.js';
export type { RunOptions, LoadedScenario } from './run-scenario.js';
export type * from './result.js';
export type { TimelineEvent, TimelineEventKind } from './timeline-events.js';
export * from './study/index.js';
