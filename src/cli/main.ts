import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, EXIT_HELP, UsageError } from './exit-codes.js';
import { registerCommands } from './commands/index.js';
import { type QuietStream, quietOnClosedPipe } from './pipe.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * Resolves once stdout can take more, to false if its reader has gone: for output written a chunk at
   * a time (chunked-output.ts). Without it, stdout is taken to keep up.
   */
  stdoutReady?: () => Promise<boolean>;
  /** Whether stdout is an interactive terminal (progress bars only then). */
  isTty: boolean;
  stdin?: () => Promise<string>;
}

let stdout: QuietStream | undefined;

export const processIo: CliIo = {
  stdout: (t) => {
    stdout ??= quietOnClosedPipe(process.stdout);
    stdout.write(t);
  },
  stdoutReady: () => {
    stdout ??= quietOnClosedPipe(process.stdout);
    return stdout.ready();
  },
  stderr: (t) => process.stderr.write(t),
  isTty: process.stdout.isTTY === true,
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Builds the `meshsim` program. Commands set `result.code`; main() returns it. */
export function buildProgram(io: CliIo, result: { code: number }): Command {
  const program = new Command('meshsim')
    .description(
      'Deterministic discrete-event simulator of an Istio service mesh: replay your Kubernetes and Istio manifests under load and failures before rollout.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_HELP}`)
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  registerCommands(program, io, result);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const result = { code: EXIT.OK as number };
  const program = buildProgram(io, result);
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    if (e instanceof UsageError) {
      io.stderr(`meshsim: ${e.message}\n`);
      return EXIT.USAGE;
    }
    // A bug, not user input: say so plainly, with the message but without a stack trace.
    io.stderr(
      `meshsim: internal error: ${(e as Error).message ?? String(e)}\nPlease report it with the command and inputs that caused it.\n`,
    );
    return EXIT.INTERNAL;
  }
}
