/**
 * Helpers shared by the Flagger and Argo Rollouts resolvers: diagnostics positioned on a resource's
 * recorded field positions, and durations as the controllers read them.
 */
import { type Code, severityOf } from '../codes.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseDurationMs } from '../../engine/duration.js';
import type { ObjectMeta } from '../types.js';

export type DiagnosticSink = (d: Diagnostic) => void;

/** A diagnostic at `path` of a loaded resource (its recorded position, else the resource's). */
export function diagnosticAt(
  meta: ObjectMeta,
  kind: string,
  path: string,
  code: Code,
  message: string,
): Diagnostic {
  const pos = meta.positions?.[path];
  return {
    severity: severityOf(code),
    code,
    message,
    file: meta.source.file,
    line: pos?.[0] ?? meta.source.line,
    column: pos?.[1] ?? meta.source.column,
    kind,
    namespace: meta.namespace,
    name: meta.name,
    ...(path ? { path } : {}),
  };
}

/** Go's time.ParseDuration, in ms; undefined when invalid (the schema already reported it). */
export function durationMs(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const p = parseDurationMs(text);
  return p.ok ? p.value : fallbackMs;
}
