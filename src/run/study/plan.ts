import type { Background } from './background.js';
import type { JsonDiagnostic, SimulatedMisconfiguration } from '../../config/analysis/json.js';
import type { ManifestInput } from '../../config/load.js';
import { RandomStreams } from '../../engine/index.js';
import { applyAssignments, type FieldAddress, type ParamValue } from './patch.js';

/**
 * A study is a plan (points x replications, every unit's seed fixed in advance) plus the figures of each
 * unit. Everything reported is a pure function of the plan and the unit figures, which is why any
 * worker count, any sharding and `meshsim merge` give the same bytes. Replications of one scenario are
 * the study with no parameters.
 */
export interface StudyPlan {
  kind: 'replications' | 'sweep';
  name: string;
  /** Scenario name (metadata.name). */
  scenario: string;
  /** Field addresses, in the order the point values follow. */
  parameters: string[];
  design: 'single' | 'grid' | 'random';
  points: { index: number; values: ParamValue[] }[];
  replications: number;
  /**
   * Seed of replication r, the same at every point: common random numbers. The engine's named streams
   * (arrivals/<client>, app/<pod>, lb/...) then draw the same numbers for the same entities in every
   * configuration, so a difference between points is the configuration's, not the dice's.
   */
  seeds: number[];
  /** Override of the scenario's duration, or null. */
  durationMs: number | null;
  /** Canonical metric calls every unit reports, in order. */
  metrics: string[];
  /** Gates evaluated on the means (`meshsim run --replications R --assert ...`). */
  assertions: string[];
  /** Hash of the inputs and the plan: shards of different studies refuse to merge. */
  fingerprint: string;
  /** Findings of the checks on the base inputs, carried to the report (and through shard files). */
  diagnostics?: JsonDiagnostic[];
  /** Analysis errors simulated on purpose: shards with and without it belong to different studies. */
  simulatedMisconfiguration?: SimulatedMisconfiguration;
  /** Errors and slow responses given to healthy pods (tune's scenarios, background.ts). */
  background?: Background;
  /**
   * The Istio release line every unit loads its inputs for (`--istio-version`), when the command was given
   * one; absent: each scenario's own spec.istio.version (config/istio-version.ts).
   */
  istioVersion?: string;
}

/** One simulation: a point at one replication. Unit index = point x replications + replication. */
export interface UnitRef {
  unit: number;
  point: number;
  replication: number;
  seed: number;
}

/** The figures of one unit, aligned with plan.metrics; null where a metric had no value. */
export interface UnitOutcome extends UnitRef {
  figures: (number | null)[];
}

export interface ParameterSpec {
  address: FieldAddress;
  /** Explicit levels... */
  values?: ParamValue[];
  /** ...or a numeric range: `steps` levels for a grid (linear, or geometric with `log`). */
  range?: { min: number; max: number; steps?: number; log?: boolean; integer?: boolean };
}

export type Design = { kind: 'grid' } | { kind: 'random'; points: number; seed: number };

export interface StudyInputs {
  scenario: ManifestInput;
  manifests: ManifestInput[];
}

export function unitsOf(plan: StudyPlan): UnitRef[] {
  const out: UnitRef[] = [];
  for (const p of plan.points)
    for (let r = 0; r < plan.replications; r++)
      out.push({
        unit: p.index * plan.replications + r,
        point: p.index,
        replication: r,
        seed: plan.seeds[r]!,
      });
  return out;
}

/** Significant-digit rounding so that generated levels print as people write them. */
export function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

/** The grid levels of one parameter. */
export function levelsOf(p: ParameterSpec): ParamValue[] {
  if (p.values !== undefined) return p.values;
  const r = p.range!;
  const steps = Math.max(1, r.steps ?? 5);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const f = steps === 1 ? 0 : i / (steps - 1);
    let v = r.log ? r.min * (r.max / r.min) ** f : r.min + (r.max - r.min) * f;
    v = r.integer ? Math.round(v) : tidy(v);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Every combination, the last parameter varying fastest. */
export function gridPoints(params: readonly ParameterSpec[]): ParamValue[][] {
  let out: ParamValue[][] = [[]];
  for (const p of params) {
    const next: ParamValue[][] = [];
    for (const prefix of out) for (const v of levelsOf(p)) next.push([...prefix, v]);
    out = next;
  }
  return out;
}

/** `n` points drawn independently from a seeded stream: uniform (log-uniform with `log`) or from `values`. */
export function randomPoints(params: readonly ParameterSpec[], n: number, seed: number): ParamValue[][] {
  const rng = new RandomStreams(seed).stream('study/design');
  const out: ParamValue[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      params.map((p) => {
        if (p.values !== undefined) return p.values[rng.int(p.values.length)]!;
        const r = p.range!;
        const u = rng.next();
        const v = r.log ? r.min * (r.max / r.min) ** u : r.min + (r.max - r.min) * u;
        return r.integer ? Math.round(v) : tidy(v);
      }),
    );
  }
  return out;
}

/** The texts of one point: the base inputs with the point's values written into their fields. */
export function pointInputs(
  base: StudyInputs,
  params: readonly ParameterSpec[],
  values: readonly ParamValue[],
): StudyInputs | string {
  if (params.length === 0) return base;
  const all = applyAssignments(
    [base.scenario, ...base.manifests],
    params.map((p, i) => ({ address: p.address, value: values[i]! })),
  );
  if (typeof all === 'string') return all;
  return { scenario: all[0]!, manifests: all.slice(1) };
}

/** FNV-1a over a string, 2 x 32 bits with different offsets: a fingerprint, not a security hash. */
export function fingerprint(parts: readonly string[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const s of parts) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
    }
    a = Math.imul(a ^ 0xff, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function inputsFingerprint(inputs: StudyInputs): string {
  return fingerprint([
    inputs.scenario.text,
    ...inputs.manifests.flatMap((m) => [m.file.split(/[\\/]/).pop() ?? '', m.text]),
  ]);
}
