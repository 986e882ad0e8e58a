import { readFile } from 'node:fs/promises';
import { istioVersionFlag, istioVersionOption } from '../istio-version-flag.js';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Diagnostic } from '../../config/diagnostics.js';
import type { Scenario } from '../../config/scenario/index.js';
import { durationOverrideProblem } from '../../config/scenario/size.js';
import { loadScenarioFile } from '../../config/scenario/fs-load.js';
import { parseDurationMs } from '../../engine/index.js';
import {
  REPORT_FORMATS,
  type ReportFormat,
  render,
  STUDY_FORMATS,
  type StudyFormat,
} from '../../report/index.js';
import {
  type Assertion,
  canonicalMetrics,
  defaultMetrics,
  evaluateGates,
  formatParseError,
  type GateSource,
  inputsFingerprint,
  makePlan,
  metricKey,
  parseGates,
  runObserved,
  type Shard,
} from '../../run/index.js';
import { checkGateTargets, gateOrigin } from '../../run/study/gate-check.js';
import { runViews, VIEW_FORMATS, viewOptions, viewRequest } from '../run-views.js';
import { readStudyInputs } from '../../run/study/read-inputs.js';
import { EXIT, EXIT_HELP, UsageError } from '../exit-codes.js';
import {
  analysisMode,
  decorate,
  type Findings,
  type FindingsFlags,
  findingsOf,
  findingsOptions,
  notRun,
  printDiagnostics,
} from '../findings.js';
import type { CliIo } from '../main.js';
import {
  openExecutor,
  positiveInt,
  reportGates,
  resolveShard,
  runPlan,
  type StudyExecutor,
  studyFormat,
  workerCount,
  writeOut,
} from '../study-io.js';
import { checkWritable } from '../writable.js';

