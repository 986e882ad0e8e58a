import { knobName } from './aggressiveness.js';
import type { ParameterSpec } from './plan.js';
import type { CandidateResult, TuneObjective } from './tune.js';

/**
 * Why rank 1 beat rank 2, in figures, and a warning when the objective cannot tell the leaders apart:
 * candidates at the final rung whose 95 % confidence intervals overlap rank 1's (same feasibility) are
 * statistically indistinguishable on these replications, so their order is the dice's, not the
 * settings'. Plain data, rendered by the CLI (text) or carried as is (JSON).
 */
export interface TuneExplanation {
  why: string;
  warnings: string[];
  /** Ranks (1-based) the objective cannot tell from rank 1. */
  indistinguishable: number[];
}

function fmt(x: number | null): string {
  if (x === null) return 'n/a';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(4);
}

function withCi(c: CandidateResult): string {
  return c.objectiveCi95 === null ? fmt(c.objective) : `${fmt(c.objective)} ±${fmt(c.objectiveCi95)}`;
}

function setting(params: readonly ParameterSpec[], c: CandidateResult): string {
  return params.map((p, i) => `${knobName(p)} ${String(c.values[i])}`).join(', ');
}

function overlaps(a: CandidateResult, b: CandidateResult): boolean {
  if (a.objective === null || b.objective === null) return false;
  if (a.objectiveCi95 === null || b.objectiveCi95 === null) return a.objective === b.objective;
  // Touching intervals overlap (a relative 1e-9 absorbs the rounding of the subtraction).
  const reach = a.objectiveCi95 + b.objectiveCi95;
  return Math.abs(a.objective - b.objective) <= reach * (1 + 1e-9);
}

export function explainRanking(
  ranking: readonly CandidateResult[],
  objective: TuneObjective,
  params: readonly ParameterSpec[],
): TuneExplanation {
  const best = ranking[0];
  if (best === undefined) return { why: 'no candidates', warnings: [], indistinguishable: [] };
  const next = ranking[1];
  const obj = `${objective.metric} ${withCi(best)}`;
  let why: string;
  if (next === undefined) why = `the only candidate: ${obj}`;
  else if (best.feasible && !next.feasible) {
    const missed = next.constraints.filter((k) => !k.passed).map((k) => `${k.assertion} (${fmt(k.value)})`);
    why = `rank 1 meets every constraint and rank 2 does not: it misses ${missed.join(', ')}; rank 1 has ${obj}`;
  } else if (!best.feasible)
    why = `no candidate meets every constraint; rank 1 misses them by the least (relative shortfall ${fmt(best.violation)} vs ${fmt(next.violation)} for rank 2)`;
  else if (best.objective === next.objective)
    why = `rank 1 and rank 2 tie on ${objective.metric} (${fmt(best.objective)}); rank 1 is the less aggressive setting (${setting(params, best)} vs ${setting(params, next)})`;
  else
    why = `both meet every constraint; rank 1 has the ${objective.sense === 'maximize' ? 'higher' : 'lower'} ${objective.metric}: ${withCi(best)} vs ${withCi(next)} for rank 2`;

  const warnings: string[] = [];
  const indistinguishable: number[] = [];
  ranking.forEach((c, i) => {
    if (i > 0 && c.rung === best.rung && c.feasible === best.feasible && overlaps(best, c))
      indistinguishable.push(i + 1);
  });
  if (indistinguishable.length > 0) {
    const shown = indistinguishable.slice(0, 5).map((r) => `rank ${r} (${withCi(ranking[r - 1]!)})`);
    const more = indistinguishable.length > 5 ? ` and ${indistinguishable.length - 5} more` : '';
    const gentlest = [1, ...indistinguishable].reduce((g, r) =>
      ranking[r - 1]!.aggressiveness < ranking[g - 1]!.aggressiveness ? r : g,
    );
    warnings.push(
      `the objective cannot tell rank 1 (${withCi(best)}) from ${shown.join(', ')}${more}: their 95 % confidence intervals overlap, so their order may be noise; more replications would separate them` +
        (gentlest !== 1
          ? `, and the least aggressive of them is rank ${gentlest} (${setting(params, ranking[gentlest - 1]!)})`
          : ''),
    );
  }
  if (best.objectiveCi95 === null && best.replications < 2)
    warnings.push('rank 1 ran a single replication: there is no confidence interval to judge its lead by');
  return { why, warnings, indistinguishable };
}
