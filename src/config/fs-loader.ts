/**
 * Reads manifests from files, directories (recursive: *.yaml, *.yml, *.json), globs and '-' (stdin),
 * then runs `loadManifests`. Node only: not re-exported from config/index.ts, so the web app never
 * imports node:fs. Unreadable paths are MSIM0007 diagnostics (the CLI exits 2 on them).
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { severityOf } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { globBase, globToRegExp, hasGlobChars } from './glob.js';
import { loadManifests, type ManifestInput } from './load.js';
import type { MeshConfig } from './types.js';
import { YAML_LIMITS } from './yaml-source.js';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);

export interface LoadPathsOptions {
  /** Reads standard input for '-' (the CLI passes its io; default: process.stdin). */
  readStdin?: () => Promise<string>;
}

function unreadable(file: string, message: string): Diagnostic {
  return { severity: severityOf('MSIM0007'), code: 'MSIM0007', message, file, line: 0, column: 0 };
}

async function walk(dir: string, out: string[], seen: Set<string>, depth: number): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real) || depth > 32) return; // symlink loops
  seen.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(dir, e.name);
    const s = await stat(p).catch(() => undefined);
    if (s?.isDirectory()) await walk(p, out, seen, depth + 1);
    else if (s?.isFile() && MANIFEST_EXT.test(e.name)) out.push(p);
  }
}

async function expand(path: string, diagnostics: Diagnostic[]): Promise<string[]> {
  if (hasGlobChars(path)) {
    const base = globBase(path);
    const re = globToRegExp(path.replace(/^\.\//, ''));
    const files: string[] = [];
    try {
      await walk(base, files, new Set(), 0);
    } catch {
      // Reported below as "no match".
    }
    const matched = files.filter((f) => re.test(f.replace(/^\.\//, '')));
    if (matched.length === 0) diagnostics.push(unreadable(path, `no file matches ${path}`));
    return matched;
  }
  const s = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error) {
    diagnostics.push(
      unreadable(
        path,
        s.code === 'ENOENT' ? `no such file or directory: ${path}` : `cannot read ${path}: ${s.message}`,
      ),
    );
    return [];
  }
  if (s.isDirectory()) {
    const files: string[] = [];
    try {
      await walk(path, files, new Set(), 0);
    } catch (e) {
      diagnostics.push(unreadable(path, `cannot read directory ${path}: ${(e as Error).message}`));
    }
    if (files.length === 0)
      diagnostics.push(unreadable(path, `no *.yaml, *.yml or *.json files under ${path}`));
    return files;
  }
  return [path];
}

export async function loadManifestPaths(
  paths: string[],
  opts: LoadPathsOptions = {},
): Promise<{ config: MeshConfig; diagnostics: Diagnostic[]; files: string[] }> {
  const diagnostics: Diagnostic[] = [];
  const inputs: ManifestInput[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === '-') {
      try {
        const text = await (opts.readStdin ?? readProcessStdin)();
        inputs.push({ file: '<stdin>', text });
        files.push('<stdin>');
      } catch (e) {
        diagnostics.push(unreadable('<stdin>', `cannot read standard input: ${(e as Error).message}`));
      }
      continue;
    }
    for (const file of await expand(p, diagnostics)) {
      // Paths inside the working directory are shown relative to it, others as given.
      const rel = relative(process.cwd(), file);
      const display = rel === '' || rel.startsWith('..') ? file : rel;
      const key = await realpath(file).catch(() => file);
      if (seen.has(key)) continue;
      seen.add(key);
      const text = await readManifestFile(file, display, diagnostics);
      if (text === undefined) continue;
      inputs.push({ file: display, text });
      files.push(display);
    }
  }
  const loaded = loadManifests(inputs);
  return { config: loaded.config, diagnostics: [...diagnostics, ...loaded.diagnostics], files };
}

async function readManifestFile(
  file: string,
  display: string,
  diagnostics: Diagnostic[],
): Promise<string | undefined> {
  try {
    const s = await stat(file);
    // Refuse huge files before reading them (the parser refuses them too, MSIM0002).
    if (s.size > YAML_LIMITS.maxBytes) {
      diagnostics.push({
        severity: severityOf('MSIM0002'),
        code: 'MSIM0002',
        message: `file is ${(s.size / 1048576).toFixed(1)} MiB; the limit is ${YAML_LIMITS.maxBytes / 1048576} MiB`,
        file: display,
        line: 0,
        column: 0,
      });
      return undefined;
    }
    return await readFile(file, 'utf8');
  } catch (e) {
    diagnostics.push(unreadable(display, `cannot read ${display}: ${(e as Error).message}`));
    return undefined;
  }
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
