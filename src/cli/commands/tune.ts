import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { shortParam } from '../../report/index.js';
import {
  canonicalMetrics,
  gridPoints,
  inputsFingerprint,
  loadInputs,
  makePlan,
  metricKey,
  parseAssertion,
  parseTuneSpec,
  patchedResources,
  pointInputs,
  type StudyInputs,
  type StudyPlan,
  type UnitRef,
} from '../../run/index.js';
import { readStudyInputs } from '../../run/study/read-inputs.js';
import { type CandidateResult, candidatePoints, successiveHalving } from '../../run/study/tune.js';
import type { Diagnostic } from '../../config/diagnostics.js';
import { aggressiveness } from '../../run/study/aggressiveness.js';
import type { Background } from '../../run/study/background.js';
import { checkStudyTargets } from '../../run/study/gate-check.js';
import { explainRanking } from '../../run/study/tune-explain.js';
import { EXIT, EXIT_HELP, UsageError } from '../exit-codes.js';
import {
  analysisMode,
  decorate,
  entryPosition,
  type FindingsFlags,
  dedupe,
  findingsOf,
  findingsOptions,
  notRun,
  printDiagnostics,
} from '../findings.js';
import { istioVersionFlag, istioVersionOption } from '../istio-version-flag.js';
import type { CliIo } from '../main.js';
import { displayPath, openExecutor, type StudyExecutor, workerCount, writeOut } from '../study-io.js';
import { checkWritable } from '../writable.js';

interface TuneFlags extends FindingsFlags {
  format: string;
  out?: string;
  workers?: string;
  progress?: boolean;
  top: string;
  istioVersion?: string;
}

export function registerTune(program: Command, io: CliIo, result: { code: number }): void {
  const cmd = program
    .command('tune')
    .description(
      'Find DestinationRule/VirtualService thresholds that best meet an objective under failure scenarios; the inputs are validated and analyzed first',
    )
    .argument('<tune>', 'tune file (kind: Tune)')
    .option('-f, --format <format>', 'output format: text|json', 'text')
    .option('-o, --out <file>', 'write the report to a file')
    .option('-w, --workers <n>', 'worker threads (default: the number of cores)')
    .option('--top <n>', 'rows of the ranking to print', '10')
    .option('--no-progress', 'never show a progress bar')
    .addOption(istioVersionOption());
  for (const o of findingsOptions()) cmd.addOption(o);
  cmd
    .addHelpText(
      'after',
      `\n${EXIT_HELP} For tune, 3 means no setting meets every constraint.\n` +
        'Example: meshsim tune models/studies/outlier.tune.yaml',
    )
    .action(async (path: string, flags: TuneFlags) => {
      result.code = await tuneCommand(path, flags, io);
    });
}

async function tuneCommand(path: string, flags: TuneFlags, io: CliIo): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json')
    throw new UsageError(`--format must be text or json for tune, got "${flags.format}"`);
  checkWritable(flags.out); // before the search, which may take an hour
  const exec = openExecutor(io, workerCount(flags.workers), flags.progress !== false, 'tuning');
  try {
    return await tune(path, flags, io, exec);
  } finally {
    await exec.close();
  }
}

