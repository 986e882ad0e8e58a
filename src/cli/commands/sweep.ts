import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { STUDY_FORMATS } from '../../report/index.js';
import {
  canonicalMetrics,
  defaultMetrics,
  gridPoints,
  inputsFingerprint,
  loadInputs,
  makePlan,
  parseSweepSpec,
  pointInputs,
  randomPoints,
  type StudyInputs,
  type StudyPlan,
} from '../../run/index.js';
import { checkStudyTargets } from '../../run/study/gate-check.js';
import { readStudyInputs } from '../../run/study/read-inputs.js';
import { EXIT, EXIT_HELP, UsageError } from '../exit-codes.js';
import { istioVersionFlag, istioVersionOption } from '../istio-version-flag.js';
import {
  analysisMode,
  entryPosition,
  type Findings,
  type FindingsFlags,
  findingsOf,
  findingsOptions,
  notRun,
  printDiagnostics,
} from '../findings.js';
import type { CliIo } from '../main.js';
import { DEFAULT_IMAGE, emitJob } from '../emit-job.js';
import {
  displayPath,
  openExecutor,
  positiveInt,
  resolveShard,
  runPlan,
  studyFormat,
  workerCount,
} from '../study-io.js';

// ---- meshsim sweep

interface SweepFlags extends FindingsFlags {
  format: string;
  out?: string;
  shard?: string;
  workers?: string;
  progress?: boolean;
  emitJob?: boolean;
  image: string;
  parallelism?: string;
  shards?: string;
  resultsClaim: string;
  istioVersion?: string;
}

export function registerSweep(program: Command, io: CliIo, result: { code: number }): void {
  const cmd = program
    .command('sweep')
    .description(
      'Run a scenario over a grid or random design of manifest/scenario fields, with replications; the inputs are validated and analyzed first',
    )
    .argument('<sweep>', 'sweep file (kind: Sweep)')
    .option('-f, --format <format>', `output format: ${STUDY_FORMATS.join('|')}`, 'text')
    .option('-o, --out <file>', 'write the report to a file ({shard} is replaced by the shard index)')
    .option('--shard <i/N>', 'run shard i of N (0-based); default from JOB_COMPLETION_INDEX + MESHSIM_SHARDS')
    .option('-w, --workers <n>', 'worker threads (default: the number of cores)')
    .option('--no-progress', 'never show a progress bar')
    .option('--emit-job', 'print a Kubernetes Indexed Job that runs the sweep in shards, then exit')
    .option(
      '--image <image>',
      'container image for --emit-job (the Dockerfile at the repository root builds it)',
      DEFAULT_IMAGE,
    )
    .option('--shards <n>', 'completions (shards) for --emit-job', '10')
    .option('--parallelism <n>', 'pods at once for --emit-job (default: all shards)')
    .option(
      '--results-claim <name>',
      'PersistentVolumeClaim the Job writes shard files to',
      'meshsim-results',
    )
    .addOption(istioVersionOption());
  for (const o of findingsOptions()) cmd.addOption(o);
  cmd
    .addHelpText(
      'after',
      `\n${EXIT_HELP}\n` +
        'Example: meshsim sweep models/studies/canary-outlier.sweep.yaml --format csv --out sweep.csv',
    )
    .action(async (path: string, flags: SweepFlags) => {
      result.code = await sweepCommand(path, flags, io);
    });
}

export interface LoadedSweep {
  plan: StudyPlan;
  points: StudyInputs[];
  /** Loads point p like user input: its message when it does not load (runPlan's vetPoint). */
  vetPoint: (point: number) => string | undefined;
  findings: Findings;
}

/**
 * Reads a sweep file, its scenario and manifests, and builds every point's texts. Loading each point
 * (parse, validate, resolve) is left to vetPoint, which runPlan calls while earlier points simulate.
 */
