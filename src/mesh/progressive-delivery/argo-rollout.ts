import type { RolloutConfig } from '../../config/resolve/rollout-types.js';
import { AnalysisPhase, AnalysisRun } from './analysis-run.js';
import type { ControllerHost } from './reconcile-loop.js';
import { namedRoutes, withWeights } from './route-weights.js';
import type { Decision, MetricCheck, Verdict } from './timeline.js';

/** The Rollout's status as `kubectl argo rollouts get` shows it (pkg/apis/rollouts/v1alpha1 RolloutPhase). */
export enum RolloutPhase {
  Progressing = 'Progressing',
  Paused = 'Paused',
  Healthy = 'Healthy',
  Degraded = 'Degraded',
}

/**
 * The Argo Rollouts canary controller for one Rollout (rollout/canary.go rolloutCanary,
 * syncRolloutStatusCanary; utils/replicaset/canary.go GetCurrentSetWeight). The update is applied when the
 * run starts; steps run in order: setWeight sets the VirtualService weights and completes, pause waits its
 * duration (none: paused until promoted by hand, which the run never does), analysis starts an
 * AnalysisRun and waits for it (Successful: next step; Failed or Error: abort; Inconclusive: pause).
 * A background analysis (strategy.canary.analysis) starts once the step index reaches startingStep and
 * aborts the rollout whenever it fails. After the last step the canary is promoted: the stable ReplicaSet
 * becomes the new version and the canary weight returns to 0. Abort sets the weight to 0 (Degraded).
 *
 * NOTE: simplification: the controller reacts at the instant a step or measurement completes (no
 * informer resync or requeue delay); promotion switches the stable pods to the new version at once.
 */
export class ArgoRolloutController {
  phase = RolloutPhase.Progressing;
  stepIndex = 0;
  weight = 0;
  finishedAtMs: number | null = null;
  readonly decisions: Decision[] = [];
  private pauseUntilMs: number | null = null;
  private stepRun: AnalysisRun | null = null;
  private background: AnalysisRun | null = null;

  constructor(
    readonly config: RolloutConfig,
    private readonly host: ControllerHost,
  ) {}

  /** Runs the rollout as far as it can go now; returns when to look again (null: nothing to wait for). */
  reconcile(nowMs: number): number | null {
    if (this.phase === RolloutPhase.Healthy || this.phase === RolloutPhase.Degraded) return null;
    const measured = this.measure(nowMs);
    if (this.background?.phase === AnalysisPhase.Failed || this.background?.phase === AnalysisPhase.Error)
      return this.abort(nowMs, measured, `background analysis ${this.background.phase}`);
    const steps = this.config.steps;
    while (this.stepIndex < steps.length) {
      this.startBackground(nowMs);
      const step = steps[this.stepIndex]!;
      if (step.kind === 'setWeight') {
        this.weight = step.weight;
        this.setWeight(step.weight);
        this.record(
          nowMs,
          'advance',
          [],
          `Step ${this.stepIndex + 1}/${steps.length}: set canary weight ${step.weight}`,
        );
      } else if (step.kind === 'pause') {
        if (step.durationMs === null) {
          if (this.phase !== RolloutPhase.Paused) {
            this.phase = RolloutPhase.Paused;
            this.record(
              nowMs,
              'paused-indefinitely',
              [],
              `Step ${this.stepIndex + 1}/${steps.length}: paused until promoted`,
            );
          }
          return this.nextWake(nowMs);
        }
        if (this.pauseUntilMs === null) {
          this.pauseUntilMs = nowMs + step.durationMs;
          this.record(
            nowMs,
            'pause',
            [],
            `Step ${this.stepIndex + 1}/${steps.length}: pause ${step.durationMs / 1000}s`,
          );
        }
        if (nowMs < this.pauseUntilMs) return this.nextWake(nowMs);
        this.pauseUntilMs = null;
      } else if (step.kind === 'analysis') {
        if (this.stepRun === null) {
          this.stepRun = new AnalysisRun(step.run, nowMs);
          this.record(
            nowMs,
            'measure',
            [],
            `Step ${this.stepIndex + 1}/${steps.length}: analysis ${step.run.templates.join(', ')} started`,
          );
          this.measure(nowMs);
        }
        const p = this.stepRun.phase;
        if (p === AnalysisPhase.Running || p === AnalysisPhase.Pending) return this.nextWake(nowMs);
        this.stepRun = null;
        if (p === AnalysisPhase.Failed || p === AnalysisPhase.Error)
          return this.abort(nowMs, [], `analysis step ${p}`);
        if (p === AnalysisPhase.Inconclusive) {
          this.phase = RolloutPhase.Paused;
          this.record(
            nowMs,
            'paused-indefinitely',
            [],
            `Step ${this.stepIndex + 1}/${steps.length}: analysis Inconclusive: paused`,
          );
          return this.nextWake(nowMs);
        }
      }
      this.stepIndex++;
    }
    // Every step completed: the canary becomes stable (its weight back to 0), background analysis stops.
    const bg = this.background?.terminate();
    if (bg === AnalysisPhase.Failed || bg === AnalysisPhase.Error)
      return this.abort(nowMs, measured, `background analysis ${bg}`);
    this.host.rollOut(this.config.canaryWorkload, this.config.stableWorkload);
    this.weight = 0;
    this.setWeight(0);
    this.phase = RolloutPhase.Healthy;
    this.finishedAtMs = nowMs;
    this.record(nowMs, 'succeeded', [], 'Rollout completed: the canary is the new stable');
    return null;
  }

