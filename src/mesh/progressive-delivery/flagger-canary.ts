import type { CanaryConfig, CanaryMetricConfig } from '../../config/resolve/rollout-types.js';
import type { PromValue } from './promql-eval.js';
import type { ControllerHost } from './reconcile-loop.js';
import { withWeights } from './route-weights.js';
import type { Decision, MetricCheck, Verdict } from './timeline.js';

/** Flagger's Canary phases (pkg/apis/flagger/v1beta1 status.go CanaryPhase) that the model goes through. */
export enum CanaryPhase {
  Initialized = 'Initialized',
  Progressing = 'Progressing',
  Promoting = 'Promoting',
  Finalising = 'Finalising',
  Succeeded = 'Succeeded',
  Failed = 'Failed',
}

const TOTAL_WEIGHT = 100;

/**
 * Flagger's canary scheduler for one Canary, reconciled every `analysis.interval` (pkg/controller/
 * scheduler.go advanceCanary, as an early-return ladder in the same order). The new revision is already
 * deployed when the run starts: the first tick detects it (Initialized → Progressing), the next one starts
 * the analysis at weight 0 (no metrics: nothing is routed to the canary yet), and every tick after it runs
 * the metric checks. A failed check adds one to failedChecks and holds the weight; once failedChecks
 * reaches `threshold` the next tick rolls back (100 % to primary, Failed). Passing checks advance the
 * weight by stepWeight (or to the next stepWeights entry) while it is below maxWeight; at or above it the
 * canary is promoted (its spec copied to the primary), then all traffic is routed to the primary
 * (Finalising), then the rollout Succeeded.
 *
 * NOTE: simplification: webhooks (pre-rollout, rollout, confirm-*) pass at once, the readiness checks of
 * both Deployments pass, the primary's rolling update after Promote is instant, and the canary keeps its
 * pods after promotion or rollback (Flagger scales it to zero).
 */
export class FlaggerCanaryController {
  phase = CanaryPhase.Initialized;
  canaryWeight = 0;
  failedChecks = 0;
  iterations = 0;
  ticks = 0;
  finishedAtMs: number | null = null;
  readonly decisions: Decision[] = [];

  constructor(
    readonly config: CanaryConfig,
    private readonly host: ControllerHost,
  ) {}

  private get name(): string {
    return `${this.config.meta.name}.${this.config.meta.namespace}`;
  }

  /** One tick of the Canary's job; returns the delay to the next one, or null when the rollout is over. */
  reconcile(nowMs: number): number | null {
    const c = this.config;
    this.ticks++;
    if (this.phase === CanaryPhase.Succeeded || this.phase === CanaryPhase.Failed) return null;
    if (this.phase === CanaryPhase.Initialized) {
      // checkCanaryStatus: shouldAdvance (the target changed) → Progressing, and return.
      this.phase = CanaryPhase.Progressing;
      this.record(
        nowMs,
        'start',
        [],
        `New revision detected! Scaling up ${c.target.split('/')[1]}.${c.meta.namespace}`,
      );
      return c.intervalMs;
    }
    if (c.skipAnalysis) {
      // shouldSkipAnalysis: route everything to the primary, promote, Succeeded.
      this.setRoutes(TOTAL_WEIGHT, 0);
      this.host.rollOut(c.target, c.primary);
      return this.finish(
        nowMs,
        CanaryPhase.Succeeded,
        'succeeded',
        `Promotion completed! Canary analysis was skipped for ${this.name}`,
      );
    }
    if (this.phase === CanaryPhase.Promoting) return this.promotionTrafficShift(nowMs);
    if (this.phase === CanaryPhase.Finalising)
      return this.finish(
        nowMs,
        CanaryPhase.Succeeded,
        'succeeded',
        `Promotion completed! Scaling down ${this.name}`,
      );
    if (this.failedChecks >= c.threshold) {
      this.setRoutes(TOTAL_WEIGHT, 0);
      return this.finish(
        nowMs,
        CanaryPhase.Failed,
        'rollback',
        `Rolling back ${this.name} failed checks threshold reached ${this.failedChecks}; Canary failed!`,
      );
    }
    if (this.canaryWeight === 0 && this.iterations === 0) {
      // The analysis starts: nothing has reached the canary, so no metric is checked on this tick.
      this.record(nowMs, 'start', [], `Starting canary analysis for ${this.name}`);
      if (c.strategy === 'ab-testing') this.setRoutes(0, TOTAL_WEIGHT);
    } else {
      const checks = this.runAnalysis();
      const failed = checks.find((m) => m.verdict !== 'pass');
      if (failed !== undefined) {
        this.failedChecks++;
        this.record(nowMs, 'hold', checks, haltMessage(this.name, failed, c.metrics));
        return c.intervalMs;
      }
      if (c.strategy === 'ab-testing') return this.runAB(nowMs, checks);
      return this.runCanary(nowMs, checks);
    }
    if (c.strategy === 'ab-testing') return this.runAB(nowMs, []);
    return this.runCanary(nowMs, []);
  }

