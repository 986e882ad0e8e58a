import { analyzeMesh } from '../analysis/index.js';
import { scenarioIstioProfile } from '../istio-version-scenario.js';
import type { IstioProfile } from '../istio-version.js';
import type { Diagnostic } from '../diagnostics.js';
import { sortDiagnostics } from '../diagnostics.js';
import { loadManifests, type ManifestInput } from '../load.js';
import type { MeshConfig } from '../types.js';
import { parseYamlDocuments, type SourceDocument } from '../yaml-source.js';
import { checkScenario } from './check.js';
import { withDefaultIngressGateway } from './default-gateway.js';
import { parseScenario } from './resolve.js';
import type { Scenario } from './types.js';

/**
 * What the cross-resource analysis (`analyzeMesh`: Istio's IST analyzers and meshsim's MSIM1xxx) does to a
 * load. `stop` (the default): its errors stop the load like any other error, as `meshsim validate` would
 * fail. `simulate`: they are reported but the scenario loads, so a user can watch the misconfiguration
 * happen (`--simulate-misconfig`). `skip`: no analysis, for a worker re-loading inputs the calling
 * thread has already checked.
 */
export type AnalysisMode = 'stop' | 'simulate' | 'skip';

export interface ScenarioLoadOptions {
  analysis?: AnalysisMode;
  /** `--istio-version`: overrides the scenario's `spec.istio.version`. */
  istio?: IstioProfile;
}

export interface ScenarioLoad {
  /** Present when there are no errors (or only analysis errors, under `analysis: 'simulate'`). */
  loaded: { scenario: Scenario; config: MeshConfig } | undefined;
  /** Loader, validation, scenario and analysis findings; a manifest path that cannot be read comes first. */
  diagnostics: Diagnostic[];
  /** Analysis errors the load let through (`analysis: 'simulate'`); 0 otherwise. */
  simulatedErrors: number;
  /** Not loaded only because of analysis errors: `analysis: 'simulate'` would run it. */
  simulable: boolean;
}

/** Finds the Scenario document of a file (the other documents may be inline manifests). */
export function findScenarioDocument(
  text: string,
  file: string,
): { doc: SourceDocument | undefined; diagnostics: Diagnostic[] } {
  const parsed = parseYamlDocuments(text, file);
  const docs = parsed.documents.filter((d) => (d.value as { kind?: unknown } | null)?.kind === 'Scenario');
  if (docs.length === 1) return { doc: docs[0], diagnostics: [] };
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { doc: undefined, diagnostics: [] }; // reported by the manifest loader
  const message =
    docs.length === 0
      ? 'no document with `kind: Scenario` (apiVersion meshsim.dev/v1alpha1) in this file'
      : `${docs.length} Scenario documents in one file; put one scenario per file`;
  const pos = docs[1]?.locate([]) ?? { line: 0, column: 0 };
  return { doc: undefined, diagnostics: [{ severity: 'error', code: 'MSIM2005', message, file, ...pos }] };
}

/**
 * Loads a scenario and its manifests from texts (browser-safe). `manifests` are the files its
 * `spec.manifests` name, already read by the caller; the scenario file's own extra documents count as
 * inline manifests. Returns the diagnostics of both and of the analysis, sorted; `loaded` only when
 * there is no error (see AnalysisMode).
 */
export function loadScenarioFromTexts(
  scenario: ManifestInput,
  manifests: readonly ManifestInput[],
  opts: ScenarioLoadOptions = {},
): ScenarioLoad {
  const found = findScenarioDocument(scenario.text, scenario.file);
  const v = scenarioIstioProfile(found.doc, opts.istio);
  const m = loadManifests([...manifests, scenario], { istio: v.profile });
  return completeScenarioLoad(found, { ...m, diagnostics: [...v.diagnostics, ...m.diagnostics] }, [], opts);
}

/**
 * The common end of every scenario load (texts or files): parse the Scenario document, cross-check it
 * with the manifests (MSIM201x), analyze the mesh, and decide whether it may run. `unreadable` are
 * diagnostics for manifest paths that could not be read: they come first, and the checks against the
 * manifests are skipped (every "no such workload/host" would be a knock-on of the missing file).
 */
export function completeScenarioLoad(
  found: { doc: SourceDocument | undefined; diagnostics: Diagnostic[] },
  manifests: { config: MeshConfig; diagnostics: Diagnostic[] },
  unreadable: readonly Diagnostic[],
  opts: ScenarioLoadOptions,
): ScenarioLoad {
  const diagnostics = [...found.diagnostics, ...manifests.diagnostics];
  let loaded: ScenarioLoad['loaded'];
  const complete = unreadable.length === 0;
  let config = manifests.config;
  if (found.doc !== undefined) {
    const s = parseScenario(found.doc, config.istio);
    diagnostics.push(...s.diagnostics);
    if (s.scenario !== undefined) {
      // Istio's samples select the ingress gateway istioctl installs: add it when traffic names it.
      const gw = withDefaultIngressGateway(config, s.scenario, found.doc);
      config = gw.config;
      diagnostics.push(...gw.diagnostics);
      if (complete) diagnostics.push(...checkScenario(found.doc, s.scenario, config));
      loaded = { scenario: s.scenario, config };
    }
  }
  const blocking = diagnostics.some((d) => d.severity === 'error') || !complete;
  const mode = opts.analysis ?? 'stop';
  let analysisErrors = 0;
  // Like `meshsim validate`, the analysis runs despite other errors (one pass shows them all), but not
  // when a manifest is missing: its findings would be knock-ons of the missing file.
  if (mode !== 'skip' && complete) {
    const findings = analyzeMesh(config);
    analysisErrors = findings.filter((d) => d.severity === 'error').length;
    diagnostics.push(...findings);
  }
  const sorted = [...unreadable, ...sortDiagnostics(diagnostics)];
  const runnable = !blocking && (analysisErrors === 0 || mode === 'simulate');
  return {
    loaded: runnable ? loaded : undefined,
    diagnostics: sorted,
    simulatedErrors: runnable ? analysisErrors : 0,
    simulable: !runnable && !blocking && loaded !== undefined,
  };
}
