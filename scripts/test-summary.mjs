// The counting behind `npm test`'s closing line (scripts/test.mjs), kept pure so that it is tested
// (test/scripts/test-summary.test.ts). Every failure CI can see counts: a failed test, a test file that
// could not run at all (an import error, a missing browser: vitest reports the file as failed with no
// failed assertion), a failed step before vitest (typecheck, lint, house rules), and a vitest run that
// failed without writing its report.

/**
 * @param {unknown} report vitest's JSON report (jest-compatible), or undefined when it was not written
 * @param {{ vitestStatus: number | null, failedSteps: string[] }} run
 * @returns {{ passed: number, failed: number, details: string[] }}
 */
export function summarize(report, run) {
  const details = run.failedSteps.map((s) => `${s} failed`);
  let failed = run.failedSteps.length;
  let passed = 0;
  const j = report !== null && typeof report === 'object' ? report : undefined;
  if (j === undefined) {
    details.push('vitest wrote no report');
    return { passed, failed: failed + 1, details };
  }
  passed = num(j.numPassedTests);
  failed += num(j.numFailedTests);
  // Files that failed without a failed test in them: they did not run (collection or import error).
  let brokenFiles = 0;
  for (const file of Array.isArray(j.testResults) ? j.testResults : []) {
    if (file?.status !== 'failed') continue;
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    if (!assertions.some((a) => a?.status === 'failed')) {
      brokenFiles++;
      details.push(
        `${file.name ?? 'a test file'} could not run${file.message ? `: ${firstLine(file.message)}` : ''}`,
      );
    }
  }
  // Older reports without per-file results still give the suite count.
  if (!Array.isArray(j.testResults) && num(j.numFailedTestSuites) > 0)
    brokenFiles = num(j.numFailedTestSuites);
  failed += brokenFiles;
  if (num(j.numTotalTests) === 0 && brokenFiles === 0) {
    details.push('no tests ran');
    failed++;
  }
  if (run.vitestStatus !== 0 && failed === run.failedSteps.length) {
    details.push(`vitest exited with status ${run.vitestStatus} without a counted failure`);
    failed++;
  }
  return { passed, failed, details };
}

function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function firstLine(s) {
  return String(s).split('\n')[0].slice(0, 200);
}
