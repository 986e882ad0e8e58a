import type { ConditionExpr } from '../../config/resolve/argo-rollouts-condition.js';
import type { AnalysisMetricConfig, AnalysisRunConfig } from '../../config/resolve/rollout-types.js';
import type { PromValue } from './promql-eval.js';
import type { ControllerHost } from './reconcile-loop.js';
import type { MetricCheck, MetricVerdict } from './timeline.js';

/** Argo's AnalysisPhase (pkg/apis/rollouts/v1alpha1 analysis_types.go). */
export enum AnalysisPhase {
  Pending = 'Pending',
  Running = 'Running',
  Successful = 'Successful',
  Failed = 'Failed',
  Error = 'Error',
  Inconclusive = 'Inconclusive',
}

const COMPLETED = new Set([
  AnalysisPhase.Successful,
  AnalysisPhase.Failed,
  AnalysisPhase.Error,
  AnalysisPhase.Inconclusive,
]);

interface MetricState {
  config: AnalysisMetricConfig;
  phase: AnalysisPhase;
  count: number;
  failed: number;
  inconclusive: number;
  consecutiveError: number;
  consecutiveSuccess: number;
  nextAtMs: number | null;
}

/**
 * One AnalysisRun: each metric measures at start + initialDelay, then every `interval` until `count`
 * measurements (none and no interval: one); each measurement is judged by evaluate.go EvaluateResult
 * and the metric by analysis.go assessMetricStatus: Failed once failed > failureLimit (-1: never),
 * Inconclusive once inconclusive > inconclusiveLimit, Error once consecutive errors > consecutiveErrorLimit,
 * Successful at consecutiveSuccessLimit or when count is reached. The run is the worst of its metrics
 * (dry-run metrics excluded); a run without a count ends Successful when terminated.
 */
export class AnalysisRun {
  readonly metrics: MetricState[];
  phase = AnalysisPhase.Running;

  constructor(
    readonly config: AnalysisRunConfig,
    startMs: number,
  ) {
    this.metrics = config.metrics.map((m) => ({
      config: m,
      phase: AnalysisPhase.Pending,
      count: 0,
      failed: 0,
      inconclusive: 0,
      consecutiveError: 0,
      consecutiveSuccess: 0,
      nextAtMs: startMs + m.initialDelayMs,
    }));
    if (this.metrics.length === 0) this.phase = AnalysisPhase.Successful;
  }

  /** The next instant a measurement is due (null: none). */
  nextAtMs(): number | null {
    if (this.phase !== AnalysisPhase.Running) return null;
    let t: number | null = null;
    for (const m of this.metrics) if (m.nextAtMs !== null && (t === null || m.nextAtMs < t)) t = m.nextAtMs;
    return t;
  }

  /** Takes every measurement due at `nowMs`; returns them for the timeline. */
  measure(nowMs: number, host: ControllerHost): MetricCheck[] {
    const out: MetricCheck[] = [];
    for (const m of this.metrics) {
      if (m.nextAtMs === null || m.nextAtMs > nowMs) continue;
      const c = m.config;
      const v = c.query === undefined ? undefined : host.query(c.query);
      const { verdict, value } = v === undefined ? { verdict: 'pass' as const, value: null } : judge(c, v);
      m.count++;
      if (verdict === 'fail') m.failed++;
      if (verdict === 'inconclusive') m.inconclusive++;
      m.consecutiveError = verdict === 'error' ? m.consecutiveError + 1 : 0;
      m.consecutiveSuccess = verdict === 'pass' ? m.consecutiveSuccess + 1 : 0;
      m.phase = assess(m);
      m.nextAtMs = COMPLETED.has(m.phase) || c.intervalMs === null ? null : nowMs + c.intervalMs;
      out.push({ name: c.name, value, verdict });
    }
    this.phase = this.runPhase(false);
    return out;
  }

  /** The rollout no longer needs the run (it completed its steps or aborted). */
  terminate(): AnalysisPhase {
    for (const m of this.metrics) {
      m.nextAtMs = null;
      if (!COMPLETED.has(m.phase)) m.phase = AnalysisPhase.Successful;
    }
    this.phase = this.runPhase(true);
    return this.phase;
  }