  /** runCanary: advance the weight while under maxWeight, else promote. */
  private runCanary(nowMs: number, checks: MetricCheck[]): number {
    const c = this.config;
    const step = this.nextStepWeight();
    if (step <= 0) {
      this.record(nowMs, 'hold', checks, 'no step weight: the canary stays at its weight');
      return c.intervalMs;
    }
    if (this.canaryWeight < this.maxWeight()) {
      this.canaryWeight = Math.min(TOTAL_WEIGHT, this.canaryWeight + step);
      this.setRoutes(Math.max(0, TOTAL_WEIGHT - this.canaryWeight), this.canaryWeight);
      this.record(nowMs, 'advance', checks, `Advance ${this.name} canary weight ${this.canaryWeight}`);
      return c.intervalMs;
    }
    return this.promote(nowMs, checks);
  }

  /** runAB: count iterations with the matched traffic on the canary, then promote. */
  private runAB(nowMs: number, checks: MetricCheck[]): number {
    const c = this.config;
    if (c.iterations > this.iterations) {
      this.iterations++;
      this.canaryWeight = TOTAL_WEIGHT;
      this.record(
        nowMs,
        'advance',
        checks,
        `Advance ${this.name} canary iteration ${this.iterations}/${c.iterations}`,
      );
      return c.intervalMs;
    }
    return this.promote(nowMs, checks);
  }

  private promote(nowMs: number, checks: MetricCheck[]): number {
    const c = this.config;
    this.host.rollOut(c.target, c.primary);
    this.phase = CanaryPhase.Promoting;
    this.record(
      nowMs,
      'promote',
      checks,
      `Copying ${c.target.split('/')[1]}.${c.meta.namespace} template spec to ${c.primary.split('/')[1]}.${c.meta.namespace}`,
    );
    return c.intervalMs;
  }

  /** runPromotionTrafficShift: all traffic to the primary at once, or by stepWeightPromotion. */
  private promotionTrafficShift(nowMs: number): number {
    const c = this.config;
    if (c.stepWeightPromotion === 0 || this.canaryWeight <= c.stepWeightPromotion) {
      this.canaryWeight = 0;
      this.setRoutes(TOTAL_WEIGHT, 0);
      this.phase = CanaryPhase.Finalising;
      this.record(nowMs, 'finalise', [], 'Routing all traffic to primary');
      return c.intervalMs;
    }
    this.canaryWeight -= c.stepWeightPromotion;
    this.setRoutes(TOTAL_WEIGHT - this.canaryWeight, this.canaryWeight);
    this.record(
      nowMs,
      'finalise',
      [],
      `Advance ${this.name} primary weight ${TOTAL_WEIGHT - this.canaryWeight}`,
    );
    return c.intervalMs;
  }

  private finish(nowMs: number, phase: CanaryPhase, verdict: Verdict, message: string): null {
    this.phase = phase;
    this.canaryWeight = 0;
    this.finishedAtMs = nowMs;
    this.record(nowMs, verdict, [], message);
    return null;
  }

