#!/usr/bin/env node
// The test command (`npm test`, which .ci/run calls): typecheck, lint, house rules, then every vitest
// project, ending with one plain "N passed, N failed" line that CI systems read. Exits non-zero on any
// failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['biome', 'check', '.']],
  ['house rules', 'node', ['scripts/check-layers.mjs']],
];
for (const [name, cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
mkdirSync('test-artifacts', { recursive: true });
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-artifacts/vitest.json',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
try {
  const j = JSON.parse(readFileSync('test-artifacts/vitest.json', 'utf8'));
  passed = j.numPassedTests;
  failed = j.numFailedTests + (j.numTotalTests === 0 ? 1 : 0);
} catch {
  failed = 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