  private startBackground(nowMs: number): void {
    const bg = this.config.background;
    if (bg !== undefined && this.background === null && this.stepIndex >= bg.startingStep) {
      this.background = new AnalysisRun(bg.run, nowMs);
      this.record(nowMs, 'measure', [], `background analysis ${bg.run.templates.join(', ')} started`);
    }
  }

  /** Measurements due now, of the step's run and the background run. */
  private measure(nowMs: number): MetricCheck[] {
    const out: MetricCheck[] = [];
    for (const run of [this.stepRun, this.background]) {
      if (run === null || run.phase !== AnalysisPhase.Running) continue;
      const m = run.measure(nowMs, this.host);
      if (m.length > 0) {
        out.push(...m);
        this.record(
          nowMs,
          'measure',
          m,
          `${run === this.background ? 'background ' : ''}analysis ${run.config.templates.join(', ')}: ${m.map((x) => `${x.name}=${x.value ?? 'none'} ${x.verdict}`).join(', ')} (run ${run.phase})`,
        );
      }
    }
    return out;
  }

  private nextWake(nowMs: number): number | null {
    const times = [
      this.pauseUntilMs,
      this.stepRun?.nextAtMs() ?? null,
      this.background?.nextAtMs() ?? null,
    ].filter((t): t is number => t !== null);
    return times.length === 0 ? null : Math.max(0, Math.min(...times) - nowMs);
  }

  private abort(nowMs: number, measured: MetricCheck[], why: string): null {
    this.stepRun?.terminate();
    this.background?.terminate();
    this.weight = 0;
    this.setWeight(0);
    this.phase = RolloutPhase.Degraded;
    this.finishedAtMs = nowMs;
    this.record(nowMs, 'abort', measured, `Rollout aborted (${why}): canary weight 0`);
    return null;
  }

  private setWeight(canary: number): void {
    const c = this.config;
    const split = c.split;
    const of = (d: { destination: { host: string; subset?: string } }): number | undefined => {
      if (split.kind === 'subset')
        return d.destination.subset === split.canarySubset
          ? canary
          : d.destination.subset === split.stableSubset
            ? 100 - canary
            : undefined;
      return d.destination.host === split.canaryHost
        ? canary
        : d.destination.host === split.stableHost
          ? 100 - canary
          : undefined;
    };
    this.host.editVirtualServices((vss) =>
      c.virtualServices.reduce((acc, ref) => withWeights(acc, ref, namedRoutes(ref.routes), of), vss),
    );
  }

  private record(nowMs: number, verdict: Verdict, metrics: MetricCheck[], message: string): void {
    this.decisions.push({
      timeMs: nowMs,
      step: this.stepIndex,
      weight: this.weight,
      phase: this.phase,
      verdict,
      metrics,
      message,
    });
  }
}