/** Candidates are vetted up front: every rung of every scenario runs them (exec serves them all). */
async function tune(path: string, flags: TuneFlags, io: CliIo, exec: StudyExecutor): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = parseTuneSpec(text, displayPath(path));
  if (parsed.spec === undefined) {
    printDiagnostics(io, parsed.diagnostics);
    return EXIT.FINDINGS;
  }
  const spec = parsed.spec;
  const space =
    spec.search.strategy === 'grid'
      ? { points: gridPoints(spec.parameters), gridSize: gridPoints(spec.parameters).length }
      : candidatePoints(spec.parameters, spec.search.candidates, spec.search.seed);
  const metrics = canonicalMetrics([
    spec.objective.metric,
    ...spec.constraints.map((c) => {
      const a = parseAssertion(c);
      return a.ok ? metricKey(a.value) : c;
    }),
  ]).metrics;
  // Per scenario: its plan (points = candidates) and the texts of every candidate.
  const analysis = analysisMode(flags);
  const istio = istioVersionFlag(flags.istioVersion);
  const opts = { analysis, ...(istio !== undefined ? { istio } : {}) };
  const studies: { plan: StudyPlan; points: StudyInputs[] }[] = [];
  const diagnostics: Diagnostic[] = [];
  let simulatedErrors = 0;
  for (const s of spec.scenarios) {
    const read = await readStudyInputs(resolve(dirname(path), s));
    if (read.inputs === undefined) {
      printDiagnostics(io, read.diagnostics);
      return EXIT.USAGE;
    }
    const base = loadInputs(read.inputs, opts);
    if (base.loaded === undefined) {
      printDiagnostics(io, base.diagnostics, flags.verbose);
      notRun(io, `${spec.file}: ${s}`, base.simulable);
      return EXIT.FINDINGS;
    }
    // The figures the objective and constraints name must exist in every scenario, before anything runs.
    const named = [spec.objective.metric, ...spec.constraints];
    const targets = checkStudyTargets(
      named,
      (i) =>
        entryPosition(
          text,
          spec.file,
          'Tune',
          i === 0 ? ['spec', 'objective', spec.objective.sense] : ['spec', 'constraints', i - 1],
        ),
      base.loaded.scenario,
      base.loaded.config,
    );
    if (targets.length > 0) {
      printDiagnostics(io, targets);
      notRun(io, `${spec.file}: ${s}`, false);
      return EXIT.FINDINGS;
    }
    diagnostics.push(...base.diagnostics);
    simulatedErrors += base.simulatedErrors;
    const points: StudyInputs[] = [];
    for (const [i, v] of space.points.entries()) {
      const p = pointInputs(read.inputs, spec.parameters, v);
      const l = typeof p === 'string' ? undefined : loadInputs(p, opts);
      if (typeof p === 'string' || l?.loaded === undefined) {
        const bad = typeof p === 'string' ? p : l!.errors.join('\n');
        io.stderr(`${spec.file}: ${s}: candidate ${i} (${v.join(', ')}): ${bad}\n`);
        return EXIT.FINDINGS;
      }
      points.push(p);
    }
    const plan = makePlan({
      kind: 'sweep',
      name: spec.name,
      scenario: base.loaded.scenario.name,
      parameters: spec.parameters.map((p) => p.address.text),
      design: 'random',
      points: space.points,
      replications: spec.replications,
      baseSeed: spec.seed ?? base.loaded.scenario.seed,
      durationMs: spec.durationMs,
      metrics,
      assertions: [],
      inputsFingerprint: inputsFingerprint(read.inputs),
      ...(spec.background ? { background: spec.background } : {}),
      ...(istio !== undefined ? { istioVersion: istio.version } : {}),
    });
    studies.push({ plan, points });
  }
  const findings = findingsOf(dedupe(diagnostics), simulatedErrors);
  const { ranking, simulations } = await successiveHalving({
    points: space.points,
    scenarios: studies.length,
    maxReplications: spec.replications,
    eta: spec.search.strategy === 'grid' ? spec.replications + 1 : spec.search.eta,
    objective: spec.objective,
    constraints: spec.constraints,
    aggressiveness: space.points.map((v) => aggressiveness(spec.parameters, v)),
    evaluate: async (cands, from, to) => {
      const perStudy = await Promise.all(
        studies.map(async ({ plan, points }) => {
          const units: UnitRef[] = [];
          for (const c of cands)
            for (let r = from; r < to; r++)
              units.push({ unit: c * plan.replications + r, point: c, replication: r, seed: plan.seeds[r]! });
          const run = await exec.execute(plan, points, units);
          // Every candidate was loaded above, so a unit cannot be rejected here.
          if (!run.ok) throw new Error(run.rejected);
          return run.outcomes;
        }),
      );
      return cands.map((_, ci) =>
        studies.map((_, si) => {
          const out: Record<string, (number | null)[]> = {};
          const per = perStudy[si]!.slice(ci * (to - from), (ci + 1) * (to - from));
          metrics.forEach((m, mi) => {
            out[m] = per.map((u) => u.figures[mi] ?? null);
          });
          return out;
        }),
      );
    },
  });
  const best = ranking[0]!;
  const patch = patchedResources(
    [studies[0]!.points[best.index]!.scenario, ...studies[0]!.points[best.index]!.manifests],
    spec.parameters.map((p) => p.address).filter((a) => a.kind !== 'Scenario'),
  );
  const fullGrid = space.gridSize * spec.replications * studies.length;
  const explanation = explainRanking(ranking, spec.objective, spec.parameters);
  const report = {
    name: spec.name,
    scenarios: studies.map((s) => s.plan.scenario),
    strategy: spec.search.strategy,
    objective: spec.objective,
    constraints: spec.constraints,
    parameters: spec.parameters.map((p) => p.address.text),
    background: spec.background,
    spaceSize: space.gridSize,
    candidates: space.points.length,
    simulations,
    fullGridSimulations: fullGrid,
    ranking,
    recommended: { values: best.values, feasible: best.feasible, patch },
    why: explanation.why,
    warnings: explanation.warnings,
    diagnostics: findings.json,
    ...(findings.simulated ? { simulatedMisconfiguration: findings.simulated } : {}),
  };
  const top = Math.max(1, Number(flags.top) || 10);
  const format = flags.format === 'json' ? 'json' : 'text';
  const rendered = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderTune(report, top);
  await writeOut(
    io,
    flags.out,
    decorate(io, rendered, format, findings, {
      verbose: flags.verbose === true,
      toFile: flags.out !== undefined,
    }),
  );
  if (format === 'json' || flags.out !== undefined)
    for (const w of explanation.warnings) io.stderr(`meshsim: warning: ${w}\n`);
  return best.feasible ? EXIT.OK : EXIT.GATE_FAILED;
}

