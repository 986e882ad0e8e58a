import type { StudyInputs, StudyPlan, UnitOutcome, UnitRef } from './plan.js';
import type { UnitTask } from './unit.js';

/** Runs tasks and returns their figures in task order (inline, or a worker pool: pool.ts). */
export type UnitExecutor = (tasks: readonly UnitTask[]) => Promise<(number | null)[][]>;

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
  }));
}

export async function executeUnits(
  plan: StudyPlan,
  points: readonly StudyInputs[],
  units: readonly UnitRef[],
  exec: UnitExecutor,
): Promise<UnitOutcome[]> {
  const figures = await exec(tasksFor(plan, points, units));
  return units.map((u, i) => ({ ...u, figures: figures[i]! }));
}
