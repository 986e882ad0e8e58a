import { type Assertion, compare, parseAssertion } from './assertion.js';
import { summarize } from './aggregate.js';
import type { ParamValue } from './patch.js';
import { gridPoints, type ParameterSpec, randomPoints } from './plan.js';

/**
 * Threshold tuning by successive halving (Jamieson & Talwalkar 2016): start many candidate settings on
 * few replications, keep the best 1/eta, give the survivors eta times more replications, until the
 * replication budget is reached. Bad settings are dropped after one cheap run, so a 640-point space
 * costs tens of simulations instead of 640 x R. Every candidate at a rung uses the same seeds (common
 * random numbers), so candidates are compared on the same dice.
 *
 * Feasible settings (every constraint holds in every scenario, on the mean) rank above infeasible ones;
 * feasible ones by the objective's worst case over the scenarios; infeasible ones by how far they miss;
 * ties on the objective toward the less aggressive setting (aggressiveness.ts).
 */
export interface TuneObjective {
  sense: 'maximize' | 'minimize';
  metric: string;
}

export interface ScenarioFigures {
  /** metric -> one value per replication done so far. */
  values: Record<string, (number | null)[]>;
}

export interface CandidateResult {
  index: number;
  values: ParamValue[];
  /** Replications per scenario this candidate got (the rung it reached). */
  replications: number;
  rung: number;
  /** Worst case over scenarios of the objective's mean; null when a scenario had no value. */
  objective: number | null;
  objectiveCi95: number | null;
  feasible: boolean;
  /** Sum over constraints and scenarios of the relative shortfall (0 when feasible). */
  violation: number;
  /** Per constraint: the worst mean over scenarios. */
  constraints: { assertion: string; value: number | null; passed: boolean }[];
  /** How aggressive the setting is (aggressiveness.ts; lower = gentler): breaks ties on the objective. */
  aggressiveness: number;
}

/** Runs `replications` [from, to) of the listed candidates in every scenario; figures per candidate per scenario. */
export type RungEvaluator = (
  candidates: readonly number[],
  from: number,
  to: number,
) => Promise<Record<string, (number | null)[]>[][]>;

export function candidatePoints(
  params: readonly ParameterSpec[],
  max: number,
  seed: number,
): { points: ParamValue[][]; gridSize: number } {
  const grid = gridPoints(params);
  if (grid.length <= max) return { points: grid, gridSize: grid.length };
  // Sample distinct points; ranges are drawn continuously, values lists uniformly.
  const out: ParamValue[][] = [];
  const seen = new Set<string>();
  for (const p of randomPoints(params, max * 4, seed)) {
    const k = JSON.stringify(p);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
    if (out.length === max) break;
  }
  return { points: out, gridSize: grid.length };
}

/** Rung k gives each survivor min(R, eta^k) replications. */
export function rungSchedule(maxReplications: number, eta: number): number[] {
  const out: number[] = [];
  for (let r = 1; ; r *= eta) {
    out.push(Math.min(r, maxReplications));
    if (r >= maxReplications) break;
  }
  return out;
}

export async function successiveHalving(o: {
  points: ParamValue[][];
  scenarios: number;
  maxReplications: number;
  eta: number;
  objective: TuneObjective;
  constraints: readonly string[];
  evaluate: RungEvaluator;
  /** Per point: its aggressiveness (ties on the objective go to the gentler setting); default all 0. */
  aggressiveness?: readonly number[];
}): Promise<{ ranking: CandidateResult[]; simulations: number }> {
  const agg = (c: number) => o.aggressiveness?.[c] ?? 0;
  const assertions = o.constraints.map((c) => {
    const p = parseAssertion(c);
    if (!p.ok) throw new Error(`constraint "${c}": ${p.error.message}`);
    return p.value;
  });
  const figures: Record<string, (number | null)[]>[][] = o.points.map(() =>
    Array.from({ length: o.scenarios }, () => ({})),
  );
  const reached = o.points.map(() => ({ rung: 0, replications: 0 }));
  let alive = o.points.map((_, i) => i);
  let simulations = 0;
  const schedule = rungSchedule(o.maxReplications, o.eta);
  for (const [rung, reps] of schedule.entries()) {
    const from = reached[alive[0]!]!.replications;
    const got = await o.evaluate(alive, from, reps);
    simulations += alive.length * (reps - from) * o.scenarios;
    alive.forEach((c, i) => {
      for (let s = 0; s < o.scenarios; s++)
        for (const [m, vs] of Object.entries(got[i]![s]!)) (figures[c]![s]![m] ??= []).push(...vs);
      reached[c] = { rung, replications: reps };
    });
    const scored = alive.map((c) =>
      score(c, o.points[c]!, reached[c]!, figures[c]!, o.objective, assertions, agg(c)),
    );
    scored.sort(better(o.objective));
    if (rung === schedule.length - 1) break;
    const keep = Math.max(1, Math.ceil(alive.length / o.eta));
    alive = scored.slice(0, keep).map((s) => s.index);
  }
  const ranking = o.points
    .map((p, c) => score(c, p, reached[c]!, figures[c]!, o.objective, assertions, agg(c)))
    .sort((a, b) => b.rung - a.rung || better(o.objective)(a, b));
  return { ranking, simulations };
}

function score(
  index: number,
  values: ParamValue[],
  reached: { rung: number; replications: number },
  perScenario: Record<string, (number | null)[]>[],
  objective: TuneObjective,
  assertions: readonly Assertion[],
  aggressiveness: number,
): CandidateResult {
  let obj: number | null = null;
  let objCi: number | null = null;
  for (const f of perScenario) {
    const s = summarize(f[objective.metric] ?? []);
    if (s.mean === null) {
      obj = null;
      break;
    }
    const worse = obj === null || (objective.sense === 'maximize' ? s.mean < obj : s.mean > obj);
    if (worse) {
      obj = s.mean;
      objCi = s.ci95;
    }
  }
  let violation = 0;
  const constraints = assertions.map((a) => {
    const key = `${a.metric.fn}(${a.metric.args.join(', ')})`;
    let worst: number | null = null;
    let passed = true;
    for (const f of perScenario) {
      const m = summarize(f[key] ?? []).mean;
      if (m === null || !compare(m, a.op, a.threshold)) {
        passed = false;
        violation += m === null ? 1 : Math.abs(m - a.threshold) / Math.max(Math.abs(a.threshold), 1e-9);
      }
      // The value shown is the one furthest on the wrong side (for < and <=, the largest).
      if (m !== null && (worst === null || (a.op.startsWith('<') ? m > worst : m < worst))) worst = m;
    }
    return { assertion: a.source, value: worst, passed };
  });
  return {
    index,
    values,
    replications: reached.replications,
    rung: reached.rung,
    objective: obj,
    objectiveCi95: objCi,
    feasible: violation === 0,
    violation,
    constraints,
    aggressiveness,
  };
}

function better(objective: TuneObjective) {
  return (a: CandidateResult, b: CandidateResult): number => {
    if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
    if (!a.feasible && a.violation !== b.violation) return a.violation - b.violation;
    const x = a.objective ?? (objective.sense === 'maximize' ? -Infinity : Infinity);
    const y = b.objective ?? (objective.sense === 'maximize' ? -Infinity : Infinity);
    if (x !== y) return objective.sense === 'maximize' ? y - x : x - y;
    // A tie on the objective (means agree to 6 significant digits): the gentler setting first.
    if (a.aggressiveness !== b.aggressiveness) return a.aggressiveness - b.aggressiveness;
    return a.index - b.index;
  };
}
