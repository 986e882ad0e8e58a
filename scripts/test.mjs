#!/usr/bin/env node
// The test command (`npm test`, which .ci/run calls): typecheck, lint, house rules, then every vitest
// project, ending with one plain "N passed, N failed" line that CI systems read. A failed step does not
// stop the others, and the closing line counts every failure CI can see (scripts/test-summary.mjs):
// failed tests, test files that could not run, failed steps. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { summarize } from './test-summary.mjs';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['biome', 'check', '.']],
  ['house rules', 'node', ['scripts/check-layers.mjs']],
];
const failedSteps = [];
for (const [name, cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (the remaining steps still run)`);
    failedSteps.push(name);
  }
}
const REPORT = 'test-artifacts/vitest.json';
mkdirSync('test-artifacts', { recursive: true });
rmSync(REPORT, { force: true }); // a stale report must not be read as this run's
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORT}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let report;
try {
  report = JSON.parse(readFileSync(REPORT, 'utf8'));
} catch {
  report = undefined;
}
const { passed, failed, details } = summarize(report, { vitestStatus: vitest.status, failedSteps });
for (const d of details) console.error(`  failure: ${d}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
