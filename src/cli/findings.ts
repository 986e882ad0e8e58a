import { Option } from 'commander';
import {
  type JsonDiagnostic,
  type SimulatedMisconfiguration,
  simulatedMisconfiguration,
  toJsonDiagnostic,
} from '../config/analysis/json.js';
import { type Diagnostic, formatDiagnostic } from '../config/diagnostics.js';
import type { AnalysisMode } from '../config/scenario/load.js';
import { parseYamlDocuments } from '../config/yaml-source.js';
import { type HeaderFormat, withMisconfigHeader } from '../report/index.js';
import type { CliIo } from './main.js';

/**
 * How `run`, `sweep` and `tune` report the checks they make before simulating (the same as `validate`):
 * errors and warnings at the top of the text report (info only with --verbose), every finding in the
 * JSON output, and on stderr whenever the report is not text on stdout. One line format everywhere:
 * `file:line:col severity CODE message (Kind namespace/name, path)`.
 */
export interface FindingsFlags {
  simulateMisconfig?: boolean;
  verbose?: boolean;
}

export const SIMULATE_MISCONFIG_HELP =
  'simulate inputs whose analysis has errors (IST0101, IST0173, ...) instead of stopping; every output then says so';

/** The options every simulating command shares (same names and words everywhere). */
export function findingsOptions(): Option[] {
  return [
    new Option('--simulate-misconfig', SIMULATE_MISCONFIG_HELP),
    new Option('-v, --verbose', 'also print info-level findings (always in JSON)'),
  ];
}

export function analysisMode(flags: FindingsFlags): AnalysisMode {
  return flags.simulateMisconfig === true ? 'simulate' : 'stop';
}

export function visible(ds: readonly Diagnostic[], verbose = false): Diagnostic[] {
  return ds.filter((d) => verbose || d.severity !== 'info');
}

export function printDiagnostics(io: CliIo, ds: readonly Diagnostic[], verbose = false): void {
  for (const d of visible(ds, verbose)) io.stderr(`${formatDiagnostic(d)}\n`);
}

/** The line that ends a refused run; it names the flag when only analysis errors stopped it. */
export function notRun(io: CliIo, what: string, simulable: boolean): void {
  io.stderr(
    `meshsim: ${what}: not run because of the errors above${
      simulable ? ' (to watch this misconfiguration happen on purpose, add --simulate-misconfig)' : ''
    }\n`,
  );
}

/** The findings of a run, as the outputs carry them. */
export interface Findings {
  diagnostics: Diagnostic[];
  json: JsonDiagnostic[];
  simulated: SimulatedMisconfiguration | undefined;
}

export function findingsOf(diagnostics: readonly Diagnostic[], simulatedErrors: number): Findings {
  return {
    diagnostics: [...diagnostics],
    json: diagnostics.map(toJsonDiagnostic),
    simulated: simulatedErrors > 0 ? simulatedMisconfiguration(simulatedErrors) : undefined,
  };
}

/**
 * Puts the findings on a rendered report: the misconfiguration header in every format, the visible
 * findings at the top of a text report; and prints them on stderr when the report is not text on stdout.
 */
export function decorate(
  io: CliIo,
  text: string,
  format: HeaderFormat,
  findings: Findings,
  o: { verbose: boolean; toFile: boolean },
): string {
  const shown = visible(findings.diagnostics, o.verbose);
  if (format !== 'text' || o.toFile) {
    printDiagnostics(io, shown, true);
    if (findings.simulated) io.stderr(`meshsim: WARNING: ${findings.simulated.message}\n`);
  }
  const body =
    format === 'text' && shown.length > 0
      ? `${shown.map((d) => formatDiagnostic(d)).join('\n')}\n\n${text}`
      : text;
  return withMisconfigHeader(body, format, findings.simulated?.message);
}

/**
 * Where entry `path` of a study file's `kind` document starts (after its quote, if quoted): the origin
 * of a figure named there, for positioned diagnostics.
 */
export function entryPosition(
  text: string,
  file: string,
  kind: string,
  path: readonly (string | number)[],
): { file: string; line: number; column: number } {
  const doc = parseYamlDocuments(text, file).documents.find(
    (d) => (d.value as { kind?: unknown } | null)?.kind === kind,
  );
  const pos = doc?.locate([...path]) ?? { line: 0, column: 0 };
  const ch = text.split('\n')[pos.line - 1]?.[pos.column - 1] ?? '';
  return { file, line: pos.line, column: pos.column + (ch === '"' || ch === "'" ? 1 : 0) };
}

/** A finding reported by several scenarios (a shared manifest) is shown once. */
export function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = formatDiagnostic(d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