  /** scheduler.go maxWeight: the last stepWeights entry, else maxWeight, else 100. */
  maxWeight(): number {
    const c = this.config;
    if (c.stepWeights.length > 0) return Math.min(TOTAL_WEIGHT, c.stepWeights[c.stepWeights.length - 1]!);
    return c.maxWeight > 0 ? c.maxWeight : TOTAL_WEIGHT;
  }

  /** scheduler.go nextStepWeight. */
  nextStepWeight(): number {
    const c = this.config;
    const w = this.canaryWeight;
    if (c.stepWeight > 0 || c.stepWeights.length === 0) return c.stepWeight;
    const maxStep = TOTAL_WEIGHT - w;
    if (maxStep === 0) return 1;
    if (w === 0) return Math.min(maxStep, c.stepWeights[0]!);
    for (let i = 0; i < c.stepWeights.length - 1; i++)
      if (c.stepWeights[i] === w) return Math.min(maxStep, c.stepWeights[i + 1]! - w);
    return maxStep;
  }

  /** runBuiltinMetricChecks then runMetricChecks: in order, stopping at the first failure. */
  private runAnalysis(): MetricCheck[] {
    const out: MetricCheck[] = [];
    for (const m of this.config.metrics) {
      const check = evaluateCheck(m, this.host.query(m.query));
      out.push(check);
      if (check.verdict !== 'pass') break;
    }
    return out;
  }

  private setRoutes(primaryWeight: number, canaryWeight: number): void {
    const c = this.config;
    const ab = c.strategy === 'ab-testing';
    this.host.editVirtualServices((vss) =>
      withWeights(
        vss,
        c.virtualService,
        (http) => (ab ? [0] : http.map((_, i) => i)),
        (d) =>
          d.destination.host === c.primaryHost
            ? primaryWeight
            : d.destination.host === c.canaryHost
              ? canaryWeight
              : undefined,
      ),
    );
  }

  private record(nowMs: number, verdict: Verdict, metrics: MetricCheck[], message: string): void {
    this.decisions.push({
      timeMs: nowMs,
      step: this.ticks,
      weight: this.canaryWeight,
      phase: this.phase,
      verdict,
      metrics,
      message,
      failedChecks: this.failedChecks,
    });
  }
}

/**
 * One metric check as scheduler_metrics.go makes it: the Prometheus provider's value is the query's last
 * sample (pkg/metrics/providers/prometheus.go RunQuery; none or NaN = ErrNoValuesFound, a failed check);
 * request-duration is truncated to whole ms before the comparison; thresholdRange min / max exclusive of
 * failure (`val < min` or `val > max` fails).
 */
export function evaluateCheck(m: CanaryMetricConfig, v: PromValue): MetricCheck {
  const raw =
    v.kind === 'scalar'
      ? v.value
      : v.samples.length > 0
        ? v.samples[v.samples.length - 1]!.value
        : Number.NaN;
  if (Number.isNaN(raw)) return { name: m.name, value: null, verdict: 'no-data' };
  const value = m.kind === 'request-duration' ? Math.trunc(raw) : raw;
  const fail = (m.min !== undefined && value < m.min) || (m.max !== undefined && value > m.max);
  return { name: m.name, value: round(value), verdict: fail ? 'fail' : 'pass' };
}

function haltMessage(name: string, failed: MetricCheck, metrics: readonly CanaryMetricConfig[]): string {
  const m = metrics.find((x) => x.name === failed.name);
  if (failed.verdict === 'no-data')
    return `Halt advancement no values found for istio metric ${failed.name} probably ${name} is not receiving traffic`;
  const v = failed.value ?? 0;
  if (m?.kind === 'request-success-rate')
    return `Halt ${name} advancement success rate ${v.toFixed(2)}% < ${m.min}%`;
  if (m?.kind === 'request-duration') return `Halt ${name} advancement request duration ${v}ms > ${m.max}ms`;
  const bound = m?.min !== undefined && v < m.min ? `< ${m.min}` : `> ${m?.max}`;
  return `Halt ${name} advancement ${failed.name} ${v.toFixed(2)} ${bound}`;
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
}
