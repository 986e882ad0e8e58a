import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { summarize } from '../../scripts/test-summary.mjs';

const ok = { vitestStatus: 0, failedSteps: [] as string[] };
const file = (name: string, status: string, assertions: string[], message = '') => ({
  name,
  status,
  message,
  assertionResults: assertions.map((s) => ({ status: s })),
});

describe("npm test's closing line counts every failure", () => {
  it('all passed', () => {
    const r = summarize(
      {
        numPassedTests: 3,
        numFailedTests: 0,
        numTotalTests: 3,
        testResults: [file('a', 'passed', ['passed'])],
      },
      ok,
    );
    expect(r).toEqual({ passed: 3, failed: 0, details: [] });
  });
  it('a failed test counts once', () => {
    const r = summarize(
      {
        numPassedTests: 2,
        numFailedTests: 1,
        numTotalTests: 3,
        testResults: [file('a', 'failed', ['passed', 'failed'])],
      },
      { vitestStatus: 1, failedSteps: [] },
    );
    expect(r).toMatchObject({ passed: 2, failed: 1 });
  });
  it('a test file that could not run (no Chromium) counts: "513 passed, 0 failed" was the bug', () => {
    const r = summarize(
      {
        numPassedTests: 513,
        numFailedTests: 0,
        numTotalTests: 513,
        numFailedTestSuites: 1,
        testResults: [
          file('test/config/a.test.ts', 'passed', ['passed']),
          file('test/web/app.test.ts', 'failed', [], 'Error: Failed to launch chromium\n at ...'),
        ],
      },
      { vitestStatus: 1, failedSteps: [] },
    );
    expect(r).toEqual({
      passed: 513,
      failed: 1,
      details: ['test/web/app.test.ts could not run: Error: Failed to launch chromium'],
    });
  });
  it('failed steps before vitest count, and the tests still count', () => {
    const r = summarize(
      { numPassedTests: 10, numFailedTests: 0, numTotalTests: 10, testResults: [] },
      { vitestStatus: 0, failedSteps: ['typecheck', 'lint'] },
    );
    expect(r).toEqual({ passed: 10, failed: 2, details: ['typecheck failed', 'lint failed'] });
  });
  it('no report, no tests, or a failing exit without a counted failure each count', () => {
    expect(summarize(undefined, ok).failed).toBe(1);
    expect(summarize({ numTotalTests: 0, testResults: [] }, ok).failed).toBe(1);
    expect(
      summarize(
        { numPassedTests: 1, numFailedTests: 0, numTotalTests: 1, testResults: [] },
        { vitestStatus: 1, failedSteps: [] },
      ).failed,
    ).toBe(1);
  });

  it('end to end: vitest on a fixture project with a file that cannot import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-testcmd-'));
    try {
      mkdirSync(join(dir, 'test'));
      writeFileSync(
        join(dir, 'test', 'good.test.ts'),
        "import { it, expect } from 'vitest';\nit('ok', () => expect(1).toBe(1));\n",
      );
      writeFileSync(
        join(dir, 'test', 'broken.test.ts'),
        "import './does-not-exist.js';\nimport { it } from 'vitest';\nit('x', () => {});\n",
      );
      writeFileSync(
        join(dir, 'vitest.config.mjs'),
        "export default { test: { include: ['test/**/*.test.ts'] } };\n",
      );
      const out = join(dir, 'r.json');
      let status = 0;
      try {
        execFileSync('npx', ['vitest', 'run', '--root', dir, '--reporter=json', `--outputFile.json=${out}`], {
          stdio: 'pipe',
          cwd: process.cwd(),
        });
      } catch (e) {
        status = (e as { status: number }).status;
      }
      const r = summarize(JSON.parse(readFileSync(out, 'utf8')), { vitestStatus: status, failedSteps: [] });
      expect(status).not.toBe(0);
      expect(r.passed).toBe(1);
      expect(r.failed).toBe(1);
      expect(r.details[0]).toMatch(/broken\.test\.ts could not run/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
