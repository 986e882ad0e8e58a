/**
 * What config loading, validation and analysis report instead of throwing (ARCHITECTURE: diagnostics, not
 * exceptions, for user input). Codes reuse Istio's analyzer codes (IST0101 ...) where Istio has one and
 * meshsim's own documented MSIM codes otherwise (docs/config.md lists them all).
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  file: string;
  /** 1-based line and column of the offending node (0 when the file itself is the problem). */
  line: number;
  column: number;
  /** Resource the finding is about, when there is one. */
  kind?: string;
  namespace?: string;
  name?: string;
  /** Dotted field path inside the resource, e.g. `spec.http[0].route[1].weight`. */
  path?: string;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** `file:line:col severity CODE message (Kind namespace/name, path)`, istioctl-like, one line. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const res = d.kind
    ? ` (${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name ?? ''}${d.path ? `, ${d.path}` : ''})`
    : d.path
      ? ` (${d.path})`
      : '';
  return `${where} ${d.severity} ${d.code} ${d.message}${res}`;
}

/** Stable order for output: file, line, column, then code. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort(
    (a, b) =>
      codeUnitCompare(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      codeUnitCompare(a.code, b.code),
  );
}

/** Renders a path like ['spec', 'http', 0, 'route'] as `spec.http[0].route`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** Code-unit order (not localeCompare, whose ICU collation differs between Node and browsers). */
function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
