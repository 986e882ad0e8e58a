import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderStudy, withMisconfigHeader } from '../../report/index.js';
import { aggregate, mergeShards } from '../../run/index.js';
import { EXIT_HELP, UsageError } from '../exit-codes.js';
import type { CliIo } from '../main.js';
import { reportGates, studyFormat, writeOut } from '../study-io.js';

interface MergeFlags {
  format: string;
  out?: string;
  junit?: string;
}

/**
 * `meshsim merge shard-*.json`: combines the shard files of one sweep or replication study into the
 * report the unsharded run prints, byte for byte (same plan, same unit figures, same renderer).
 */
export function registerMerge(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('merge')
    .description('Combine shard outputs (--shard i/N) of a sweep or replications into one report')
    .argument('<shards...>', 'shard files written with --shard i/N')
    .option('-f, --format <format>', 'output format: text|json|csv', 'text')
    .option('-o, --out <file>', 'write the report to a file')
    .option('--junit <file>', 'write the gates (run --replications --assert) as JUnit XML')
    .addHelpText(
      'after',
      `\n${EXIT_HELP} For merge: 2 when shard files are missing, unreadable or not of one study.`,
    )
    .action(async (paths: string[], flags: MergeFlags) => {
      const format = studyFormat(flags.format);
      const files: { name: string; data: unknown }[] = [];
      for (const p of paths) {
        let text: string;
        try {
          text = await readFile(p, 'utf8');
        } catch (e) {
          throw new UsageError(`cannot read ${p}: ${(e as Error).message}`);
        }
        try {
          files.push({ name: p, data: JSON.parse(text) });
        } catch (e) {
          throw new UsageError(`${p}: not JSON: ${(e as Error).message}`);
        }
      }
      const merged = mergeShards(files);
      if (typeof merged === 'string') throw new UsageError(merged);
      const report = aggregate(merged.plan, merged.units);
      // Shards of a study run with --simulate-misconfig carry it in their plan: so does the merged report.
      const misconfig = report.simulatedMisconfiguration?.message;
      await writeOut(io, flags.out, withMisconfigHeader(renderStudy(report, format), format, misconfig));
      result.code = await reportGates(io, report.scenario, report.gates, flags.junit, {
        ...(misconfig ? { misconfig } : {}),
      });
    });
}
