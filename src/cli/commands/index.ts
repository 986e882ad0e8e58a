import type { Command } from 'commander';
import type { CliIo } from '../main.js';
import { registerCalibrate } from './calibrate.js';
import { registerDescribe } from './describe.js';
import { registerMerge } from './merge.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';
import { registerTune } from './tune.js';
import { registerValidate } from './validate.js';

/** Every sub-command registers itself here (one file per command in this folder). */
export function registerCommands(program: Command, io: CliIo, result: { code: number }): void {
  registerCalibrate(program, io, result);
  registerDescribe(program, io, result);
  registerMerge(program, io, result);
  registerRun(program, io, result);
  registerSweep(program, io, result);
  registerTune(program, io, result);
  registerValidate(program, io, result);
}
