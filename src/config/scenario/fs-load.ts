import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { sortDiagnostics } from '../diagnostics.js';
import { loadManifestPaths, readInputFile } from '../fs-loader.js';
import { checkScenario } from './check.js';
import { findScenarioDocument, type ScenarioLoad } from './load.js';
import { parseScenario } from './resolve.js';

/**
 * Node only (not re-exported from config/index.ts): reads a scenario file, then the manifests its
 * `spec.manifests` name (files, directories or globs, relative to the scenario file) plus any manifests
 * inline in the scenario file itself.
 */
export async function loadScenarioFile(path: string): Promise<ScenarioLoad & { unreadable: boolean }> {
  // Only a regular file of bounded size is read (a FIFO would block forever): fs-loader's rules.
  const read = await readInputFile(path);
  if (read.text === undefined) {
    const notFound = read.diagnostics.some((d) => /ENOENT/.test(d.message));
    return {
      loaded: undefined,
      unreadable: true,
      diagnostics: notFound
        ? [
            {
              severity: 'error',
              code: 'MSIM0007',
              message: `no such file: ${path}`,
              file: path,
              line: 0,
              column: 0,
            },
          ]
        : read.diagnostics,
    };
  }
  const text = read.text;
  const found = findScenarioDocument(text, path);
  const diagnostics: Diagnostic[] = [...found.diagnostics];
  const parsed = found.doc ? parseScenario(found.doc) : undefined;
  if (parsed) diagnostics.push(...parsed.diagnostics);
  const base = dirname(path);
  const manifestPaths = (parsed?.scenario?.manifests ?? rawManifests(found.doc?.value)).map((p) =>
    resolve(base, p),
  );
  const m = await loadManifestPaths([...manifestPaths, path]);
  diagnostics.push(...m.diagnostics);
  const unreadable = m.diagnostics.some((d) => d.code === 'MSIM0007');
  let loaded: ScenarioLoad['loaded'];
  if (found.doc && parsed?.scenario) {
    diagnostics.push(...checkScenario(found.doc, parsed.scenario, m.config));
    loaded = { scenario: parsed.scenario, config: m.config };
  }
  const sorted = sortDiagnostics(diagnostics);
  return {
    loaded: sorted.some((d) => d.severity === 'error') ? undefined : loaded,
    diagnostics: sorted,
    unreadable,
  };
}

function rawManifests(v: unknown): string[] {
  const m = (v as { spec?: { manifests?: unknown } } | null)?.spec?.manifests;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : [];
}
