import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFile } from '../../src/config/scenario/fs-load.js';
import type { LoadedScenario, Result, RunOptions } from '../../src/run/index.js';
import { runScenario } from '../../src/run/index.js';

/** Loads a scenario file (failing the test with its diagnostics if it has errors). */
export async function loadModel(path: string): Promise<LoadedScenario> {
  const load = await loadScenarioFile(path);
  if (load.loaded === undefined)
    throw new Error(`${path} does not load:\n${load.diagnostics.map(formatDiagnostic).join('\n')}`);
  return load.loaded;
}

/** Loads and runs a scenario file: `runModel('models/canary/canary.scenario.yaml', { seed: 3 })`. */
export async function runModel(path: string, opts: RunOptions = {}): Promise<Result> {
  return runScenario(await loadModel(path), opts);
}

/**
 * Binomial tolerance: the count of successes in n trials with probability p lies within
 * z·sqrt(n·p·(1-p)) of n·p; z = 4.5 keeps the chance of a false failure below 1e-5 per check.
 */
export function binomialBand(n: number, p: number, z = 4.5): { low: number; high: number } {
  const sd = Math.sqrt(n * p * (1 - p));
  return { low: n * p - z * sd, high: n * p + z * sd };
}
