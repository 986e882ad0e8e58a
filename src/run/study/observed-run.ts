import type { Scenario } from '../../config/scenario/index.js';
import type { World } from '../../mesh/world.js';
import { VERSION } from '../../version.js';
import { collectResult } from '../collect.js';
import { buildRun, type LoadedScenario, type RunOptions, runToEnd } from '../run-scenario.js';
import type { Observation } from './metrics.js';

/**
 * Runs a scenario like runScenario (same steps, same bytes) and also keeps the ground truth a study
 * needs and the Result does not carry: which pods were healthy (for `ejected_healthy()`).
 */
export function runObserved(loaded: LoadedScenario, opts: RunOptions = {}): Observation {
  const { world, recorder } = buildRun(loaded, opts);
  runToEnd(world, opts);
  return {
    result: collectResult(world, recorder, loaded.scenario, VERSION),
    healthyPods: healthyPods(world, loaded.scenario),
  };
}

/** Injected error rate up to which a workload counts as healthy (a 0.1 % baseline is healthy). */
export const HEALTHY_ERROR_RATE = 0.01;

/**
 * A pod is healthy when its workload's behaviour injects at most 1 % errors and no chaos event targets
 * the workload: ejecting it is a false positive of outlier detection (overload aside).
 */
export function healthyPods(world: World, scenario: Scenario): string[] {
  const targeted = new Set(scenario.events.map((e) => e.target).filter((t) => t !== undefined));
  const out: string[] = [];
  for (const [key, w] of world.workloads) {
    const injected = w.behaviour.errors.reduce((sum, e) => sum + e.rate, 0) > HEALTHY_ERROR_RATE;
    if (injected || targeted.has(key)) continue;
    for (const p of w.pods) out.push(p.name);
  }
  return out.sort();
}
