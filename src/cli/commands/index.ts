import type { Command } from 'commander';
import type { CliIo } from '../main.js';

/** Every sub-command registers itself here (one file per command in this folder). */
export function registerCommands(_program: Command, _io: CliIo, _result: { code: number }): void {}
