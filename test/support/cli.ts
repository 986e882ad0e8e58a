import { type CliIo, main } from '../../src/cli/main.js';

/** A CliIo that records what the command printed (not a terminal: no progress bars). */
export function fakeIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTty: false,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

/** Runs `meshsim <args>` in-process: `await cli('run', 'models/canary/canary.scenario.yaml')`. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main(['node', 'meshsim', ...args], io);
  return { code, out: io.out, err: io.err };
}
