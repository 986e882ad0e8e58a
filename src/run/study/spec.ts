import { z } from 'zod';
import type { Diagnostic } from '../../config/diagnostics.js';
import { formatPath } from '../../config/diagnostics.js';
import { LIMITS } from '../../config/limits.js';
import { parseYamlDocuments, type SourceDocument } from '../../config/yaml-source.js';
import { parseDurationMs } from '../../engine/index.js';
import { parseAssertion, parseMetric } from './assertion.js';
import { type Background, DEFAULT_BACKGROUND } from './background.js';
import { parseFieldAddress } from './patch.js';
import type { ParameterSpec } from './plan.js';

/**
 * Sweep and Tune documents (docs/studies.md): plain YAML checked by zod, every error positioned at its
 * file:line:col like a scenario's. Paths (`scenario`, `scenarios`) are relative to the study file.
 */
const value = z.union([z.number(), z.string(), z.boolean()]);
const parameter = z.strictObject({
  field: z.string().describe('Kind/namespace/name:field.path, or Scenario:spec.path'),
  values: z.array(value).min(1).optional(),
  range: z
    .strictObject({
      min: z.number(),
      max: z.number(),
      steps: z.number().int().min(1).optional(),
      log: z.boolean().optional(),
      integer: z.boolean().optional(),
    })
    .optional(),
});
const duration = z.union([z.string(), z.number()]);

const sweepSchema = z.strictObject({
  apiVersion: z.literal('meshsim.dev/v1alpha1'),
  kind: z.literal('Sweep'),
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.strictObject({
    scenario: z.string(),
    duration: duration.optional(),
    replications: z.number().int().min(1).max(1000).optional(),
    seed: z.number().int().min(0).optional(),
    design: z
      .union([
        z.literal('grid'),
        z.strictObject({
          random: z.strictObject({
            points: z.number().int().min(1),
            seed: z.number().int().min(0).optional(),
          }),
        }),
      ])
      .optional(),
    parameters: z.array(parameter).min(1),
    metrics: z.array(z.string()).optional(),
  }),
});

const tuneSchema = z.strictObject({
  apiVersion: z.literal('meshsim.dev/v1alpha1'),
  kind: z.literal('Tune'),
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.strictObject({
    scenarios: z.array(z.string()).min(1),
    duration: duration.optional(),
    replications: z.number().int().min(1).max(100).optional(),
    seed: z.number().int().min(0).optional(),
    parameters: z.array(parameter).min(1),
    objective: z.union([z.strictObject({ maximize: z.string() }), z.strictObject({ minimize: z.string() })]),
    constraints: z.array(z.string()).optional(),
    background: z
      .union([
        z.literal('none'),
        z.strictObject({
          errors: z
            .strictObject({
              status: z.number().int().min(500).max(599).optional(),
              rate: z.number().min(0).max(0.01),
            })
            .optional(),
          slow: z.strictObject({ rate: z.number().min(0).max(0.5), latency: duration.optional() }).optional(),
        }),
      ])
      .optional()
      .describe('errors and slow responses of healthy pods; default DEFAULT_BACKGROUND, none for none'),
    search: z
      .strictObject({
        strategy: z.enum(['successive-halving', 'grid']).optional(),
        candidates: z.number().int().min(1).optional(),
        eta: z.number().int().min(2).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .optional(),
  }),
});

export interface SweepSpec {
  name: string;
  file: string;
  scenario: string;
  durationMs: number | null;
  replications: number;
  seed: number | undefined;
  design: { kind: 'grid' } | { kind: 'random'; points: number; seed: number };
  parameters: ParameterSpec[];
  metrics: string[] | undefined;
}

export interface TuneSpec {
  name: string;
  file: string;
  scenarios: string[];
  durationMs: number | null;
  replications: number;
  seed: number | undefined;
  parameters: ParameterSpec[];
  objective: { sense: 'maximize' | 'minimize'; metric: string };
  constraints: string[];
  /** Background for healthy pods (background.ts); null with `background: none`. */
  background: Background | null;
  search: { strategy: 'successive-halving' | 'grid'; candidates: number; eta: number; seed: number };
}

type Ctx = { doc: SourceDocument; diagnostics: Diagnostic[] };

function err(c: Ctx, path: (string | number)[], message: string, key = false): void {
  c.diagnostics.push({
    severity: 'error',
    code: 'MSIM3001',
    message,
    file: c.doc.file,
    ...c.doc.locate(path, { key }),
    path: formatPath(path),
  });
}

function parseDoc<T>(
  text: string,
  file: string,
  kind: string,
  schema: z.ZodType<T>,
): { c?: Ctx; data?: T; diagnostics: Diagnostic[] } {
  const parsed = parseYamlDocuments(text, file);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const doc = parsed.documents.find((d) => (d.value as { kind?: unknown } | null)?.kind === kind);
  if (doc === undefined)
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'MSIM3001',
          message: `no document with kind: ${kind}`,
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  const c: Ctx = { doc, diagnostics: [] };
  const r = schema.safeParse(doc.value);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const path = issue.path as (string | number)[];
      if (issue.code === 'unrecognized_keys')
        for (const k of issue.keys) err(c, [...path, k], `unknown field "${k}"`, true);
      else err(c, path, issue.message);
    }
    return { c, diagnostics: c.diagnostics };
  }
  return { c, data: r.data, diagnostics: c.diagnostics };
}

