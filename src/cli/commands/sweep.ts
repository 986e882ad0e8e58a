import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../config/diagnostics.js';
import {
  renderJunit,
  renderStudy,
  STUDY_FORMATS,
  type StudyFormat,
  withMisconfigHeader,
} from '../../report/index.js';
import {
  aggregate,
  canonicalMetrics,
  defaultMetrics,
  executeUnits,
  gridPoints,
  inputsFingerprint,
  loadInputs,
  makePlan,
  parseShard,
  parseSweepSpec,
  pointInputs,
  randomPoints,
  renderShardFile,
  type Shard,
  shardFile,
  shardFromEnv,
  shardUnits,
  type StudyInputs,
  type StudyPlan,
  type StudyReport,
  type StudyRun,
  type UnitRef,
  unitsOf,
} from '../../run/index.js';
import { checkStudyTargets, gateDiagnostics } from '../../run/study/gate-check.js';
import type { GateSource } from '../../run/study/gates.js';
import { openUnitRunner } from '../../run/study/pool.js';
import { readStudyInputs } from '../../run/study/read-inputs.js';
import { EXIT, EXIT_HELP, UsageError } from '../exit-codes.js';

/** The image `--emit-job` names: the Dockerfile at the repository root builds it (docs/studies.md). */
export const DEFAULT_IMAGE = 'meshsim:latest';
import {
  analysisMode,
  decorate,
  entryPosition,
  type Findings,
  type FindingsFlags,
  findingsOf,
  findingsOptions,
  notRun,
  printDiagnostics,
} from '../findings.js';
import type { CliIo } from '../main.js';

// ---- helpers shared by run --replications, sweep, tune and merge

export function positiveInt(flag: string, s: string, max = 1_000_000): number {
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max)
    throw new UsageError(`${flag} must be an integer from 1 to ${max}, got "${s}"`);
  return Number(s);
}

export function studyFormat(s: string): StudyFormat {
  if (!STUDY_FORMATS.includes(s as StudyFormat))
    throw new UsageError(`--format must be one of ${STUDY_FORMATS.join(', ')} for a study, got "${s}"`);
  return s as StudyFormat;
}

/** `--shard i/N`, else JOB_COMPLETION_INDEX with MESHSIM_SHARDS (a Kubernetes Indexed Job). */
export function resolveShard(flag: string | undefined): Shard | undefined {
  const s = flag !== undefined ? parseShard(flag) : shardFromEnv(process.env);
  if (typeof s === 'string') throw new UsageError(s);
  return s;
}

/** `{shard}` in --out becomes the shard index (one file per Job completion). */
export function outPath(out: string | undefined, shard: Shard | undefined): string | undefined {
  return out === undefined || shard === undefined ? out : out.replaceAll('{shard}', String(shard.index));
}

export async function writeOut(io: CliIo, out: string | undefined, text: string): Promise<void> {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await writeFile(out, text);
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
}

/** Inside the working directory relative to it, else as given (like the manifest loader). */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel === '' || rel.startsWith('..') ? p : rel;
}

export function workerCount(flag: string | undefined): number {
  return flag === undefined ? availableParallelism() : positiveInt('--workers', flag, 256);
}

/** Runs a command's study units, with a progress bar (on a terminal, unless --no-progress). */
export interface StudyExecutor {
  execute(
    plan: StudyPlan,
    points: readonly StudyInputs[],
    units: readonly UnitRef[],
    vetPoint?: (point: number) => string | undefined,
  ): Promise<StudyRun>;
  close(): Promise<void>;
}

/**
 * Opens the worker threads first, so that they load while the command reads and parses its inputs;
 * close it in a `finally`.
 */
export function openExecutor(io: CliIo, workers: number, progress: boolean, label: string): StudyExecutor {
  const runner = openUnitRunner({ workers });
  return {
    async execute(plan, points, units, vetPoint) {
      let bar: SingleBar | null = null;
      if (progress && io.isTty && units.length > 1) {
        bar = new SingleBar(
          {
            format: `${label} [{bar}] {value}/{total} runs | {workers} workers | ETA {eta}s`,
            stream: process.stderr,
            hideCursor: true,
            // Runs finish a point (its replications) at a time: estimate the rate over many batches,
            // not the last 10 runs (cli-progress's default), which a burst or two fills.
            etaBuffer: 100,
          },
          undefined,
        );
        bar.start(units.length, 0, { workers: Math.max(1, runner.threads) });
      }
      try {
        return await executeUnits(plan, points, units, runner, {
          ...(vetPoint !== undefined ? { vetPoint } : {}),
          onUnitDone: () => bar?.increment(),
        });
      } finally {
        bar?.stop();
      }
    },
    close: () => runner.close(),
  };
}

/**
 * Runs a plan (or one shard of it) and writes either the report or the shard file. Returns the report
 * when it was complete (not sharded); a point that does not load is printed and exits 1.
 */
