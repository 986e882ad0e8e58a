/**
 * Where one resource sits in its file and how findings about it become positioned diagnostics. A
 * resource is a whole YAML document or an item of a `kind: List` (then `base` is `['items', i]`);
 * paths in diagnostics are relative to the resource (`spec.http[0].timeout`).
 */
import type { z } from 'zod';
import { type Code, severityOf } from './codes.js';
import { type Diagnostic, formatPath } from './diagnostics.js';
import { MISSING } from './schema/zod-helpers.js';
import type { IstioProfile } from './istio-version.js';
import type { SourceRef } from './types.js';
import type { SourceDocument, YamlPath } from './yaml-source.js';

export interface ResourceContext {
  doc: SourceDocument;
  base: YamlPath;
  kind: string;
  namespace: string;
  name: string;
  diagnostics: Diagnostic[];
  /** The Istio version being loaded for (absent: the newest line). */
  istio?: IstioProfile;
}

export interface Reporter {
  /** Adds a diagnostic at `path` (the key itself when `key` is set). */
  add(code: Code, path: YamlPath, message: string, opts?: { key?: boolean }): void;
}

export function reporterFor(ctx: ResourceContext): Reporter {
  return {
    add(code, path, message, opts) {
      const pos = ctx.doc.locate([...ctx.base, ...path], opts);
      ctx.diagnostics.push({
        severity: severityOf(code),
        code,
        message,
        file: ctx.doc.file,
        line: pos.line,
        column: pos.column,
        kind: ctx.kind,
        namespace: ctx.namespace,
        name: ctx.name,
        path: formatPath(path) || undefined,
      });
    },
  };
}

/** Maps zod issues to diagnostics: one per unknown key (at the key), missing fields named. */
export function reportZodIssues(r: Reporter, code: Code, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split('\n');
      issue.keys.forEach((k, i) => {
        r.add(code, [...path, k], lines[i] ?? `unknown field "${k}"`, { key: true });
      });
      continue;
    }
    if (issue.message === MISSING) {
      const field = path[path.length - 1];
      r.add(code, path.slice(0, -1), `missing required field "${String(field)}"`);
      continue;
    }
    r.add(code, path, issue.message);
  }
}

/**
 * Positions of every node of a resource, keyed by path (`spec.http[0].route[1].weight`), so analysis
 * of the resolved config can point at exact lines without keeping YAML nodes around (plain data that
 * survives structured clone into a Web Worker).
 */
export function recordPositions(ctx: ResourceContext, value: unknown): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  let budget = 20_000; // a generous cap: manifests have hundreds of nodes, not tens of thousands
  const walk = (v: unknown, path: (string | number)[], depth: number) => {
    if (budget-- <= 0 || depth > 64) return;
    const p = ctx.doc.locate([...ctx.base, ...path]);
    out[formatPath(path)] = [p.line, p.column];
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) walk(v[i], [...path, i], depth + 1);
    else if (v !== null && typeof v === 'object')
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k], depth + 1);
  };
  walk(value, [], 0);
  return out;
}

export function sourceOf(ctx: ResourceContext, path: YamlPath = []): SourceRef {
  const p = ctx.doc.locate([...ctx.base, ...path]);
  return { file: ctx.doc.file, line: p.line, column: p.column };
}
