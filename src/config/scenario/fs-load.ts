import { readdir, readFile, stat } from 'node:fs/promises';
import { scenarioIstioProfile } from '../istio-version-scenario.js';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import { loadManifestPaths, readInputFile } from '../fs-loader.js';
import { hasGlobChars } from '../glob.js';
import { didYouMean } from '../suggest.js';
import type { MeshConfig } from '../types.js';
import type { SourceDocument } from '../yaml-source.js';
import {
  completeScenarioLoad,
  findScenarioDocument,
  type ScenarioLoad,
  type ScenarioLoadOptions,
} from './load.js';

/** A Scenario document starts a line with `kind: Scenario` (a cheap test before parsing a file). */
const SCENARIO_KIND = /^kind:\s*["']?Scenario["']?\s*(#.*)?$/m;

export function looksLikeScenario(text: string): boolean {
  return SCENARIO_KIND.test(text);
}

function unreadable(file: string, message: string, pos = { line: 0, column: 0 }, path?: string): Diagnostic {
  return { severity: 'error', code: 'MSIM0007', message, file, ...pos, ...(path ? { path } : {}) };
}

/** The scenario files directly inside `dir` (for "this is a directory; did you mean ..."). */
export async function scenarioFilesIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const out: string[] = [];
  for (const n of names) {
    const text = await readFile(join(dir, n), 'utf8').catch(() => '');
    if (looksLikeScenario(text)) out.push(join(dir, n));
  }
  return out;
}

/** Reads a file that should be a scenario; a directory or a missing file is a positioned MSIM0007. */
export async function readScenarioText(path: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  const s = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error)
    return {
      diagnostic: unreadable(
        path,
        s.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${s.message}`,
      ),
    };
  if (s.isDirectory()) {
    const inside = await scenarioFilesIn(path);
    const hint =
      inside.length === 0
        ? 'it holds no scenario file (kind: Scenario)'
        : `scenario files in it: ${inside.join(', ')}`;
    return { diagnostic: unreadable(path, `${path} is a directory, not a scenario file; ${hint}`) };
  }
  // Only a regular file of bounded size is read (a FIFO would block forever): fs-loader's rules.
  const read = await readInputFile(path);
  if (read.text === undefined)
    return { diagnostic: read.diagnostics[0] ?? unreadable(path, `cannot read ${path}`) };
  return { text: read.text };
}

/**
 * Checks that every `spec.manifests` entry exists, before anything is loaded: a misspelt path is reported
 * at the entry itself (file:line:col of the scenario), with the closest name in its directory, as the
 * first diagnostic. Globs are left to the manifest loader (a glob without a match is its MSIM0007).
 */
export async function checkManifestPaths(doc: SourceDocument, scenarioPath: string): Promise<Diagnostic[]> {
  const raw = (doc.value as { spec?: { manifests?: unknown } } | null)?.spec?.manifests;
  if (!Array.isArray(raw)) return [];
  const out: Diagnostic[] = [];
  for (const [i, p] of raw.entries()) {
    if (typeof p !== 'string' || hasGlobChars(p)) continue;
    const abs = resolve(dirname(scenarioPath), p);
    const s = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
    if (!(s instanceof Error)) continue;
    const path = ['spec', 'manifests', i];
    let message = `cannot read ${p}: ${s.message}`;
    if (s.code === 'ENOENT') {
      const siblings = await readdir(dirname(abs)).catch(() => [] as string[]);
      const hint = didYouMean(basename(abs), siblings);
      const shown = hint ? join(dirname(p), hint) : undefined;
      message = `no such file or directory: ${p} (relative to the scenario file)${shown ? `; did you mean "${shown}"?` : ''}; the checks against the manifests are skipped until it is found`;
    }
    out.push(unreadable(doc.file, message, doc.locate(path), formatPath(path)));
  }
  return out;
}

export interface ScenarioFileLoad extends ScenarioLoad {
  /** A path could not be read (the CLI exits 2). */
  unreadable: boolean;
  /** Files read (display paths): the manifests and the scenario file itself. */
  files: string[];
  /** The mesh as loaded, even with errors (validate counts its resources); undefined when unread. */
  config: MeshConfig | undefined;
}

/**
 * Node only (not re-exported from config/index.ts): reads a scenario file, then the manifests its
 * `spec.manifests` name (files, directories or globs, relative to the scenario file) plus any manifests
 * inline in the scenario file itself, and analyzes the mesh (see AnalysisMode).
 */
export async function loadScenarioFile(
  path: string,
  opts: ScenarioLoadOptions = {},
): Promise<ScenarioFileLoad> {
  const read = await readScenarioText(path);
  if (read.text === undefined)
    return {
      loaded: undefined,
      unreadable: true,
      diagnostics: [read.diagnostic!],
      simulatedErrors: 0,
      simulable: false,
      files: [],
      config: undefined,
    };
  const found = findScenarioDocument(read.text, path);
  const missing = found.doc ? await checkManifestPaths(found.doc, path) : [];
  const base = dirname(path);
  const named = found.doc ? rawManifests(found.doc.value) : [];
  const readable = named.filter(
    (p, i) => p !== '' && !missing.some((d) => d.path === `spec.manifests[${i}]`),
  );
  const v = scenarioIstioProfile(found.doc, opts.istio);
  const m = await loadManifestPaths([...readable.map((p) => resolve(base, p)), path], { istio: v.profile });
  const unreadablePaths = [...missing, ...m.diagnostics.filter((d) => d.code === 'MSIM0007')];
  const r = completeScenarioLoad(
    found,
    {
      config: m.config,
      diagnostics: [...v.diagnostics, ...m.diagnostics.filter((d) => d.code !== 'MSIM0007')],
    },
    unreadablePaths,
    opts,
  );
  return { ...r, unreadable: unreadablePaths.length > 0, files: m.files, config: m.config };
}

function rawManifests(v: unknown): string[] {
  const m = (v as { spec?: { manifests?: unknown } } | null)?.spec?.manifests;
  return Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? x : '')) : [];
}
