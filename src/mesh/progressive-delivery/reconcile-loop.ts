import type { PromExpr } from '../../config/resolve/rollout-promql.js';
import type { VirtualServiceConfig } from '../../config/types.js';
import { NO_TIMER, type Simulation, type TimerHandle } from '../../engine/index.js';
import type { PromValue } from './promql-eval.js';

/**
 * A Kubernetes controller's reconcile loop in simulated time: `reconcile(now)` runs at the scheduled
 * instant and returns when it wants to run next (a period, as Flagger's per-Canary ticker, or the next
 * thing it waits for, as Argo's requeue-after), or null to stop. The same pattern fits any controller
 * that reads metrics and acts on the mesh (an HPA's sync period). Time comes only from the engine.
 */
export class ReconcileLoop {
  private timer: TimerHandle = NO_TIMER;
  private atMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sim: Simulation,
    private readonly reconcile: (nowMs: number) => number | null,
  ) {}

  /** Reconcile at `atMs` (the earlier of this and an already scheduled run). */
  wakeAt(atMs: number): void {
    if (atMs >= this.atMs) return;
    this.sim.cancel(this.timer);
    this.atMs = atMs;
    this.timer = this.sim.scheduleAt(Math.max(atMs, this.sim.now), ReconcileLoop.fire, this);
  }

  private static fire(l: ReconcileLoop): void {
    l.atMs = Number.POSITIVE_INFINITY;
    l.timer = NO_TIMER;
    const next = l.reconcile(l.sim.now);
    if (next !== null) l.wakeAt(l.sim.now + next);
  }
}

/** What a controller may do to the simulated cluster. */
export interface ControllerHost {
  readonly sim: Simulation;
  /** An instant PromQL query at the current time over the scraped Istio metrics. */
  query(expr: PromExpr): PromValue;
  /** Rewrites VirtualServices (the controller's PATCH) and pushes routes to every proxy. */
  editVirtualServices(edit: (vss: readonly VirtualServiceConfig[]) => readonly VirtualServiceConfig[]): void;
  /** `to`'s pods now run `from`'s version: Flagger's Promote, Argo's promotion of the canary ReplicaSet. */
  rollOut(from: string, to: string): void;
}
