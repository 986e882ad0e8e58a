import { stringify } from 'yaml';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../config/diagnostics.js';
import { manifestDocuments } from './manifests-out.js';
import { buildModel, type CalibratedModel, type Reporter } from './model.js';
import { parsePrometheusJson } from './parse-json.js';
import { parseExposition } from './parse-text.js';
import { toRates } from './rates.js';
import { calibrationReport, calibrationTable } from './report.js';
import { scenarioDocument } from './scenario-out.js';
import type { ParsedInput } from './series.js';

export interface CalibrateInput {
  file: string;
  text: string;
}

export interface CalibrateOptions {
  reporter?: Reporter;
  /** The span that counter totals without timestamps cover (--window). */
  windowMs?: number;
  name?: string;
  /** Where the manifests go, relative to the scenario file; undefined: inline, after the scenario. */
  manifestsPath?: string;
}

export interface Calibration {
  diagnostics: Diagnostic[];
  /** Undefined when the inputs have errors. */
  model?: CalibratedModel;
  scenarioYaml?: string;
  manifestsYaml?: string;
  report?: Record<string, unknown>;
  table?: string;
}

const WARMUP_MS = 5_000;
const DEFAULT_WINDOW_MS = 60_000;
const MAX_WINDOW_MS = 3_600_000;

/** Detects each file's format: a JSON document (Prometheus' HTTP API) or exposition text. */
export function parseInput(input: CalibrateInput): ParsedInput {
  return /^\s*[[{]/.test(input.text.slice(0, 256))
    ? parsePrometheusJson(input.file, input.text)
    : parseExposition(input.file, input.text);
}

/**
 * `meshsim calibrate`: Prometheus data in, a scenario (and manifests) out. Pure: the caller reads and
 * writes files. The run lasts the observed window (1 s to 1 h, 60 s when unknown) after a 5 s warm-up.
 */
export function calibrate(inputs: readonly CalibrateInput[], o: CalibrateOptions = {}): Calibration {
  const parsed = inputs.map((i) => ({ file: i.file, parsed: parseInput(i) }));
  const diagnostics = parsed.flatMap((p) => p.parsed.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  const rated = toRates(parsed, o.windowMs);
  diagnostics.push(...rated.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  const model = buildModel(rated, o.reporter ?? 'destination');
  diagnostics.push(...model.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  if (model.generators.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'MSIM3186',
      message:
        'no traffic source: every source workload is also a destination (a cycle), so no load generator can be derived',
      file: '<inputs>',
      line: 0,
      column: 0,
    });
    return { diagnostics: sortDiagnostics(diagnostics) };
  }
  const windowMs = Math.min(
    MAX_WINDOW_MS,
    Math.max(1000, Math.round((model.windowS ?? DEFAULT_WINDOW_MS / 1000) * 1000)),
  );
  const manifests = manifestDocuments(model);
  const scenario = scenarioDocument(model, {
    name: o.name ?? 'calibrated',
    manifests: o.manifestsPath !== undefined ? [o.manifestsPath] : [],
    durationMs: Math.ceil((WARMUP_MS + windowMs) / 1000) * 1000,
    warmupMs: WARMUP_MS,
  });
  const header =
    `# Calibrated by meshsim calibrate from ${inputs.map((i) => i.file).join(', ')} (reporter="${model.reporter}").\n` +
    '# Latencies are fitted to the duration histograms, rates and calls to istio_requests_total (docs/calibration.md).\n';
  const manifestsYaml = manifests.map((d) => stringify(d)).join('---\n');
  const scenarioYaml =
    header + stringify(scenario) + (o.manifestsPath === undefined ? `---\n${manifestsYaml}` : '');
  return {
    diagnostics: sortDiagnostics(diagnostics),
    model,
    scenarioYaml,
    manifestsYaml,
    report: calibrationReport(model),
    table: calibrationTable(model),
  };
}
