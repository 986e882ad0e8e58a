/** Helpers shared by `run --replications`, `sweep`, `tune`, `merge` and `validate`. */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { SingleBar } from 'cli-progress';
import { formatDiagnostic } from '../config/diagnostics.js';
import {
  renderJunit,
  renderStudy,
  STUDY_FORMATS,
  type StudyFormat,
  withMisconfigHeader,
} from '../report/index.js';
import {
  aggregate,
  executeUnits,
  parseShard,
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
} from '../run/index.js';
import { gateDiagnostics } from '../run/study/gate-check.js';
import type { GateSource } from '../run/study/gates.js';
import { openUnitRunner } from '../run/study/pool.js';
import { EXIT, UsageError } from './exit-codes.js';
import { decorate, type Findings } from './findings.js';
import type { CliIo } from './main.js';
import { cannotWrite, checkWritable } from './writable.js';

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
    throw cannotWrite(out, e);
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
  checkWritable(outPath(opts.out, opts.shard)); // before the work, which may take an hour
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
