import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';

/** Loads a scenario and its manifests from strings; throws with the error diagnostics when they fail. */
export function runTexts(scenario: string, manifests: string): Result {
  const l = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [{ file: 'm.yaml', text: manifests }]);
  if (l.loaded === undefined)
    throw new Error(
      l.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.code} ${d.message}`)
        .join('; '),
    );
  return runScenario(l.loaded);
}

/** Sum of `count` over Istio request series matching every given label. */
export function istioCount(r: Result, match: Record<string, string>): number {
  return r.istio
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.count, 0);
}
