import type { Background } from './background.js';
import type { JsonDiagnostic, SimulatedMisconfiguration } from '../../config/analysis/json.js';
import type { Scenario } from '../../config/scenario/index.js';
import type { MeshConfig } from '../../config/types.js';
import { defaultRolloutMetrics } from '../progressive-delivery/rollout-metrics.js';
import { formatMetricCall } from './metric-functions.js';
import { parseMetric } from './assertion.js';
import type { ParamValue } from './patch.js';
import { fingerprint, type StudyPlan } from './plan.js';

/**
 * The figures a study reports when it names none: per client success rate, p50/p99 and requests; per
 * service the retry amplification; the response flags of overflow, retry exhaustion and no healthy
 * upstream; ejections, and healthy pods ejected.
 */
export function defaultMetrics(scenario: Scenario, config: MeshConfig): string[] {
  const out: string[] = [];
  for (const t of scenario.traffic)
    out.push(`success_rate(${t.name})`, `p50(${t.name})`, `p99(${t.name})`, `requests(${t.name})`);
  const shortNames = config.services.map((s) => s.fqdn.split('.')[0]!);
  for (const s of config.services) {
    const short = s.fqdn.split('.')[0]!;
    const unique = shortNames.filter((n) => n === short).length === 1;
    out.push(`amplification(${unique ? short : s.fqdn})`);
  }
  out.push('count(UO)', 'count(URX)', 'count(UH)', 'ejections()', 'ejected_healthy()');
  out.push(...defaultRolloutMetrics(config));
  return out;
}

/** Canonical spelling of metric calls (`p99( a )` -> `p99(a)`), so keys match whatever the spacing. */
export function canonicalMetrics(list: readonly string[]): { metrics: string[]; errors: string[] } {
  const metrics: string[] = [];
  const errors: string[] = [];
  for (const m of list) {
    const p = parseMetric(m);
    if (!p.ok) errors.push(`metric "${m}": column ${p.error.column}: ${p.error.message}`);
    else {
      const key = formatMetricCall(p.value);
      if (!metrics.includes(key)) metrics.push(key);
    }
  }
  return { metrics, errors };
}

export interface PlanInput {
  kind: StudyPlan['kind'];
  name: string;
  scenario: string;
  parameters: string[];
  design: StudyPlan['design'];
  points: ParamValue[][];
  replications: number;
  baseSeed: number;
  durationMs: number | null;
  metrics: string[];
  assertions: string[];
  inputsFingerprint: string;
  /** Findings on the base inputs; kept in the plan only when there are any (clean plans are unchanged). */
  diagnostics?: JsonDiagnostic[];
  simulatedMisconfiguration?: SimulatedMisconfiguration;
  background?: Background;
  /** `--istio-version`; kept in the plan only when given (plans without it are unchanged). */
  istioVersion?: string;
}

/** Replication r uses seed baseSeed + r at every point (common random numbers across points). */
export function makePlan(p: PlanInput): StudyPlan {
  const plan: StudyPlan = {
    kind: p.kind,
    name: p.name,
    scenario: p.scenario,
    parameters: p.parameters,
    design: p.design,
    points: p.points.map((values, index) => ({ index, values })),
    replications: p.replications,
    seeds: Array.from({ length: p.replications }, (_, r) => p.baseSeed + r),
    durationMs: p.durationMs,
    metrics: p.metrics,
    assertions: p.assertions,
    fingerprint: '',
    ...(p.diagnostics !== undefined && p.diagnostics.length > 0 ? { diagnostics: p.diagnostics } : {}),
    ...(p.simulatedMisconfiguration ? { simulatedMisconfiguration: p.simulatedMisconfiguration } : {}),
    ...(p.background ? { background: p.background } : {}),
    ...(p.istioVersion !== undefined ? { istioVersion: p.istioVersion } : {}),
  };
  plan.fingerprint = fingerprint([p.inputsFingerprint, JSON.stringify(plan)]);
  return plan;
}
