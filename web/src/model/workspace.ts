import { parseAllDocuments } from 'yaml';
import { basename, dirname, globToRegExp, joinPath } from './paths.js';

/** The files open in the app: one scenario and the manifests it runs with. Paths are the names shown. */
export interface WorkspaceFile {
  path: string;
  text: string;
}

export interface Workspace {
  /** Path of the scenario file among `files`. */
  scenario: string;
  files: WorkspaceFile[];
}

export function isScenarioText(text: string): boolean {
  return /^kind:\s*["']?Scenario["']?\s*$/m.test(text);
}

/** `spec.manifests` of a scenario text as written, with the line of each entry (for diagnostics). */
export function manifestRefs(text: string): { ref: string; line: number }[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) {
    if (d.get('kind') !== 'Scenario') continue;
    const seq = d.getIn(['spec', 'manifests'], true) as
      | { items?: { value?: unknown; range?: number[] }[] }
      | undefined;
    if (!seq || !Array.isArray(seq.items)) return [];
    return seq.items
      .filter((it) => typeof it.value === 'string')
      .map((it) => ({ ref: it.value as string, line: lineOf(text, it.range?.[0] ?? 0) }));
  }
  return [];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Resolves a scenario's manifest references against the available paths: a file, a directory (every
 * .yaml under it) or a glob, relative to the scenario's directory; dropped files (no directory) match by
 * base name. Scenario files are never manifests.
 */
export function resolveManifests(
  scenarioPath: string,
  refs: readonly string[],
  available: ReadonlyMap<string, string>,
): { found: string[]; missing: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  const paths = [...available.keys()].filter((p) => p !== scenarioPath && !isScenarioText(available.get(p)!));
  for (const ref of refs) {
    const target = joinPath(dirname(scenarioPath), ref);
    let hits: string[];
    if (/[*?]/.test(ref)) {
      const re = globToRegExp(target);
      hits = paths.filter((p) => re.test(p));
    } else if (available.has(target)) hits = [target];
    else {
      const dir = `${target.replace(/\/$/, '')}/`;
      hits = paths.filter((p) => p.startsWith(dir) && /\.ya?ml$/.test(p));
      if (hits.length === 0) hits = paths.filter((p) => basename(p) === basename(target));
    }
    if (hits.length === 0) missing.push(ref);
    for (const h of hits.sort()) if (!found.includes(h)) found.push(h);
  }
  return { found, missing };
}

/** Opens a scenario from a set of files (the bundle, or dropped files): the scenario and its manifests. */
export function openScenario(scenarioPath: string, available: ReadonlyMap<string, string>): Workspace {
  const text = available.get(scenarioPath) ?? '';
  const { found } = resolveManifests(
    scenarioPath,
    manifestRefs(text).map((r) => r.ref),
    available,
  );
  return {
    scenario: scenarioPath,
    files: [{ path: scenarioPath, text }, ...found.map((p) => ({ path: p, text: available.get(p)! }))],
  };
}

/** Bundled scenarios for the model picker, with the scenario's metadata.name. */
export function listScenarios(available: ReadonlyMap<string, string>): { path: string; name: string }[] {
  return [...available.entries()]
    .filter(([, t]) => isScenarioText(t))
    .map(([path, t]) => ({ path, name: /^\s{2}name:\s*(.+)$/m.exec(t)?.[1]?.trim() ?? basename(path) }));
}