export async function loadSweep(
  io: CliIo,
  path: string,
  flags: FindingsFlags & { istioVersion?: string } = {},
): Promise<LoadedSweep | { code: number }> {
  const istio = istioVersionFlag(flags.istioVersion);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const file = displayPath(path);
  const s = parseSweepSpec(text, file);
  if (s.spec === undefined) {
    printDiagnostics(io, s.diagnostics);
    return { code: EXIT.FINDINGS };
  }
  const spec = s.spec;
  const scenarioPath = resolve(dirname(path), spec.scenario);
  const read = await readStudyInputs(scenarioPath);
  if (read.inputs === undefined) {
    printDiagnostics(io, read.diagnostics);
    return { code: read.diagnostics.some((d) => d.code === 'MSIM0007') ? EXIT.USAGE : EXIT.FINDINGS };
  }
  const analysis = analysisMode(flags);
  const opts = { analysis, ...(istio !== undefined ? { istio } : {}) };
  const base = loadInputs(read.inputs, opts);
  if (base.loaded === undefined) {
    printDiagnostics(io, base.diagnostics, flags.verbose);
    notRun(io, file, base.simulable);
    return { code: EXIT.FINDINGS };
  }
  const targets = checkStudyTargets(
    spec.metrics ?? [],
    (i) => entryPosition(text, file, 'Sweep', ['spec', 'metrics', i]),
    base.loaded.scenario,
    base.loaded.config,
  );
  if (targets.length > 0) {
    printDiagnostics(io, targets);
    notRun(io, file, false);
    return { code: EXIT.FINDINGS };
  }
  const findings = findingsOf(base.diagnostics, base.simulatedErrors);
  const values =
    spec.design.kind === 'grid'
      ? gridPoints(spec.parameters)
      : randomPoints(spec.parameters, spec.design.points, spec.design.seed);
  const label = (i: number) =>
    `${file}: point ${i} (${spec.parameters.map((q, j) => `${q.address.text}=${values[i]![j]}`).join(', ')})`;
  const points: StudyInputs[] = [];
  for (const [i, v] of values.entries()) {
    const p = pointInputs(read.inputs, spec.parameters, v);
    if (typeof p === 'string') {
      io.stderr(`${label(i)}: ${p}\n`);
      return { code: EXIT.FINDINGS };
    }
    points.push(p);
  }
  const vetPoint = (i: number): string | undefined => {
    const l = loadInputs(points[i]!, opts);
    if (l.loaded === undefined)
      return `${label(i)} does not load:\n${l.errors.join('\n')}${l.simulable ? '\n(to simulate its analysis errors on purpose, add --simulate-misconfig)' : ''}`;
    if (l.simulatedErrors > base.simulatedErrors)
      io.stderr(
        `meshsim: WARNING: ${label(i)} has ${l.simulatedErrors} analysis error(s), simulated on purpose (--simulate-misconfig)\n`,
      );
    return undefined;
  };
  const m = canonicalMetrics(spec.metrics ?? defaultMetrics(base.loaded.scenario, base.loaded.config));
  const plan = makePlan({
    kind: 'sweep',
    name: spec.name,
    scenario: base.loaded.scenario.name,
    parameters: spec.parameters.map((p) => p.address.text),
    design: spec.design.kind,
    points: values,
    replications: spec.replications,
    baseSeed: spec.seed ?? base.loaded.scenario.seed,
    durationMs: spec.durationMs,
    metrics: m.metrics,
    assertions: [],
    inputsFingerprint: inputsFingerprint(read.inputs),
    diagnostics: findings.json,
    ...(findings.simulated ? { simulatedMisconfiguration: findings.simulated } : {}),
    ...(istio !== undefined ? { istioVersion: istio.version } : {}),
  });
  return { plan, points, vetPoint, findings };
}

async function sweepCommand(path: string, flags: SweepFlags, io: CliIo): Promise<number> {
  const format = studyFormat(flags.format);
  if (flags.emitJob) {
    const shards = positiveInt('--shards', flags.shards ?? '10', 10_000);
    const parallelism =
      flags.parallelism === undefined ? shards : positiveInt('--parallelism', flags.parallelism);
    io.stdout(
      emitJob({
        sweepPath: relative(process.cwd(), path) || path,
        image: flags.image,
        shards,
        parallelism,
        claim: flags.resultsClaim,
        // Each shard must make the same choice as the command that emitted the Job.
        simulateMisconfig: flags.simulateMisconfig === true,
        ...(flags.istioVersion !== undefined
          ? { istioVersion: istioVersionFlag(flags.istioVersion)!.version }
          : {}),
      }),
    );
    return EXIT.OK;
  }
  const shard = resolveShard(flags.shard);
  const exec = openExecutor(io, workerCount(flags.workers), flags.progress !== false, 'sweeping');
  try {
    const loaded = await loadSweep(io, path, flags);
    if ('code' in loaded) return loaded.code;
    const { plan, points, vetPoint, findings } = loaded;
    const verbose = flags.verbose === true;
    return (
      await runPlan(io, plan, points, { shard, exec, vetPoint, format, out: flags.out, findings, verbose })
    ).code;
  } finally {
    await exec.close();
  }
}
