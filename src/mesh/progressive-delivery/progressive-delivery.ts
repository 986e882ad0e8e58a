import type { PromExpr } from '../../config/resolve/rollout-promql.js';
import type { VirtualServiceConfig } from '../../config/types.js';
import { ISTIO_DURATION_BUCKETS_MS } from '../recorder.js';
import type { World } from '../world.js';
import { ArgoRolloutController } from './argo-rollout.js';
import { FlaggerCanaryController } from './flagger-canary.js';
import { PrometheusScrapes, type ScrapedSeries } from './prometheus-scrapes.js';
import { bucketQuantile, evaluatePromQL, type PromValue } from './promql-eval.js';
import { type ControllerHost, ReconcileLoop } from './reconcile-loop.js';
import type { ControllerResult, RolloutImpact } from './timeline.js';

/** Istio's Prometheus addon scrapes every 15 s (samples/addons/prometheus.yaml `scrape_interval`). */
export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;

/**
 * The progressive-delivery controllers of one run and the Prometheus they query: scrapes of the
 * recorder's Istio series at fixed instants (scheduled before any controller event, so a scrape and a
 * reconcile at the same instant see the scrape), one reconcile loop per Canary or Rollout. Started by
 * the run (run/run-scenario.ts buildRun); `result()` is plain data for the Result.
 */
export class ProgressiveDelivery implements ControllerHost {
  readonly scrapes: PrometheusScrapes;
  readonly canaries: FlaggerCanaryController[] = [];
  readonly rollouts: ArgoRolloutController[] = [];

  constructor(
    private readonly world: World,
    scrapeIntervalMs = DEFAULT_SCRAPE_INTERVAL_MS,
  ) {
    this.scrapes = new PrometheusScrapes(scrapeIntervalMs);
    const pd = world.opts.config.progressiveDelivery;
    for (let t = scrapeIntervalMs; t <= world.drainLimitMs; t += scrapeIntervalMs)
      world.sim.scheduleAt(t, ProgressiveDelivery.scrape, this);
    for (const c of pd?.canaries ?? []) {
      const ctl = new FlaggerCanaryController(c, this);
      this.canaries.push(ctl);
      // Flagger's per-Canary job ticks every interval from its start (pkg/controller/job.go time.NewTicker).
      new ReconcileLoop(world.sim, (now) => ctl.reconcile(now)).wakeAt(c.intervalMs);
    }
    for (const r of pd?.rollouts ?? []) {
      const ctl = new ArgoRolloutController(r, this);
      this.rollouts.push(ctl);
      new ReconcileLoop(world.sim, (now) => ctl.reconcile(now)).wakeAt(0);
    }
  }

  get sim() {
    return this.world.sim;
  }

  private static scrape(pd: ProgressiveDelivery): void {
    pd.scrapes.scrape(pd.world.recorder, pd.world.sim.now);
  }

  query(expr: PromExpr): PromValue {
    return evaluatePromQL(expr, this.scrapes, this.world.sim.now);
  }

  editVirtualServices(edit: (vss: readonly VirtualServiceConfig[]) => readonly VirtualServiceConfig[]): void {
    this.world.pushRoutes(edit(this.world.virtualServices));
  }

  rollOut(from: string, to: string): void {
    const src = this.world.workloads.get(from);
    const dst = this.world.workloads.get(to);
    if (src === undefined || dst === undefined) return;
    dst.behaviour = src.behaviour;
    for (const p of dst.pods) this.world.appOf(p)?.setBehaviour(src.behaviour);
  }

  result(): ControllerResult[] {
    const end = this.world.sim.now;
    const out: ControllerResult[] = [];
    for (const c of this.canaries)
      out.push({
        controller: 'flagger',
        kind: 'Canary',
        name: `${c.config.meta.namespace}/${c.config.meta.name}`,
        outcome: c.phase === 'Succeeded' ? 'succeeded' : c.phase === 'Failed' ? 'failed' : 'progressing',
        finishedAtMs: c.finishedAtMs,
        finalWeight: c.canaryWeight,
        decisions: c.decisions,
        impact: this.impact([c.config.target, c.config.primary], c.finishedAtMs ?? end),
      });
    for (const r of this.rollouts)
      out.push({
        controller: 'argo-rollouts',
        kind: 'Rollout',
        name: `${r.config.meta.namespace}/${r.config.meta.name}`,
        outcome: r.phase.toLowerCase(),
        finishedAtMs: r.finishedAtMs,
        finalWeight: r.weight,
        decisions: r.decisions,
        impact: this.impact([r.config.canaryWorkload, r.config.stableWorkload], r.finishedAtMs ?? end),
      });
    return out;
  }

  /**
   * Requests to the two versions from the start of the run to the end of the rollout, by the scrapes at
   * or before `toMs` (the last scrape before the verdict: what Prometheus held then).
   */
  private impact(workloads: readonly string[], toMs: number): RolloutImpact {
    const served = workloads.map((w) => {
      const [ns, name] = w.split('/') as [string, string];
      const t = this.totals(
        (l) =>
          l.reporter === 'destination' &&
          l.destination_workload === name &&
          l.destination_workload_namespace === ns,
        toMs,
      );
      return { workload: w, ...t };
    });
    const names = new Set(workloads);
    const callers = this.totals(
      (l) =>
        l.reporter === 'source' && names.has(`${l.destination_workload_namespace}/${l.destination_workload}`),
      toMs,
    );
    return { fromMs: 0, toMs, served, callers };
  }

  private totals(pick: (l: Readonly<Record<string, string>>) => boolean, toMs: number) {
    let requests = 0;
    let errors5xx = 0;
    const buckets = new Array<number>(ISTIO_DURATION_BUCKETS_MS.length).fill(0);
    for (const s of this.scrapes.series) {
      if (!pick(s.labels)) continue;
      const i = lastAtOrBefore(s, toMs);
      if (i < 0) continue;
      requests += s.count[i]!;
      if ((s.labels.response_code ?? '').startsWith('5')) errors5xx += s.count[i]!;
      for (let b = 0; b < buckets.length; b++) buckets[b]! += s.cumulative[i]![b]!;
    }
    const q = bucketQuantile(0.99, [
      ...ISTIO_DURATION_BUCKETS_MS.map((le, b) => ({ le, count: buckets[b]! })),
      { le: Number.POSITIVE_INFINITY, count: requests },
    ]);
    return {
      requests,
      errors5xx,
      errorRate: requests === 0 ? 0 : Math.round((errors5xx / requests) * 1e6) / 1e6,
      p99Ms: Number.isFinite(q) ? Math.round(q * 1000) / 1000 : null,
    };
  }
}

function lastAtOrBefore(s: ScrapedSeries, tMs: number): number {
  let i = s.tMs.length - 1;
  while (i >= 0 && s.tMs[i]! > tMs) i--;
  return i;
}
