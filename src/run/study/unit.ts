import { type Diagnostic, formatDiagnostic } from '../../config/diagnostics.js';
import { type IstioProfile, parseIstioVersion } from '../../config/istio-version.js';
import { loadScenarioFromTexts } from '../../config/scenario/index.js';
import type { ScenarioLoadOptions } from '../../config/scenario/load.js';
import type { LoadedScenario } from '../run-scenario.js';
import { parseMetric } from './assertion.js';
import { type Background, withBackground } from './background.js';
import { evaluateMetric, type Observation } from './metrics.js';
import { runObserved } from './observed-run.js';
import type { StudyInputs } from './plan.js';

/** One simulation of a study, as sent to a worker thread (plain data only). */
export interface UnitTask {
  /** Identifies the point's inputs (fingerprint/point): workers reuse the loaded config for it. */
  key: string;
  inputs: StudyInputs;
  seed: number;
  durationMs: number | null;
  metrics: readonly string[];
  /** Background errors and slow responses for healthy pods (tune), applied after loading. */
  background?: Background;
  /** The plan's Istio release line (`--istio-version`), which wins over the scenario's spec.istio.version. */
  istioVersion?: string;
}

const cache = new Map<string, LoadedScenario>();

/**
 * Loads a point's texts like user input, with the same analysis as `meshsim validate` (see AnalysisMode:
 * the CLI's --simulate-misconfig passes 'simulate'). `errors` are the error lines; `diagnostics` all.
 */
export function loadInputs(
  inputs: StudyInputs,
  opts: ScenarioLoadOptions = {},
): {
  loaded?: LoadedScenario;
  errors: string[];
  diagnostics: Diagnostic[];
  simulatedErrors: number;
  simulable: boolean;
} {
  const r = loadScenarioFromTexts(inputs.scenario, inputs.manifests, opts);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const common = {
    errors,
    diagnostics: r.diagnostics,
    simulatedErrors: r.simulatedErrors,
    simulable: r.simulable,
  };
  return r.loaded ? { loaded: r.loaded, ...common } : common;
}

function loadCached(task: UnitTask): LoadedScenario {
  let l = cache.get(task.key);
  if (l === undefined) {
    // The calling thread vetted these inputs (with the analysis the user asked for): no analysis here.
    const r = loadInputs(task.inputs, { analysis: 'skip', ...istioOption(task.istioVersion) });
    if (r.loaded === undefined) throw new Error(`point does not load:\n${r.errors.join('\n')}`);
    l = task.background
      ? { ...r.loaded, scenario: withBackground(r.loaded.scenario, task.background) }
      : r.loaded;
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(task.key, l);
  }
  return l;
}

/** The load option for a plan's Istio version (vetted by the calling thread's flag parsing). */
export function istioOption(version: string | undefined): { istio?: IstioProfile } {
  if (version === undefined) return {};
  const p = parseIstioVersion(version);
  if (!p.ok) throw new Error(`plan Istio version: ${p.message}`);
  return { istio: p.profile };
}

export function figuresOf(o: Observation, metrics: readonly string[]): (number | null)[] {
  return metrics.map((m) => {
    const call = parseMetric(m);
    if (!call.ok) return null;
    const v = evaluateMetric(o, call.value);
    return v.ok && Number.isFinite(v.value) ? v.value : null;
  });
}

/** Runs one unit to its figures: pure in the task (same task, same numbers, in any thread). */
export function runUnit(task: UnitTask): (number | null)[] {
  const loaded = loadCached(task);
  const o = runObserved(loaded, {
    seed: task.seed,
    ...(task.durationMs !== null ? { durationMs: task.durationMs } : {}),
  });
  return figuresOf(o, task.metrics);
}
