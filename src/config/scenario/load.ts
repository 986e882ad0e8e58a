import type { Diagnostic } from '../diagnostics.js';
import { sortDiagnostics } from '../diagnostics.js';
import { loadManifests, type ManifestInput } from '../load.js';
import type { MeshConfig } from '../types.js';
import { parseYamlDocuments, type SourceDocument } from '../yaml-source.js';
import { checkScenario } from './check.js';
import { parseScenario } from './resolve.js';
import type { Scenario } from './types.js';

export interface ScenarioLoad {
  /** Present when there are no errors. */
  loaded: { scenario: Scenario; config: MeshConfig } | undefined;
  diagnostics: Diagnostic[];
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
 * inline manifests. Returns the diagnostics of both, sorted; `loaded` only when there is no error.
 */
export function loadScenarioFromTexts(
  scenario: ManifestInput,
  manifests: readonly ManifestInput[],
): ScenarioLoad {
  const found = findScenarioDocument(scenario.text, scenario.file);
  const m = loadManifests([...manifests, scenario]);
  const diagnostics = [...found.diagnostics, ...m.diagnostics];
  let loaded: ScenarioLoad['loaded'];
  if (found.doc !== undefined) {
    const s = parseScenario(found.doc);
    diagnostics.push(...s.diagnostics);
    if (s.scenario !== undefined) {
      diagnostics.push(...checkScenario(found.doc, s.scenario, m.config));
      loaded = { scenario: s.scenario, config: m.config };
    }
  }
  const sorted = sortDiagnostics(diagnostics);
  return { loaded: sorted.some((d) => d.severity === 'error') ? undefined : loaded, diagnostics: sorted };
}
