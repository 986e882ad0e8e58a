import type { StudyInputs, StudyPlan, UnitOutcome, UnitRef } from './plan.js';
import type { UnitTask } from './unit.js';

/** Figures of the units of one batch, in the batch's order. */
export type BatchFigures = (number | null)[][];

/**
 * Where study units run: the calling thread (`threads` 0) or a pool of worker threads (pool.ts, Node
 * only). A batch is one point's units; they share the point's loaded config in whichever thread runs it.
 */
export interface UnitRunner {
  readonly threads: number;
  run(batch: readonly UnitTask[]): Promise<BatchFigures>;
}

export interface BatchHooks {
  /**
   * Checks batch b's inputs on the calling thread before any of its units is sent; a message rejects
   * the study. Batches are vetted in order, so the message is always the first bad batch's.
   */
  vet?: (batch: number) => string | undefined;
  /** Called once per finished unit (progress bars). */
  onUnitDone?: () => void;
}

export type BatchesRun = { ok: true; figures: BatchFigures[] } | { ok: false; rejected: string };

/**
 * Runs batches on a runner and returns their figures in batch order, whatever order they finish in.
 *
 * On the calling thread every batch is vetted before the first runs (as before any pool existed). With
 * worker threads the calling thread vets while the workers simulate: it keeps two batches per thread
 * sent (a thread that finishes finds its next batch waiting), and after each finished batch it sends the
 * next and vets a few more ahead. So no core idles while points are vetted, a bad point is still found
 * in the first seconds, and at most 2 x threads batches (each carrying its point's texts) are in flight.
 */
export async function runBatches(
  batches: readonly (readonly UnitTask[])[],
  runner: UnitRunner,
  hooks: BatchHooks = {},
): Promise<BatchesRun> {
  const n = batches.length;
  const inline = runner.threads === 0;
  const inFlightMax = inline ? 1 : 2 * runner.threads;
  const vetAhead = inline ? n : 2 * runner.threads;
  const figures: BatchFigures[] = new Array(n);
  let vetted = 0;
  let sent = 0;
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let wake: () => void = () => {};

  const vetUpTo = (end: number): string | undefined => {
    for (; vetted < Math.min(end, n); vetted++) {
      const rejected = hooks.vet?.(vetted);
      if (rejected !== undefined) return rejected;
    }
    return undefined;
  };
  const done = (b: number) => (f: BatchFigures) => {
    figures[b] = f;
    for (let i = 0; i < batches[b]!.length; i++) hooks.onUnitDone?.();
  };
  const failed = (error: unknown) => {
    failure ??= { error };
  };
  const settled = () => {
    inFlight--;
    wake();
  };

  for (;;) {
    const rejected = vetUpTo(vetted + vetAhead);
    if (rejected !== undefined) return { ok: false, rejected };
    if (failure !== undefined) throw failure.error;
    while (sent < vetted && inFlight < inFlightMax) {
      const b = sent++;
      inFlight++;
      runner.run(batches[b]!).then(done(b), failed).finally(settled);
    }
    if (inFlight === 0 && sent === n) return { ok: true, figures };
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/** Consecutive tasks with one key (a point's replications) form one batch. */
export function batchesOf(tasks: readonly UnitTask[]): UnitTask[][] {
  const out: UnitTask[][] = [];
  for (const t of tasks) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0]!.key === t.key) last.push(t);
    else out.push([t]);
  }
  return out;
}

export function tasksFor(
  plan: StudyPlan,
  points: readonly StudyInputs[],
  units: readonly UnitRef[],
): UnitTask[] {
  return units.map((u) => ({
    key: `${plan.fingerprint}/${u.point}`,
    inputs: points[u.point]!,
    seed: u.seed,
    durationMs: plan.durationMs,
    metrics: plan.metrics,
    ...(plan.background ? { background: plan.background } : {}),
    ...(plan.istioVersion !== undefined ? { istioVersion: plan.istioVersion } : {}),
  }));
}

export interface ExecuteHooks {
  /** Checks point p's inputs before any of its units runs (see BatchHooks.vet). */
  vetPoint?: (point: number) => string | undefined;
  onUnitDone?: () => void;
}

export type StudyRun = { ok: true; outcomes: UnitOutcome[] } | { ok: false; rejected: string };

/** Runs units (grouped by point, in the order given) and returns their outcomes in that order. */
export async function executeUnits(
  plan: StudyPlan,
  points: readonly StudyInputs[],
  units: readonly UnitRef[],
  runner: UnitRunner,
  hooks: ExecuteHooks = {},
): Promise<StudyRun> {
  const batches = batchesOf(tasksFor(plan, points, units));
  // A batch's point is that of its first unit (tasks follow units one to one).
  let first = 0;
  const pointOf = batches.map((b) => {
    const p = units[first]!.point;
    first += b.length;
    return p;
  });
  const { vetPoint, onUnitDone } = hooks;
  const run = await runBatches(batches, runner, {
    ...(vetPoint !== undefined ? { vet: (b: number) => vetPoint(pointOf[b]!) } : {}),
    ...(onUnitDone !== undefined ? { onUnitDone } : {}),
  });
  if (!run.ok) return run;
  const flat = run.figures.flat();
  return { ok: true, outcomes: units.map((u, i) => ({ ...u, figures: flat[i]! })) };
}
