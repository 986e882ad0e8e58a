import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, compareModels, parseInput, toRates } from '../../src/calibrate/index.js';
import { cli } from '../support/cli.js';

function observe(file: string) {
  const parsed = parseInput({ file, text: readFileSync(file, 'utf8') });
  return buildModel(toRates([{ file, parsed }], undefined), 'destination');
}

/**
 * A run's own Prometheus export calibrates a scenario whose run matches the first: every edge rate within
 * Poisson noise, every workload's p50 and p99 within its histogram bucket, every error share within
 * binomial noise (compare.ts states the tolerances; both runs are independent: different seeds).
 */
describe('calibrate round trip', () => {
  it.each([
    ['models/canary/canary.scenario.yaml', 'openmetrics', ['-d', '15s']],
    ['models/calibration/shop.scenario.yaml', 'prometheus', []],
    ['models/calibration/shop.scenario.yaml', 'openmetrics', ['-d', '12s']],
  ] as const)(
    '%s via -f %s',
    async (scenario, format, extra) => {
      const dir = mkdtempSync(join(tmpdir(), 'meshsim-calibrate-'));
      const first = join(dir, `first.${format}`);
      expect((await cli('run', scenario, ...extra, '-f', format, '-o', first)).code).toBe(0);
      const cal = await cli(
        'calibrate',
        first,
        '-o',
        join(dir, 'calibrated.scenario.yaml'),
        '--manifests-out',
        join(dir, 'm'),
        '-f',
        'json',
      );
      expect(cal.err).toBe('');
      expect(cal.code).toBe(0);
      const report = JSON.parse(cal.out) as {
        workloads: { workload: string; latency: { ks: number } | null }[];
      };
      for (const w of report.workloads) expect(w.latency!.ks, w.workload).toBeLessThan(0.03);
      const second = join(dir, `second.${format}`);
      const run2 = await cli('run', join(dir, 'calibrated.scenario.yaml'), '-f', format, '-o', second);
      expect(run2.err).toBe('');
      expect(run2.code).toBe(0);
      const comparisons = compareModels(observe(first), observe(second));
      expect(comparisons.length).toBeGreaterThan(5);
      expect(comparisons.filter((c) => !c.ok)).toEqual([]);
    },
    300_000,
  );
});

describe('meshsim calibrate (CLI)', () => {
  it('malformed input: positioned diagnostics on stderr, exit 1, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-calibrate-'));
    const bad = join(dir, 'bad.prom');
    const { writeFileSync, existsSync } = await import('node:fs');
    writeFileSync(bad, 'istio_requests_total{a="1"} 3\nistio_requests_total{a=1} 3\n');
    const r = await cli('calibrate', bad, '-o', join(dir, 's.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${bad}:2:24 error MSIM3180 expected a quoted value for label a\n`);
    expect(existsSync(join(dir, 's.yaml'))).toBe(false);
  });

  it('a missing file or a bad --window is a usage error (exit 2)', async () => {
    expect((await cli('calibrate', '/nonexistent/x.prom')).code).toBe(2);
    const r = await cli('calibrate', 'models/calibration/shop.prom', '--window', '5');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^meshsim: --window: /);
  });

  it('writes the scenario with inline manifests to stdout and the fit table to stderr', async () => {
    const r = await cli('calibrate', 'models/calibration/shop-rates.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^# Calibrated by meshsim calibrate from models\/calibration\/shop-rates.json \(reporter="destination"\)/,
    );
    expect(r.out).toContain('kind: Scenario');
    expect(r.out).toContain('kind: Deployment');
    expect(r.err).toMatch(/^WORKLOAD +RPS +ERRORS/);
    expect(r.err).toMatch(/shop\/db +302 +- +- +exponential/);
  });

  it('--reporter source finds the same workloads, load and call graph from the client sidecars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-calibrate-'));
    type R = {
      workloads: { workload: string; calls: { url: string; perRequest: number }[] }[];
      loadGenerators: unknown[];
    };
    const read = async (reporter: string) =>
      JSON.parse(
        (
          await cli(
            'calibrate',
            'models/calibration/shop.prom',
            '--reporter',
            reporter,
            '-f',
            'json',
            '-o',
            join(dir, `${reporter}.yaml`),
          )
        ).out,
      ) as R & { reporter: string };
    const d = await read('destination');
    const s = await read('source');
    expect([d.reporter, s.reporter]).toEqual(['destination', 'source']);
    expect(s.workloads.map((w) => w.workload)).toEqual(d.workloads.map((w) => w.workload));
    expect(s.loadGenerators).toHaveLength(1);
    for (const [i, w] of s.workloads.entries())
      for (const [j, c] of w.calls.entries()) {
        expect(c.url).toBe(d.workloads[i]!.calls[j]!.url);
        expect(Math.abs(c.perRequest - d.workloads[i]!.calls[j]!.perRequest)).toBeLessThan(0.02);
      }
  });

  it('--help names the flags and the exit codes', async () => {
    const r = await cli('calibrate', '--help');
    expect(r.code).toBe(0);
    for (const f of ['--manifests-out', '--window', '--reporter', '--format', 'Exit codes'])
      expect(r.out).toContain(f);
  });
});
