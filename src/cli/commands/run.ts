import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../config/diagnostics.js';
import { loadScenarioFile } from '../../config/scenario/fs-load.js';
import { parseDurationMs } from '../../engine/index.js';
import { REPORT_FORMATS, type ReportFormat, render } from '../../report/index.js';
import { runScenario } from '../../run/index.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { CliIo } from '../main.js';

interface RunFlags {
  seed?: string;
  duration?: string;
  format: string;
  out?: string;
  timing?: boolean;
  progress?: boolean;
}

export function registerRun(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('run')
    .description('Run a scenario (manifests + load + chaos) and report what the mesh did')
    .argument('<scenario>', 'scenario file (apiVersion: meshsim.dev/v1alpha1, kind: Scenario)')
    .option('-s, --seed <n>', "override the scenario's seed (a non-negative integer)")
    .option('-d, --duration <duration>', "override the scenario's duration, e.g. 30s")
    .option('-f, --format <format>', `output format: ${REPORT_FORMATS.join('|')}`, 'text')
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .option('--timing', 'add wall-clock timing to the report (makes output differ between runs)')
    .option('--no-progress', 'never show a progress bar')
    .addHelpText(
      'after',
      '\nExit codes: 0 ran, 1 the scenario or manifests have errors (printed as diagnostics), 2 usage or unreadable files.\n' +
        'Example: meshsim run models/canary/canary.scenario.yaml --format json --out result.json',
    )
    .action(async (scenarioPath: string, flags: RunFlags) => {
      result.code = await runCommand(scenarioPath, flags, io);
    });
}

async function runCommand(path: string, flags: RunFlags, io: CliIo): Promise<number> {
  const format = flags.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${flags.format}"`);
  const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  const load = await loadScenarioFile(path);
  for (const d of load.diagnostics) if (d.severity !== 'info') io.stderr(`${formatDiagnostic(d)}\n`);
  if (load.loaded === undefined) {
    if (load.unreadable) return EXIT.USAGE;
    io.stderr(`meshsim: ${path}: not run because of the errors above\n`);
    return EXIT.FINDINGS;
  }
  const bar = new LazyProgress(io, flags.progress !== false);
  const t0 = performance.now();
  const r = runScenario(load.loaded, {
    ...(seed !== undefined ? { seed } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    onProgress: (f) => bar.update(f),
  });
  bar.stop();
  if (flags.timing) {
    const wallMs = Math.round(performance.now() - t0);
    const requests = r.clients.reduce((s, c) => s + c.requests, 0);
    r.timing = {
      wallMs,
      eventsPerSec: Math.round(r.events / (wallMs / 1000)),
      simulatedRequestsPerSec: Math.round(requests / (wallMs / 1000)),
    };
  }
  const text = render(r, format);
  if (flags.out !== undefined) {
    try {
      await writeFile(flags.out, text);
    } catch (e) {
      throw new UsageError(`cannot write ${flags.out}: ${(e as Error).message}`);
    }
  } else {
    io.stdout(text);
  }
  return EXIT.OK;
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
