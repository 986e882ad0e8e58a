import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-sweep-'));
const DR = 'DestinationRule/production/product-service:spec.trafficPolicy.outlierDetection';

function sweepFile(name: string, body: string): string {
  const file = join(dir, `${name}.sweep.yaml`);
  writeFileSync(
    file,
    `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: ${name}}
spec:
  scenario: ${resolve('models/canary/canary.scenario.yaml')}
${body}`,
  );
  return file;
}

// consecutive5xxErrors 1 ejects; 1000 never does (the v2 canary answers 5 % 503s).
const SMALL = sweepFile(
  'small',
  `  duration: 8s
  replications: 2
  parameters:
    - field: ${DR}.consecutive5xxErrors
      values: [1, 1000]
    - field: ${DR}.maxEjectionPercent
      values: [100]
  metrics: [success_rate(frontend), ejections(product-service), count(UH), p99(frontend)]
`,
);

describe('meshsim sweep', () => {
  it('writes each point into the manifests: the ejection threshold decides whether hosts are ejected', async () => {
    const r = await cli('sweep', SMALL, '-f', 'json', '-w', '1');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ kind: 'sweep', design: 'grid', replications: 2, seeds: [7, 8] });
    expect(
      rep.points.map((p: { values: Record<string, number> }) => p.values[`${DR}.consecutive5xxErrors`]),
    ).toEqual([1, 1000]);
    const ej = rep.points.map(
      (p: { figures: Record<string, { values: number[] }> }) =>
        p.figures['ejections(product-service)']!.values,
    );
    expect(ej[0]!.every((v: number) => v > 0)).toBe(true);
    expect(ej[1]).toEqual([0, 0]);
  });

  it('is byte-identical with 1 and 2 worker threads', async () => {
    const one = await cli('sweep', SMALL, '-f', 'json', '-w', '1');
    const two = await cli('sweep', SMALL, '-f', 'json', '-w', '2');
    expect(two.code).toBe(0);
    expect(two.out).toBe(one.out);
  });

  it('N shards merged equal the unsharded run byte for byte (json and csv)', async () => {
    const whole = await cli('sweep', SMALL, '-f', 'json', '-w', '1');
    const csv = await cli('sweep', SMALL, '-f', 'csv', '-w', '1');
    const files = [];
    for (const i of [0, 1, 2]) {
      const s = await cli(
        'sweep',
        SMALL,
        '--shard',
        `${i}/3`,
        '-w',
        '1',
        '-o',
        join(dir, 'shard-{shard}.json'),
      );
      expect(s.code).toBe(0);
      files.push(join(dir, `shard-${i}.json`));
    }
    const shard0 = JSON.parse(readFileSync(files[0]!, 'utf8'));
    expect(shard0.units.map((u: { unit: number }) => u.unit)).toEqual([0, 3]);
    const merged = await cli('merge', ...files, '-f', 'json');
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    expect((await cli('merge', ...files, '-f', 'csv')).out).toBe(csv.out);
    expect(csv.out.split('\n')[0]).toBe(
      `point,${DR}.consecutive5xxErrors,${DR}.maxEjectionPercent,success_rate(frontend) mean,success_rate(frontend) ci95,ejections(product-service) mean,ejections(product-service) ci95,count(UH) mean,count(UH) ci95,p99(frontend) mean,p99(frontend) ci95`,
    );
    const twice = await cli('merge', files[0]!, files[0]!, files[1]!);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('shard 0/3 given twice');
  });

  it('reads its shard from JOB_COMPLETION_INDEX and MESHSIM_SHARDS (Indexed Job)', async () => {
    process.env.JOB_COMPLETION_INDEX = '1';
    process.env.MESHSIM_SHARDS = '2';
    try {
      const r = await cli('sweep', SMALL, '-w', '1');
      expect(r.code).toBe(0);
      const f = JSON.parse(r.out);
      expect(f).toMatchObject({ kind: 'meshsim-shard', shard: { index: 1, count: 2 } });
      expect(f.units.map((u: { unit: number }) => u.unit)).toEqual([1, 3]);
      delete process.env.MESHSIM_SHARDS;
      const bad = await cli('sweep', SMALL, '-w', '1');
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('MESHSIM_SHARDS');
    } finally {
      delete process.env.JOB_COMPLETION_INDEX;
      delete process.env.MESHSIM_SHARDS;
    }
  });

  it('--emit-job prints an Indexed Job that runs the shards', async () => {
    const r = await cli(
      'sweep',
      'models/studies/canary-outlier.sweep.yaml',
      '--emit-job',
      '--shards',
      '8',
      '--parallelism',
      '4',
      '--image',
      'example.com/meshsim:1',
    );
    expect(r.code).toBe(0);
    const job = parse(r.out);
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'meshsim-sweep-canary-outlier-sweep' },
      spec: { completionMode: 'Indexed', completions: 8, parallelism: 4 },
    });
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('example.com/meshsim:1');
    expect(c.command).toEqual([
      'meshsim',
      'sweep',
      'models/studies/canary-outlier.sweep.yaml',
      '--format',
      'json',
      '--no-progress',
      '--out',
      '/results/shard-{shard}.json',
    ]);
    expect(c.env).toEqual([{ name: 'MESHSIM_SHARDS', value: '8' }]);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The image runs as the node user: the volume must be writable by it.
    expect(job.spec.template.spec.securityContext).toEqual({ runAsUser: 1000, fsGroup: 1000 });
    expect(c.workingDir).toBe('/work');
  });

  it("--emit-job's default image is the one the repository's Dockerfile builds", async () => {
    const r = await cli('sweep', 'models/studies/canary-outlier.sweep.yaml', '--emit-job');
    const c = parse(r.out).spec.template.spec.containers[0];
    expect(c.image).toBe('meshsim:latest');
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toContain(`docker build -t ${c.image} .`);
    // `meshsim` on PATH, the checkout (models/ included) in the Job's workingDir, the node user.
    expect(dockerfile).toMatch(/^WORKDIR \/work$/m);
    expect(dockerfile).toContain('ln -s /work/bin/meshsim.js /usr/local/bin/meshsim');
    expect(dockerfile).toMatch(/^COPY models \.\/models$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(r.out).toContain(`docker build -t ${c.image} .`);
    // --simulate-misconfig is passed on to every shard (their plans must agree to merge).
    const sim = await cli(
      'sweep',
      'models/studies/canary-outlier.sweep.yaml',
      '--emit-job',
      '--simulate-misconfig',
    );
    expect(parse(sim.out).spec.template.spec.containers[0].command.at(-1)).toBe('--simulate-misconfig');
    expect(c.command).not.toContain('--simulate-misconfig');
  });

  it('a random design is seeded and stays in its ranges', async () => {
    const f = sweepFile(
      'random',
      `  duration: 6s
  design: {random: {points: 5, seed: 4}}
  parameters:
    - field: ${DR}.consecutive5xxErrors
      range: {min: 2, max: 9, integer: true}
    - field: ${DR}.interval
      values: [1s, 3s]
  metrics: [success_rate(frontend)]
`,
    );
    const a = JSON.parse((await cli('sweep', f, '-f', 'json', '-w', '1')).out);
    const b = JSON.parse((await cli('sweep', f, '-f', 'json', '-w', '2')).out);
    expect(b).toEqual(a);
    const vals = a.points.map((p: { values: Record<string, number | string> }) => Object.values(p.values));
    expect(vals).toHaveLength(5);
    for (const [n, i] of vals) {
      expect(Number.isInteger(n) && n >= 2 && n <= 9).toBe(true);
      expect(['1s', '3s']).toContain(i);
    }
  });

  it('stops at the first point that does not load while earlier points run on worker threads', async () => {
    // Points 0-4 load; 5 and 6 do not. With 2 threads the calling thread vets 4 points ahead, sends
    // them, and vets 5 only once one has finished, with the others still simulating: the sweep names
    // point 5 (never 6), abandons the runs under way, prints no report and exits 1.
    const f = sweepFile(
      'late-bad',
      `  duration: 4s
  replications: 2
  parameters:
    - field: ${DR}.consecutive5xxErrors
      values: [1, 2, 3, 4, 5, -1, -2]
  metrics: [success_rate(frontend)]
`,
    );
    for (const workers of ['1', '2']) {
      const r = await cli('sweep', f, '-f', 'json', '-w', workers);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        /late-bad\.sweep\.yaml: point 5 \(.*consecutive5xxErrors=-1\) does not load:\nmodels\/recipe\/step03-traffic-split\.yaml:\d+:\d+ error/,
      );
      expect(r.err).not.toContain('point 6');
      expect(r.err).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('reports bad addresses, missing resources and invalid values with positions', async () => {
    const badField = sweepFile(
      'bad-field',
      `  parameters:\n    - field: DestinationRule/production/product-service\n      values: [1]\n`,
    );
    const a = await cli('sweep', badField);
    expect(a.code).toBe(1);
    expect(a.err).toContain(
      `${badField}:7:14 error MSIM3001 "DestinationRule/production/product-service" needs "Kind/namespace/name:field.path"`,
    );
    const missing = sweepFile(
      'missing',
      `  parameters:\n    - field: DestinationRule/production/nope:spec.host\n      values: [x]\n`,
    );
    const b = await cli('sweep', missing);
    expect(b.code).toBe(1);
    expect(b.err).toContain(
      'DestinationRule/production/nope: no such resource in the scenario or its manifests',
    );
    const invalid = sweepFile(
      'invalid',
      `  parameters:\n    - field: ${DR}.consecutive5xxErrors\n      values: [-1]\n`,
    );
    const c = await cli('sweep', invalid);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(
      /point 0 \(.*consecutive5xxErrors=-1\) does not load:\nmodels\/recipe\/step03-traffic-split\.yaml:\d+:\d+ error/,
    );
    const unknown = sweepFile(
      'unknown',
      `  parameters:\n    - field: ${DR}.consecutive5xxErrors\n      values: [1]\n  metrics: [p98(frontend)]\n`,
    );
    const d = await cli('sweep', unknown);
    expect(d.code).toBe(1);
    expect(d.err).toContain(
      `${unknown}:9:13 error MSIM3001 column 1: unknown metric "p98"; did you mean "p90"?`,
    );
    const typo = sweepFile(
      'typo',
      `  replicas: 2\n  parameters:\n    - field: ${DR}.consecutive5xxErrors\n      values: [1]\n`,
    );
    const e = await cli('sweep', typo);
    expect(e.code).toBe(1);
    expect(e.err).toContain(`${typo}:6:3 error MSIM3001 unknown field "replicas"`);
  });
});