function durationOf(c: Ctx, raw: string | number | undefined, path: (string | number)[]): number | null {
  if (raw === undefined) return null;
  // As in scenarios (docs/config.md, Limits): Go's duration grammar, a unit required, at most 24 h.
  if (typeof raw === 'number') {
    const hint = Number.isFinite(raw) && raw >= 0 && raw < 1e15 ? `${raw}s? ` : '';
    err(c, path, `a duration needs a unit: ${hint}(write "${raw}s" or "${raw}ms"; a bare number is refused)`);
    return null;
  }
  const d = parseDurationMs(raw);
  if (d.ok && d.value > 0 && d.value <= LIMITS.maxDurationMs) return d.value;
  err(
    c,
    path,
    !d.ok
      ? d.message
      : d.value <= 0
        ? 'must be greater than 0'
        : `${raw} is above meshsim's limit of 24h for a run (docs/config.md, Limits)`,
  );
  return null;
}

function parameters(c: Ctx, raw: z.infer<typeof parameter>[]): ParameterSpec[] {
  const out: ParameterSpec[] = [];
  for (const [i, p] of raw.entries()) {
    const path = ['spec', 'parameters', i];
    const a = parseFieldAddress(p.field);
    if (typeof a === 'string') {
      err(c, [...path, 'field'], a);
      continue;
    }
    const problem =
      (p.values === undefined) === (p.range === undefined)
        ? 'a parameter needs exactly one of values or range'
        : p.range && p.range.max < p.range.min
          ? 'max is below min'
          : p.range?.log && p.range.min <= 0
            ? 'a log range needs min > 0'
            : undefined;
    if (problem !== undefined) {
      err(c, p.range ? [...path, 'range'] : path, problem);
      continue;
    }
    out.push({
      address: a,
      ...(p.values ? { values: p.values } : {}),
      ...(p.range ? { range: p.range } : {}),
    });
  }
  return out;
}

function checkMetric(c: Ctx, m: string, path: (string | number)[]): void {
  const p = parseMetric(m);
  if (!p.ok) err(c, path, `column ${p.error.column}: ${p.error.message}`);
}

export function parseSweepSpec(text: string, file: string): { spec?: SweepSpec; diagnostics: Diagnostic[] } {
  const r = parseDoc(text, file, 'Sweep', sweepSchema);
  if (!r.data || !r.c) return { diagnostics: r.diagnostics };
  const { c, data } = { c: r.c, data: r.data };
  const s = data.spec;
  const design: SweepSpec['design'] =
    s.design === undefined || s.design === 'grid'
      ? { kind: 'grid' }
      : { kind: 'random', points: s.design.random.points, seed: s.design.random.seed ?? 1 };
  for (const [i, m] of (s.metrics ?? []).entries()) checkMetric(c, m, ['spec', 'metrics', i]);
  const spec: SweepSpec = {
    name: data.metadata.name,
    file,
    scenario: s.scenario,
    durationMs: durationOf(c, s.duration, ['spec', 'duration']),
    replications: s.replications ?? 1,
    seed: s.seed,
    design,
    parameters: parameters(c, s.parameters),
    metrics: s.metrics,
  };
  return c.diagnostics.length > 0 ? { diagnostics: c.diagnostics } : { spec, diagnostics: [] };
}

function backgroundOf(c: Ctx, raw: z.infer<typeof tuneSchema>['spec']['background']): Background | null {
  if (raw === 'none') return null;
  const d = DEFAULT_BACKGROUND;
  const latencyMs = durationOf(c, raw?.slow?.latency, ['spec', 'background', 'slow', 'latency']);
  return {
    errors: { status: raw?.errors?.status ?? d.errors.status, rate: raw?.errors?.rate ?? d.errors.rate },
    slow: { rate: raw?.slow?.rate ?? d.slow.rate, latencyMs: latencyMs ?? d.slow.latencyMs },
  };
}

export function parseTuneSpec(text: string, file: string): { spec?: TuneSpec; diagnostics: Diagnostic[] } {
  const r = parseDoc(text, file, 'Tune', tuneSchema);
  if (!r.data || !r.c) return { diagnostics: r.diagnostics };
  const { c, data } = { c: r.c, data: r.data };
  const s = data.spec;
  const sense = 'maximize' in s.objective ? 'maximize' : 'minimize';
  const metric = 'maximize' in s.objective ? s.objective.maximize : s.objective.minimize;
  checkMetric(c, metric, ['spec', 'objective', sense]);
  (s.constraints ?? []).forEach((a, i) => {
    const p = parseAssertion(a);
    if (!p.ok) err(c, ['spec', 'constraints', i], `column ${p.error.column}: ${p.error.message}`);
  });
  const spec: TuneSpec = {
    name: data.metadata.name,
    file,
    scenarios: s.scenarios,
    durationMs: durationOf(c, s.duration, ['spec', 'duration']),
    replications: s.replications ?? 3,
    seed: s.seed,
    parameters: parameters(c, s.parameters),
    objective: { sense, metric },
    constraints: s.constraints ?? [],
    background: backgroundOf(c, s.background),
    search: {
      strategy: s.search?.strategy ?? 'successive-halving',
      candidates: s.search?.candidates ?? 27,
      eta: s.search?.eta ?? 3,
      seed: s.search?.seed ?? 1,
    },
  };
  return c.diagnostics.length > 0 ? { diagnostics: c.diagnostics } : { spec, diagnostics: [] };
}