interface RunFlags extends FindingsFlags {
  seed?: string;
  duration?: string;
  format: string;
  out?: string;
  timing?: boolean;
  progress?: boolean;
  replications?: string;
  assert: string[];
  junit?: string;
  slo?: boolean;
  shard?: string;
  workers?: string;
  pod?: string;
  accessLog?: string;
  accessLogFilter?: string;
  accessLogSample?: string;
  istioVersion?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerRun(program: Command, io: CliIo, result: { code: number }): void {
  const cmd = program
    .command('run')
    .description(
      'Run a scenario (manifests + load + chaos) and report what the mesh did; the inputs are validated and analyzed first, like `meshsim validate`',
    )
    .argument('<scenario>', 'scenario file (apiVersion: meshsim.dev/v1alpha1, kind: Scenario)')
    .option(
      '-f, --format <format>',
      `output format: ${[...REPORT_FORMATS, ...VIEW_FORMATS].join('|')}; with --replications: ${STUDY_FORMATS.join('|')}`,
      'text',
    )
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .addOption(istioVersionOption())
    .option('-s, --seed <n>', "override the scenario's seed (a non-negative integer)")
    .option('-d, --duration <duration>', "override the scenario's duration, e.g. 30s")
    .option('--timing', 'add wall-clock timing to the report (makes output differ between runs)')
    .option('--no-progress', 'never show a progress bar')
    .option('-r, --replications <n>', 'run n seeds (seed, seed+1, ...) and report means with 95 % CIs')
    .option(
      '--assert <expr>',
      "a CI gate such as 'success_rate(frontend) >= 0.999' or 'p99(product-service) < 250ms' (repeatable)",
      collect,
      [],
    )
    .option('--no-slo', "ignore the scenario's spec.slo gates")
    .option('--junit <file>', 'write the gates (spec.slo and --assert) as a JUnit XML report')
    .option('--shard <i/N>', 'with --replications: run shard i of N (0-based) and write a shard file')
    .option('-w, --workers <n>', 'with --replications: worker threads (default: the number of cores)');
  for (const o of viewOptions()) cmd.addOption(o);
  for (const o of findingsOptions()) cmd.addOption(o);
  cmd
    .addHelpText(
      'after',
      `\n${EXIT_HELP}\n` +
        'Example: meshsim run models/canary/canary.scenario.yaml --format json --out result.json\n' +
        "         meshsim run models/canary/canary.scenario.yaml -r 10 --assert 'success_rate(frontend) >= 0.99' --junit gates.xml",
    )
    .action(async (scenarioPath: string, flags: RunFlags) => {
      result.code = await runCommand(scenarioPath, flags, io);
    });
}

async function runCommand(path: string, flags: RunFlags, io: CliIo): Promise<number> {
  const replications =
    flags.replications === undefined ? undefined : positiveInt('--replications', flags.replications, 10_000);
  if (replications === undefined && flags.shard !== undefined)
    throw new UsageError('--shard needs --replications (a single run cannot be split)');
  if (replications === undefined && flags.workers !== undefined)
    throw new UsageError('--workers needs --replications');
  const format = flags.format as ReportFormat;
  const views = viewRequest(flags);
  if (replications !== undefined && views !== undefined)
    throw new UsageError(
      '--pod, --access-log and -f openmetrics|envoy-clusters need a single run (no --replications)',
    );
  if (replications === undefined && !REPORT_FORMATS.includes(format) && views?.format === undefined)
    throw new UsageError(
      `--format must be one of ${[...REPORT_FORMATS, ...VIEW_FORMATS].join(', ')}, got "${flags.format}"`,
    );
  if (replications !== undefined) studyFormat(flags.format);
  // Before any work, so that a long run's result is never lost to an unwritable path (runPlan checks a
  // study's --out, which may name a shard).
  if (replications === undefined) checkWritable(flags.out);
  checkWritable(flags.junit);
  checkWritable(views?.accessLog?.file);
  const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  const cliGates: GateSource[] = flags.assert.map((text, i) => ({
    text,
    origin: { flag: `--assert[${i + 1}]` },
  }));
  const badFlags = parseGates(cliGates).failures;
  if (badFlags.length > 0)
    throw new UsageError(
      badFlags.map((f) => formatParseError(f.source.text, f.error, '--assert')).join('\n'),
    );
  const istio = istioVersionFlag(flags.istioVersion);
  const load = await loadScenarioFile(path, { analysis: analysisMode(flags), ...(istio ? { istio } : {}) });
  if (load.loaded === undefined) {
    printDiagnostics(io, load.diagnostics, flags.verbose);
    if (load.unreadable) return EXIT.USAGE;
    notRun(io, path, load.simulable);
    return EXIT.FINDINGS;
  }
  if (durationMs !== undefined) {
    // --duration goes through the same limits as the scenario's own duration (docs/config.md, Limits).
    const problem = durationOverrideProblem(load.loaded.scenario, load.loaded.config, durationMs);
    if (problem !== undefined) throw new UsageError(`--duration ${flags.duration}: ${problem}`);
  }
  const gates = await prepareGates(path, load.loaded, [
    ...(flags.slo === false ? [] : sloGates(load.loaded.scenario)),
    ...cliGates,
  ]);
  if (gates.errors.length > 0) {
    printDiagnostics(io, [...load.diagnostics, ...gates.errors], flags.verbose);
    notRun(io, path, false);
    return EXIT.FINDINGS;
  }
  const findings = findingsOf(load.diagnostics, load.simulatedErrors);
  const assertions = gates.parsed.map((g) => g.assertion);
  const gateReport = {
    sources: gates.parsed.map((g) => g.source),
    fileLines: gates.fileLines,
    ...(findings.simulated ? { misconfig: findings.simulated.message } : {}),
  };
  if (replications !== undefined)
    return replicate(path, io, flags, {
      replications,
      seed,
      durationMs,
      assertions,
      load: load.loaded,
      findings,
      gateReport,
      // Workers reload the scenario's texts: the plan carries the version for them.
      ...(istio !== undefined ? { istioVersion: istio.version } : {}),
    });
  const bar = new LazyProgress(io, flags.progress !== false);
  if (views !== undefined)
    return runViews(io, path, load.loaded, views, findings, {
      flags,
      gates: assertions,
      gateReport,
      onProgress: (f) => {
        bar.update(f);
        if (f >= 1) bar.stop();
      },
      ...(seed !== undefined ? { seed } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    });
  const t0 = performance.now();
  const observed = runObserved(load.loaded, {
    ...(seed !== undefined ? { seed } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    onProgress: (f) => bar.update(f),
  });
  bar.stop();
  const r = observed.result;
  if (flags.timing) {
    const wallMs = Math.round(performance.now() - t0);
    const requests = r.clients.reduce((s, c) => s + c.requests, 0);
    r.timing = {
      wallMs,
      eventsPerSec: Math.round(r.events / (wallMs / 1000)),
      simulatedRequestsPerSec: Math.round(requests / (wallMs / 1000)),
    };
  }
  r.diagnostics = findings.json;
  if (findings.simulated) r.simulatedMisconfiguration = findings.simulated;
  const text = decorate(io, render(r, format), format, findings, {
    verbose: flags.verbose === true,
    toFile: flags.out !== undefined,
  });
  await writeOut(io, flags.out, text);
  return reportGates(io, r.scenario, evaluateGates(observed, assertions), flags.junit, gateReport);
}

/**
 * Parses every gate (spec.slo entries and --assert flags, already parsed) and checks the clients and
 * services they name against the scenario: positioned errors, before anything runs.
 */
async function prepareGates(
  path: string,
  loaded: { scenario: Scenario; config: Parameters<typeof checkGateTargets>[2] },
  sources: GateSource[],
): Promise<{
  errors: Diagnostic[];
  parsed: ReturnType<typeof parseGates>['gates'];
  fileLines: string[];
}> {
  const parsed = parseGates(sources);
  const fileLines = (await readFile(path, 'utf8')).split('\n');
  const errors: Diagnostic[] = parsed.failures.map((f) => {
    const at = gateOrigin(f.source, fileLines);
    return {
      severity: 'error',
      code: 'MSIM2002',
      message: `spec.slo: ${f.error.message}`,
      file: at.file,
      line: at.line,
      column: at.column + f.error.column - 1,
    };
  });
  errors.push(...checkGateTargets(parsed.gates, loaded.scenario, loaded.config, fileLines));
  return { errors, parsed: parsed.gates, fileLines };
}

/** spec.slo entries as gate sources, each with the position of its text for parse errors. */
function sloGates(s: Scenario): GateSource[] {
  return (s.slo ?? []).map((e) => ({
    text: e.assert,
    origin: { file: e.file, line: e.line, column: e.column },
  }));
}

type GateReportOptions = NonNullable<Parameters<typeof reportGates>[4]>;

/**
 * `--replications R`: R seeds (seed, seed+1, ...) in worker threads, each figure as a mean with its
 * 95 % CI, gates checked on the means; with --shard, one shard of the replications as a shard file.
 */
async function replicate(
  path: string,
  io: CliIo,
  flags: RunFlags,
  o: {
    replications: number;
    seed: number | undefined;
    durationMs: number | undefined;
    assertions: Assertion[];
    load: { scenario: Scenario; config: Parameters<typeof defaultMetrics>[1] };
    findings: Findings;
    gateReport: GateReportOptions;
    istioVersion?: string;
  },
): Promise<number> {
  const format = studyFormat(flags.format);
  const shard = resolveShard(flags.shard);
  const exec = openExecutor(io, workerCount(flags.workers), flags.progress !== false, 'replicating');
  try {
    return await replicatePlan(path, io, flags, o, { format, shard, exec });
  } finally {
    await exec.close();
  }
}

async function replicatePlan(
  path: string,
  io: CliIo,
  flags: RunFlags,
  o: Parameters<typeof replicate>[3],
  { format, shard, exec }: { format: StudyFormat; shard: Shard | undefined; exec: StudyExecutor },
): Promise<number> {
  const read = await readStudyInputs(path);
  if (read.inputs === undefined) {
    printDiagnostics(io, read.diagnostics);
    return EXIT.USAGE;
  }
  const m = canonicalMetrics([
    ...defaultMetrics(o.load.scenario, o.load.config),
    ...o.assertions.map((a) => metricKey(a)),
  ]);
  const plan = makePlan({
    kind: 'replications',
    name: o.load.scenario.name,
    scenario: o.load.scenario.name,
    parameters: [],
    design: 'single',
    points: [[]],
    replications: o.replications,
    baseSeed: o.seed ?? o.load.scenario.seed,
    durationMs: o.durationMs ?? null,
    metrics: m.metrics,
    assertions: o.assertions.map((a) => a.source),
    inputsFingerprint: inputsFingerprint(read.inputs),
    diagnostics: o.findings.json,
    ...(o.findings.simulated ? { simulatedMisconfiguration: o.findings.simulated } : {}),
    ...(o.istioVersion !== undefined ? { istioVersion: o.istioVersion } : {}),
  });
  const ran = await runPlan(io, plan, [read.inputs], {
    shard,
    exec,
    format,
    out: flags.out,
    findings: o.findings,
    verbose: flags.verbose === true,
  });
  if (ran.report === undefined) return ran.code;
  return reportGates(io, ran.report.scenario, ran.report.gates, flags.junit, o.gateReport);
}

function parseSeed(s: string): number {
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
    throw new UsageError(`--seed must be a non-negative integer, got "${s}"`);
  return Number(s);
}

function parseDuration(s: string): number {
  const d = parseDurationMs(s);
  if (!d.ok || d.value <= 0)
    throw new UsageError(`--duration must be a positive duration such as 30s, got "${s}"`);
  return d.value;
}

/** A progress bar that appears only on a terminal and only once a run has taken over a second. */
class LazyProgress {
  private bar: SingleBar | null = null;
  private readonly t0 = performance.now();
  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
  ) {}
  update(fraction: number): void {
    if (!this.enabled || !this.io.isTty) return;
    if (this.bar === null) {
      if (performance.now() - this.t0 < 1000 || fraction >= 1) return;
      this.bar = new SingleBar(
        { format: 'simulating [{bar}] {percentage}% | ETA {eta}s', stream: process.stderr, hideCursor: true },
        undefined,
      );
      this.bar.start(100, 0);
    }
    this.bar.update(Math.round(fraction * 100));
  }
  stop(): void {
    this.bar?.stop();
  }
}