  /** analysis.go assessRunStatus: the worst metric phase, dry-run metrics aside. */
  private runPhase(terminating: boolean): AnalysisPhase {
    const live = this.metrics.filter((m) => !m.config.dryRun);
    for (const p of [AnalysisPhase.Failed, AnalysisPhase.Error, AnalysisPhase.Inconclusive])
      if (live.some((m) => m.phase === p)) return p;
    if (live.every((m) => m.phase === AnalysisPhase.Successful) || terminating)
      return AnalysisPhase.Successful;
    return AnalysisPhase.Running;
  }
}

function assess(m: MetricState): AnalysisPhase {
  const c = m.config;
  if (c.failureLimit >= 0 && m.failed > c.failureLimit) return AnalysisPhase.Failed;
  if (m.inconclusive > c.inconclusiveLimit) return AnalysisPhase.Inconclusive;
  if (m.consecutiveError > c.consecutiveErrorLimit) return AnalysisPhase.Error;
  if (c.consecutiveSuccessLimit > 0 && m.consecutiveSuccess >= c.consecutiveSuccessLimit)
    return AnalysisPhase.Successful;
  if (c.count !== null && m.count >= c.count) {
    const failureApplicable = c.failureLimit >= 0;
    if (c.consecutiveSuccessLimit > 0)
      return failureApplicable ? AnalysisPhase.Inconclusive : AnalysisPhase.Failed;
    return AnalysisPhase.Successful;
  }
  return AnalysisPhase.Running;
}

type CondValue = number | boolean | number[];

/**
 * evaluate.go EvaluateResult over the provider's result (a vector: the list of its sample values; a
 * scalar: the number): no condition succeeds; only successCondition fails when it is false; only
 * failureCondition succeeds when it is false; both: neither true is Inconclusive. An evaluation error
 * (an empty result indexed, a type mismatch) is a measurement Error.
 */
export function judge(
  c: AnalysisMetricConfig,
  v: PromValue,
): { verdict: MetricVerdict; value: number | null } {
  const result: number | number[] = v.kind === 'scalar' ? v.value : v.samples.map((s) => s.value);
  const first = Array.isArray(result) ? result[0] : result;
  const value = first === undefined || Number.isNaN(first) ? null : Math.round(first * 1e6) / 1e6;
  try {
    const ok = c.successCondition ? truthy(evalCond(c.successCondition, result)) : undefined;
    const bad = c.failureCondition ? truthy(evalCond(c.failureCondition, result)) : undefined;
    if (ok === undefined && bad === undefined) return { verdict: 'pass', value };
    const failed = bad ?? !ok;
    const succeeded = ok ?? !bad;
    if (failed) return { verdict: 'fail', value };
    return { verdict: succeeded ? 'pass' : 'inconclusive', value };
  } catch {
    return { verdict: 'error', value };
  }
}

function truthy(v: CondValue): boolean {
  if (typeof v !== 'boolean') throw new Error('condition did not return a boolean');
  return v;
}

function num(v: CondValue): number {
  if (typeof v !== 'number') throw new Error('expected a number');
  return v;
}

function evalCond(e: ConditionExpr, result: number | number[]): CondValue {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'bool':
      return e.value;
    case 'result': {
      if (e.index === undefined) return result;
      if (!Array.isArray(result) || e.index >= result.length) throw new Error('index out of range');
      return result[e.index]!;
    }
    case 'not':
      return !truthy(evalCond(e.expr, result));
    case 'fn': {
      // default(x, d): d when x cannot be evaluated (expr-lang's builtin for a nil x).
      if (e.name === 'default') {
        try {
          return evalCond(e.args[0]!, result);
        } catch {
          return evalCond(e.args[1]!, result);
        }
      }
      const a = evalCond(e.args[0]!, result);
      if (e.name === 'len') {
        if (!Array.isArray(a)) throw new Error('len of a non-list');
        return a.length;
      }
      if (e.name === 'isNaN') return Number.isNaN(num(a));
      return !Number.isFinite(num(a)) && !Number.isNaN(num(a));
    }
    case 'bin': {
      if (e.op === '&&') return truthy(evalCond(e.lhs, result)) && truthy(evalCond(e.rhs, result));
      if (e.op === '||') return truthy(evalCond(e.lhs, result)) || truthy(evalCond(e.rhs, result));
      const l = num(evalCond(e.lhs, result));
      const r = num(evalCond(e.rhs, result));
      switch (e.op) {
        case '>=':
          return l >= r;
        case '<=':
          return l <= r;
        case '>':
          return l > r;
        case '<':
          return l < r;
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        default:
          return l / r;
      }
    }
  }
}
