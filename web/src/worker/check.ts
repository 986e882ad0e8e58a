import { type Diagnostic, type LoadedScenario, loadScenarioFromTexts } from '../../../src/index.js';
import { type ModelSize, modelSize, refusal } from '../model/limits.js';
import { manifestRefs, resolveManifests } from '../model/workspace.js';
import type { ModelInput } from './protocol.js';

/** Hard cap on input text before parsing (a share link or a drop can carry anything). */
export const MAX_INPUT_CHARS = 8_000_000;

export interface Checked {
  loaded: LoadedScenario | undefined;
  diagnostics: Diagnostic[];
  /** Analysis errors let through because the user asked to simulate the misconfiguration. */
  simulatedErrors: number;
  size?: ModelSize;
  refused?: string;
}

/**
 * Validates and analyzes a model exactly as `meshsim run` would (loadScenarioFromTexts: webhook rules,
 * IST and MSIM analysis; analysis errors stop it unless `simulateMisconfig`, like --simulate-misconfig),
 * adds a warning for each `spec.manifests` entry no open file satisfies, and sizes the model against the
 * browser's limits.
 */
export function checkModel(input: ModelInput): Checked {
  const total = input.manifests.reduce((n, m) => n + m.text.length, input.scenario.text.length);
  if (total > MAX_INPUT_CHARS)
    return {
      loaded: undefined,
      diagnostics: [],
      simulatedErrors: 0,
      refused: `The model is ${total.toLocaleString('en-US')} characters of YAML; the browser accepts at most ${MAX_INPUT_CHARS.toLocaleString('en-US')}.`,
    };
  const r = loadScenarioFromTexts(input.scenario, input.manifests, {
    analysis: input.simulateMisconfig === true ? 'simulate' : 'stop',
  });
  const diagnostics = [...r.diagnostics];
  const available = new Map(input.manifests.map((m) => [m.file, m.text]));
  const refs = manifestRefs(input.scenario.text);
  const { missing } = resolveManifests(
    input.scenario.file,
    refs.map((x) => x.ref),
    available,
  );
  for (const ref of missing) {
    const at = refs.find((x) => x.ref === ref);
    diagnostics.push({
      severity: 'warning',
      code: 'WEB0001',
      message: `spec.manifests entry "${ref}" matches no open file; open or drop it to include it`,
      file: input.scenario.file,
      line: at?.line ?? 0,
      column: 1,
    });
  }
  const simulatedErrors = r.simulatedErrors;
  if (r.loaded === undefined) return { loaded: undefined, diagnostics, simulatedErrors };
  const size = modelSize(r.loaded);
  const refused = refusal(size);
  return {
    loaded: refused ? undefined : r.loaded,
    diagnostics,
    simulatedErrors,
    size,
    ...(refused ? { refused } : {}),
  };
}
