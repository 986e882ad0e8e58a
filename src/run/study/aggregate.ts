import type { JsonDiagnostic, SimulatedMisconfiguration } from '../../config/analysis/json.js';
import { meanWithCi } from '../../engine/index.js';
import { VERSION } from '../../version.js';
import { type Assertion, compare, parseAssertion } from './assertion.js';
import type { ParamValue } from './patch.js';
import { type StudyPlan, tidy, type UnitOutcome, unitsOf } from './plan.js';

/** A figure over the replications of one point: mean with its 95 % confidence interval. */
export interface FigureSummary {
  mean: number | null;
  /** Half-width of the 95 % Student-t interval (null with one replication). */
  ci95: number | null;
  min: number | null;
  max: number | null;
  /** One value per replication, in replication order. */
  values: (number | null)[];
}

export interface GateResult {
  assertion: string;
  /** The figure the gate compared (the mean over replications). */
  value: number | null;
  ci95: number | null;
  passed: boolean;
  message: string;
}

export interface StudyPointReport {
  index: number;
  values: Record<string, ParamValue>;
  figures: Record<string, FigureSummary>;
}

/** What `run --replications`, `sweep` and `merge` print (JSON as is; text and CSV render it). */
export interface StudyReport {
  meshsim: string;
  kind: StudyPlan['kind'];
  name: string;
  scenario: string;
  design: StudyPlan['design'];
  parameters: string[];
  metrics: string[];
  replications: number;
  seeds: number[];
  durationMs: number | null;
  points: StudyPointReport[];
  gates: GateResult[];
  /** Findings of the checks made before the study on its base inputs (validation and analysis). */
  diagnostics: JsonDiagnostic[];
  /** Present when analysis errors were simulated on purpose (--simulate-misconfig). */
  simulatedMisconfiguration?: SimulatedMisconfiguration;
}

export function summarize(values: readonly (number | null)[]): FigureSummary {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, ci95: null, min: null, max: null, values: [...values] };
  const e = meanWithCi(xs);
  return {
    mean: tidy(e.mean),
    ci95: Number.isFinite(e.halfWidth) ? tidy(e.halfWidth) : null,
    min: Math.min(...xs),
    max: Math.max(...xs),
    values: [...values],
  };
}

/** Checks that `units` are exactly the plan's units, then folds them into the report. */
export function aggregate(plan: StudyPlan, units: readonly UnitOutcome[]): StudyReport {
  const byUnit = new Map<number, UnitOutcome>();
  for (const u of units) {
    if (byUnit.has(u.unit)) throw new Error(`unit ${u.unit} reported twice`);
    byUnit.set(u.unit, u);
  }
  const expected = unitsOf(plan);
  const missing = expected.filter((u) => !byUnit.has(u.unit));
  if (missing.length > 0 || byUnit.size !== expected.length)
    throw new Error(
      `incomplete study: ${missing.length} of ${expected.length} units missing (first: unit ${missing[0]?.unit})`,
    );
  const points = plan.points.map((p) => {
    const figures: Record<string, FigureSummary> = {};
    plan.metrics.forEach((m, mi) => {
      const vals: (number | null)[] = [];
      for (let r = 0; r < plan.replications; r++)
        vals.push(byUnit.get(p.index * plan.replications + r)!.figures[mi] ?? null);
      figures[m] = summarize(vals);
    });
    const values: Record<string, ParamValue> = {};
    plan.parameters.forEach((name, i) => {
      values[name] = p.values[i]!;
    });
    return { index: p.index, values, figures };
  });
  const gates = plan.assertions.map((src) => gateOnMean(src, points[0]?.figures ?? {}));
  return {
    meshsim: VERSION,
    kind: plan.kind,
    name: plan.name,
    scenario: plan.scenario,
    design: plan.design,
    parameters: plan.parameters,
    metrics: plan.metrics,
    replications: plan.replications,
    seeds: plan.seeds,
    durationMs: plan.durationMs,
    points,
    gates,
    diagnostics: plan.diagnostics ?? [],
    ...(plan.simulatedMisconfiguration ? { simulatedMisconfiguration: plan.simulatedMisconfiguration } : {}),
  };
}

/** A gate over replications compares the mean (the interval is shown so CI readers see the noise). */
function gateOnMean(src: string, figures: Record<string, FigureSummary>): GateResult {
  const a = parseAssertion(src);
  if (!a.ok) return { assertion: src, value: null, ci95: null, passed: false, message: a.error.message };
  const key = metricKey(a.value);
  const f = figures[key];
  const value = f?.mean ?? null;
  return gateResult(a.value, value, f?.ci95 ?? null, value === null ? `no value for ${key}` : undefined);
}

export function metricKey(a: Assertion): string {
  return `${a.metric.fn}(${a.metric.args.join(', ')})`;
}

export function gateResult(
  a: Assertion,
  value: number | null,
  ci95: number | null,
  error?: string,
): GateResult {
  const passed = value !== null && compare(value, a.op, a.threshold);
  const shown = value === null ? 'n/a' : String(tidy(value));
  const message =
    error ??
    `${metricKey(a)} = ${shown}${ci95 !== null ? ` ± ${tidy(ci95)}` : ''}, ${passed ? 'meets' : 'violates'} ${a.op} ${a.threshold}`;
  return { assertion: a.source, value, ci95, passed, message };
}
