import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs the CLI in a child process whose stdout reader has gone away (like `| head` that exited). */
function runClosingStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/cli/fixtures/meshsim.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.stdout.destroy();
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('a closed stdout (meshsim run ... | head)', () => {
  it('ends quietly: no EPIPE stack trace, and the exit code still tells the truth', async () => {
    const args = ['run', 'models/canary/canary.scenario.yaml', '-d', '10s', '-f', 'prometheus'];
    const ok = await runClosingStdout(args);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const gated = await runClosingStdout([...args, '--assert', 'p99(frontend) < 1ms']);
    expect(gated.err).not.toContain('EPIPE');
    expect(gated.err).toContain('gate FAILED: p99(frontend) < 1ms');
    expect(gated.code).toBe(3);
  }, 60_000);
});
