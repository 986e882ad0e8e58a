import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { meanWithCi } from '../../src/engine/index.js';
import { runModel } from '../support/run-model.js';

const CANARY = 'models/canary/canary.scenario.yaml';
const dir = mkdtempSync(join(tmpdir(), 'meshsim-gates-'));

/** The canary scenario with absolute manifest paths and extra spec lines (an slo block). */
function canaryWith(extra: string): string {
  const text = readFileSync(CANARY, 'utf8').replaceAll('../recipe/', `${resolve('models/recipe')}/`);
  const file = join(dir, `canary-${Math.abs(hash(extra))}.scenario.yaml`);
  writeFileSync(file, text.replace('  duration: 60s\n', `  duration: 60s\n${extra}`));
  return file;
}
function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

describe('CI gates on meshsim run', () => {
  it('exits 0 when every --assert holds and 3 when one is violated, with JUnit XML', async () => {
    const single = await runModel(CANARY, { durationMs: 8000 });
    const sr = single.clients[0]!.successRate;
    const okRun = await cli(
      'run',
      CANARY,
      '-d',
      '8s',
      '--assert',
      `success_rate(frontend) >= ${sr}`,
      '--assert',
      'count(UO) == 0',
    );
    expect(okRun.code).toBe(0);
    expect(okRun.err).toContain('--assert[1]:1:1 info MSIM2021 gate passed: success_rate(frontend) >= ');
    expect(okRun.err).toContain('meshsim: all 2 gates passed');
    const junit = join(dir, 'gates.xml');
    // Probe just above the measured value: the gate must fail.
    const bad = await cli(
      'run',
      CANARY,
      '-d',
      '8s',
      '--assert',
      `success_rate(frontend) >= ${sr + 1e-6}`,
      '--assert',
      'p99(frontend) < 10s',
      '--junit',
      junit,
    );
    expect(bad.code).toBe(3);
    // Gate verdicts use the one diagnostic line format, positioned at the flag that gave them.
    expect(bad.err).toMatch(/^--assert\[1\]:1:1 error MSIM2020 gate FAILED: success_rate\(frontend\) >= /m);
    expect(bad.err).toMatch(/^--assert\[2\]:1:1 info MSIM2021 gate passed: p99\(frontend\) < 10s /m);
    expect(bad.err).toContain('meshsim: 1 of 2 gates FAILED (exit 3)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="canary-10pct" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain(
      `<failure message="success_rate(frontend) = ${sr}, violates &gt;= ${sr + 1e-6}" type="SLOViolation">`,
    );
    expect(xml).toMatch(
      /<testcase classname="meshsim.canary-10pct" name="p99\(frontend\) &lt; 10s">\s*<system-out>/,
    );
  });

  it('a bad --assert is a usage error (exit 2) that points at the column', async () => {
    const r = await cli('run', CANARY, '-d', '6s', '--assert', 'p99(frontend) => 3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--assert "p99(frontend) => 3": column 15: use "==" to compare for equality');
  });

  it('spec.slo gates fail the run, and a bad one is a positioned scenario error', async () => {
    const file = canaryWith(
      '  slo:\n    - count(UO) == 0\n    - {name: latency, assert: "p99(frontend) < 1ms"}\n',
    );
    const r = await cli('run', file, '-d', '6s');
    expect(r.code).toBe(3);
    // Each verdict at its spec.slo entry (lines 14 and 15, at the text's first column, after a quote).
    expect(r.err).toContain(`${file}:14:7 info MSIM2021 gate passed: count(UO) == 0 (`);
    expect(r.err).toMatch(
      new RegExp(
        `^${file.replaceAll('.', '\\.')}:15:32 error MSIM2020 gate FAILED: p99\\(frontend\\) < 1ms \\(p99\\(frontend\\) = [\\d.]+, violates < 1\\)$`,
        'm',
      ),
    );
    const ignored = await cli('run', file, '-d', '6s', '--no-slo');
    expect(ignored.code).toBe(0);
    const broken = canaryWith('  slo:\n    - "p99(frontend) < 3 parsecs"\n');
    const b = await cli('run', broken, '-d', '6s');
    expect(b.code).toBe(1);
    // Line 14 of the file (after the duration line), column of the quote + 1 + offset of "parsecs".
    expect(b.err).toContain(`${broken}:14:26 error MSIM2002 spec.slo: latency unit must be ms or s`);
  });
});

describe('meshsim run --replications', () => {
  it('reports the mean and 95 % CI of R seeds, the same as R single runs', async () => {
    const r = await cli('run', CANARY, '-d', '7s', '-r', '3', '-w', '1', '-f', 'json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ kind: 'replications', replications: 3, seeds: [7, 8, 9], durationMs: 7000 });
    const singles = await Promise.all([7, 8, 9].map((seed) => runModel(CANARY, { seed, durationMs: 7000 })));
    const p99 = singles.map((s) => s.clients[0]!.latencyMs.p99);
    const f = rep.points[0].figures['p99(frontend)'];
    expect(f.values).toEqual(p99);
    const e = meanWithCi(p99);
    expect(f.mean).toBeCloseTo(e.mean, 3);
    expect(f.ci95).toBeCloseTo(e.halfWidth, 3);
    expect(rep.points[0].figures['requests(frontend)'].values).toEqual(
      singles.map((s) => s.clients[0]!.requests),
    );
  });

  it('gates compare the mean; shards merged equal the unsharded run byte for byte', async () => {
    const args = ['run', CANARY, '-d', '6s', '-r', '4', '-w', '1', '--assert', 'count(UO) == 0'];
    const whole = await cli(...args, '-f', 'json');
    expect(whole.code).toBe(0);
    const files: string[] = [];
    for (const i of [0, 1, 2]) {
      const out = join(dir, `rep-shard-${i}.json`);
      const s = await cli(...args, '--shard', `${i}/3`, '-o', out);
      expect(s.code).toBe(0);
      files.push(out);
    }
    expect(JSON.parse(readFileSync(files[1]!, 'utf8')).units.map((u: { unit: number }) => u.unit)).toEqual([
      1,
    ]);
    const merged = await cli('merge', ...files.reverse(), '-f', 'json');
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    expect(merged.err).toContain('meshsim: all 1 gates passed');
    const missing = await cli('merge', files[0]!, files[1]!);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing shard 0/3');
  });
});
