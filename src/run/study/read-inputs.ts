/**
 * Node only (not re-exported from run/index.ts): reads a scenario file and the manifest files its
 * `spec.manifests` names, as texts, so that a study can patch fields and reload each point like user
 * input (loadScenarioFromTexts). Files and directories (recursive *.yaml, *.yml, *.json) are read;
 * globs are left to `meshsim run` (a study names its inputs plainly).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../../config/diagnostics.js';
import type { ManifestInput } from '../../config/load.js';
import { checkManifestPaths, readScenarioText } from '../../config/scenario/fs-load.js';
import { findScenarioDocument } from '../../config/scenario/index.js';
import type { StudyInputs } from './plan.js';

export interface ReadInputs {
  inputs?: StudyInputs;
  diagnostics: Diagnostic[];
}

function display(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel === '' || rel.startsWith('..') ? p : rel;
}

function unreadable(file: string, message: string): Diagnostic {
  return { severity: 'error', code: 'MSIM0007', message, file, line: 0, column: 0 };
}

async function listFiles(p: string): Promise<string[]> {
  const s = await stat(p);
  if (!s.isDirectory()) return [p];
  const out: string[] = [];
  const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const q = join(p, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(q)));
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(q);
  }
  return out;
}

export async function readStudyInputs(scenarioPath: string): Promise<ReadInputs> {
  const read = await readScenarioText(scenarioPath);
  if (read.text === undefined) return { diagnostics: [read.diagnostic!] };
  const text = read.text;
  const found = findScenarioDocument(text, display(scenarioPath));
  if (found.doc === undefined) return { diagnostics: found.diagnostics };
  // A misspelt manifest path is reported at its spec.manifests entry, before anything else.
  const missing = await checkManifestPaths(found.doc, scenarioPath);
  if (missing.length > 0) return { diagnostics: missing };
  const raw = (found.doc.value as { spec?: { manifests?: unknown } }).spec?.manifests;
  const paths = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  const manifests: ManifestInput[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (/[*?[]/.test(p)) {
      diagnostics.push(unreadable(p, `studies read plain files and directories; expand the glob "${p}"`));
      continue;
    }
    const abs = resolve(dirname(scenarioPath), p);
    try {
      for (const f of await listFiles(abs)) {
        if (seen.has(f)) continue;
        seen.add(f);
        manifests.push({ file: display(f), text: await readFile(f, 'utf8') });
      }
    } catch (e) {
      diagnostics.push(unreadable(display(abs), `cannot read ${display(abs)}: ${(e as Error).message}`));
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { inputs: { scenario: { file: display(scenarioPath), text }, manifests }, diagnostics };
}