function backgroundLine(b: Background | null): string {
  if (b === null) return 'background of healthy pods: none (spec.background: none)';
  const pct = (x: number) => `${Number((x * 100).toPrecision(3))} %`;
  return `background of healthy pods: ${pct(b.errors.rate)} ${b.errors.status}s, ${pct(b.slow.rate)} of responses ${b.slow.latencyMs} ms (spec.background)`;
}

function num(x: number | null): string {
  if (x === null) return 'n/a';
  const a = Math.abs(x);
  return Number.isInteger(x) ? String(x) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(4);
}

function renderTune(
  r: {
    name: string;
    scenarios: string[];
    strategy: string;
    objective: { sense: string; metric: string };
    constraints: string[];
    parameters: string[];
    background: Background | null;
    spaceSize: number;
    candidates: number;
    simulations: number;
    fullGridSimulations: number;
    ranking: CandidateResult[];
    recommended: { feasible: boolean; patch: string };
    why: string;
    warnings: string[];
  },
  top: number,
): string {
  const head = [
    `meshsim tune ${r.name}: ${r.objective.sense} ${r.objective.metric}${r.constraints.length ? ` subject to ${r.constraints.join(', ')}` : ''}`,
    `scenarios: ${r.scenarios.join(', ')} (worst case over them)`,
    `search: ${r.strategy}, ${r.candidates} candidates of a ${r.spaceSize}-point space, ${r.simulations} simulations (a full grid would take ${r.fullGridSimulations})`,
    backgroundLine(r.background),
    '',
  ];
  const rows = [
    ['RANK', ...r.parameters.map(shortParam), 'REPS', r.objective.metric, ...r.constraints, 'OK'],
    ...r.ranking
      .slice(0, top)
      .map((c, i) => [
        String(i + 1),
        ...c.values.map(String),
        String(c.replications),
        c.objectiveCi95 === null ? num(c.objective) : `${num(c.objective)} ±${num(c.objectiveCi95)}`,
        ...c.constraints.map((k) => `${num(k.value)}${k.passed ? '' : ' ✗'}`),
        c.feasible ? 'yes' : 'no',
      ]),
  ];
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => (row[j] ?? '').length)));
  const table = rows.map((row) =>
    row
      .map((cell, j) => cell.padEnd(widths[j]!))
      .join('  ')
      .trimEnd(),
  );
  const rec = r.recommended.feasible
    ? 'Recommended (rank 1), ready to apply:'
    : 'No candidate meets every constraint; the closest (rank 1) would be:';
  const notes = [`Why rank 1: ${r.why}.`, ...r.warnings.map((w) => `warning: ${w}.`)];
  return `${[...head, ...table, '', ...notes, '', rec, ''].join('\n')}${r.recommended.patch}`;
}
