import type { Command } from 'commander';
import type { CliIo } from '../main.js';
import { registerRun } from './run.js';
import { registerValidate } from './validate.js';

/** Every sub-command registers itself here (one file per command in this folder). */
export function registerCommands(program: Command, io: CliIo, result: { code: number }): void {
  registerRun(program, io, result);
  registerValidate(program, io, result);
}
