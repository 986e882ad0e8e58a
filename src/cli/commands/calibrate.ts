import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type Command, Option } from 'commander';
import { type CalibrateInput, calibrate } from '../../calibrate/index.js';
import { CALIBRATE_LIMITS } from '../../calibrate/series.js';
import { type Diagnostic, formatDiagnostic } from '../../config/diagnostics.js';
import { parseDurationMs } from '../../engine/index.js';
import { EXIT, EXIT_HELP, UsageError } from '../exit-codes.js';
import type { CliIo } from '../main.js';
import { writeOut } from '../study-io.js';

interface CalibrateFlags {
  out?: string;
  manifestsOut?: string;
  window?: string;
  reporter: 'destination' | 'source';
  format: 'text' | 'json';
  report?: string;
  name: string;
}

/**
 * `meshsim calibrate <files...>`: Prometheus query results (HTTP API JSON) or exposition text in, a
 * scenario out (docs/calibration.md). Exit 0 written, 1 the inputs have errors (diagnostics on stderr),
 * 2 usage or unreadable file.
 */
export function registerCalibrate(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('calibrate')
    .description(
      "Write a scenario (workloads, traffic, call graph, fitted latencies, error mixes) from Prometheus data of Istio's metrics",
    )
    .argument(
      '<files...>',
      'Prometheus /api/v1/query or /api/v1/query_range JSON, or Prometheus / OpenMetrics text',
    )
    .option('-o, --out <file>', 'write the scenario here (default: stdout)')
    .option(
      '--manifests-out <dir>',
      'write the manifests to <dir>/manifests.yaml and name them in spec.manifests (default: inline in the scenario)',
    )
    .option('--window <duration>', 'the span counter totals without timestamps cover, e.g. 5m')
    .addOption(
      new Option('--reporter <reporter>', "which proxy's series to read")
        .choices(['destination', 'source'])
        .default('destination'),
    )
    .addOption(
      new Option('-f, --format <format>', 'format of the fit report')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('--report <file>', 'write the fit report to a file (default: stdout with -o, else stderr)')
    .option('--name <name>', 'metadata.name of the scenario', 'calibrated')
    .addHelpText(
      'after',
      `\n${EXIT_HELP} For calibrate: 1 when the inputs have errors, never 3.\n` +
        'Example: meshsim run models/canary/canary.scenario.yaml -f openmetrics -o run.om\n' +
        '         meshsim calibrate run.om -o calibrated.scenario.yaml --manifests-out calibrated/\n' +
        '         meshsim calibrate requests.json buckets.json --window 5m -f json --report fit.json',
    )
    .action(async (files: string[], flags: CalibrateFlags) => {
      result.code = await calibrateCommand(files, flags, io);
    });
}

async function calibrateCommand(files: string[], flags: CalibrateFlags, io: CliIo): Promise<number> {
  let windowMs: number | undefined;
  if (flags.window !== undefined) {
    const w = parseDurationMs(flags.window);
    if (!w.ok || w.value <= 0) throw new UsageError(`--window: ${w.ok ? 'must be > 0' : w.message}`);
    windowMs = w.value;
  }
  const inputs: CalibrateInput[] = [];
  const tooLarge: Diagnostic[] = [];
  for (const f of files) {
    let size: number;
    try {
      size = (await stat(f)).size;
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
    if (size > CALIBRATE_LIMITS.maxFileBytes) {
      tooLarge.push({
        severity: 'error',
        code: 'MSIM3183',
        file: f,
        line: 0,
        column: 0,
        message: `${size} bytes: larger than the ${CALIBRATE_LIMITS.maxFileBytes}-byte limit; aggregate in PromQL first`,
      });
      continue;
    }
    // Progress on a terminal only: a large export takes seconds to parse (about 0.4 s per 1 MB here).
    if (io.isTty && size > 8 * 1024 * 1024)
      io.stderr(`reading ${f} (${(size / 1048576).toFixed(1)} MiB) ...\n`);
    try {
      inputs.push({ file: f, text: await readFile(f, 'utf8') });
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
  }
  const manifestsFile =
    flags.manifestsOut !== undefined ? join(flags.manifestsOut, 'manifests.yaml') : undefined;
  const scenarioDir = flags.out !== undefined ? dirname(flags.out) : '.';
  const c = calibrate(inputs, {
    reporter: flags.reporter,
    name: flags.name,
    ...(windowMs !== undefined ? { windowMs } : {}),
    ...(manifestsFile !== undefined
      ? { manifestsPath: relative(scenarioDir, manifestsFile).split('\\').join('/') }
      : {}),
  });
  const diagnostics = [...tooLarge, ...c.diagnostics];
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (diagnostics.some((d) => d.severity === 'error') || c.scenarioYaml === undefined) return EXIT.FINDINGS;
  if (manifestsFile !== undefined) {
    await mkdir(flags.manifestsOut!, { recursive: true });
    await writeOut(io, manifestsFile, c.manifestsYaml!);
  }
  await writeOut(io, flags.out, c.scenarioYaml);
  const report = flags.format === 'json' ? `${JSON.stringify(c.report, null, 2)}\n` : c.table!;
  if (flags.report !== undefined) await writeOut(io, flags.report, report);
  else if (flags.out !== undefined) io.stdout(report);
  else io.stderr(report);
  return EXIT.OK;
}