export async function runPlan(
  io: CliIo,
  plan: StudyPlan,
  points: readonly StudyInputs[],
  opts: {
    shard: Shard | undefined;
    exec: StudyExecutor;
    vetPoint?: (point: number) => string | undefined;
    format: StudyFormat;
    out: string | undefined;
    findings?: Findings;
    verbose?: boolean;
  },
): Promise<{ code: number; report?: StudyReport }> {
  const units = shardUnits(unitsOf(plan), opts.shard);
  const run = await opts.exec.execute(plan, points, units, opts.vetPoint);
  if (!run.ok) {
    io.stderr(`${run.rejected}\n`);
    return { code: EXIT.FINDINGS };
  }
  if (opts.shard !== undefined) {
    await writeOut(
      io,
      outPath(opts.out, opts.shard),
      renderShardFile(shardFile(plan, opts.shard, run.outcomes)),
    );
    return { code: EXIT.OK };
  }
  const report = aggregate(plan, run.outcomes);
  const text = renderStudy(report, opts.format);
  await writeOut(
    io,
    opts.out,
    opts.findings
      ? decorate(io, text, opts.format, opts.findings, {
          verbose: opts.verbose === true,
          toFile: opts.out !== undefined,
        })
      : text,
  );
  return { code: EXIT.OK, report };
}

/**
 * Prints each gate's verdict on stderr as a diagnostic line (positioned at its spec.slo entry or
 * `--assert[n]`) and a summary, writes JUnit if asked; returns 0, or EXIT.GATE_FAILED (3).
 */
export async function reportGates(
  io: CliIo,
  suite: string,
  gates: StudyReport['gates'],
  junit: string | undefined,
  o: {
    sources?: readonly (GateSource | undefined)[];
    fileLines?: readonly string[];
    misconfig?: string;
  } = {},
): Promise<number> {
  if (junit !== undefined)
    await writeOut(io, junit, withMisconfigHeader(renderJunit(suite, gates), 'junit', o.misconfig));
  if (gates.length === 0) return EXIT.OK;
  for (const d of gateDiagnostics(gates, o.sources ?? [], o.fileLines)) io.stderr(`${formatDiagnostic(d)}\n`);
  const failed = gates.filter((g) => !g.passed).length;
  io.stderr(
    failed === 0
      ? `meshsim: all ${gates.length} gates passed\n`
      : `meshsim: ${failed} of ${gates.length} gates FAILED (exit ${EXIT.GATE_FAILED})\n`,
  );
  return failed === 0 ? EXIT.OK : EXIT.GATE_FAILED;
}

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
    );
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
  flags: FindingsFlags = {},
): Promise<LoadedSweep | { code: number }> {
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
  const base = loadInputs(read.inputs, { analysis });
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
    const l = loadInputs(points[i]!, { analysis });
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

/**
 * A Kubernetes Indexed Job: completion i runs `meshsim sweep --shard i/N` (through JOB_COMPLETION_INDEX,
 * which the Job controller sets, and MESHSIM_SHARDS) and writes /results/shard-i.json to a volume; then
 * `meshsim merge /results/shard-*.json` anywhere the volume is mounted.
 */
export function emitJob(o: {
  sweepPath: string;
  image: string;
  shards: number;
  parallelism: number;
  claim: string;
}): string {
  const name = `meshsim-sweep-${o.sweepPath
    .split('/')
    .pop()!
    .replace(/\.ya?ml$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')}`
    .slice(0, 52)
    .replace(/-+$/, '');
  return `# Indexed Job: ${o.shards} shards of ${o.sweepPath}; merge with
#   meshsim merge /results/shard-*.json --format csv --out sweep.csv
# The image: docker build -t ${o.image} . at the repository root (the Dockerfile copies the checkout to /work,
# models/ included; push it to a registry the cluster pulls from, or kind load docker-image ${o.image}).
# The PersistentVolumeClaim ${o.claim} must exist and be ReadWriteMany when pods share it (docs/studies.md).
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  labels: {app.kubernetes.io/name: meshsim}
spec:
  completionMode: Indexed
  completions: ${o.shards}
  parallelism: ${o.parallelism}
  backoffLimit: 6
  template:
    metadata:
      labels: {app.kubernetes.io/name: meshsim}
      annotations: {sidecar.istio.io/inject: "false"}
    spec:
      restartPolicy: Never
      # The image runs as the node user (uid 1000): fsGroup lets it write the shard files to the volume.
      securityContext: {runAsUser: 1000, fsGroup: 1000}
      containers:
        - name: meshsim
          image: ${o.image}
          workingDir: /work
          command: [meshsim, sweep, ${JSON.stringify(o.sweepPath)}, --format, json, --no-progress, --out, "/results/shard-{shard}.json"]
          env:
            - name: MESHSIM_SHARDS
              value: "${o.shards}"
          resources:
            requests: {cpu: "2", memory: 1Gi}
          volumeMounts:
            - {name: results, mountPath: /results}
      volumes:
        - name: results
          persistentVolumeClaim: {claimName: ${o.claim}}
`;
}
