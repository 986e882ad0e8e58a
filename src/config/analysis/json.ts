import type { Diagnostic, Severity } from '../diagnostics.js';

/**
 * A diagnostic as JSON output carries it (`validate --format json`, the Result's and a study report's
 * `diagnostics`): every field present, null when a finding is not about a resource (docs/config.md).
 */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  code: string;
  message: string;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  path: string | null;
}

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    kind: d.kind ?? null,
    namespace: d.namespace ?? null,
    name: d.name ?? null,
    path: d.path ?? null,
  };
}

/** What outputs say when analysis errors were simulated on purpose (`--simulate-misconfig`). */
export interface SimulatedMisconfiguration {
  /** Analysis errors let through. */
  errors: number;
  message: string;
}

export function simulatedMisconfiguration(errors: number): SimulatedMisconfiguration {
  return {
    errors,
    message: `the configuration has ${errors} error${errors === 1 ? '' : 's'} (see diagnostics), simulated on purpose (--simulate-misconfig): these figures show what the misconfiguration does, not a valid mesh`,
  };
}
