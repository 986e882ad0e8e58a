/**
 * An output file is checked before the work that fills it: a run of simulated minutes, a sweep or a tune
 * of an hour must not end in "cannot write" with its result lost. Shared by every command that writes a
 * report, a JUnit file or an access log, and by writeOut for its message.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './exit-codes.js';

/** Throws `cannot write PATH: ...` (exit 2) unless PATH could be created or overwritten now. */
export function checkWritable(path: string | undefined): void {
  if (path === undefined) return;
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error('is a directory');
    accessSync(path, constants.W_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(path, e);
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (e2) {
      throw cannotWrite(path, e2);
    }
  }
}

export function cannotWrite(path: string, e: unknown): UsageError {
  return new UsageError(`cannot write ${path}: ${(e as Error).message}`);
}
