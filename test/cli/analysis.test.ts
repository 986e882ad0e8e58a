import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultSchema } from '../../src/report/result-schema.js';
import { cli } from '../support/cli.js';

const MISCONFIG = 'test/cli/fixtures/misconfig/misconfig.scenario.yaml';
const IST0101 =
  'test/cli/fixtures/misconfig/mesh.yaml:36:49 error IST0101 Referenced host+subset in destinationrule not found: "reviews.shop.svc.cluster.local+v3"';
const HEADER =
  '# meshsim: WARNING: the configuration has 1 error (see diagnostics), simulated on purpose (--simulate-misconfig): these figures show what the misconfiguration does, not a valid mesh\n';
const dir = mkdtempSync(join(tmpdir(), 'meshsim-analysis-'));

describe('meshsim run analyzes the inputs first, like validate', () => {
  it('an analysis error (a route to a subset no DestinationRule defines) stops the run: exit 1', async () => {
    const r = await cli('run', MISCONFIG);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.split('\n');
    expect(lines[0]).toContain(IST0101);
    expect(lines[1]).toBe(
      `meshsim: ${MISCONFIG}: not run because of the errors above (to watch this misconfiguration happen on purpose, add --simulate-misconfig)`,
    );
  });

  it('--simulate-misconfig runs it; the text report opens with the header and the finding', async () => {
    const r = await cli('run', MISCONFIG, '--simulate-misconfig', '--no-slo');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.startsWith(`${HEADER}${IST0101}`)).toBe(true);
    expect(r.out).toMatch(/\n\nmeshsim \S+: scenario missing-subset, seed 3, 10.007s simulated/);
    // Its spec.slo gate still applies, and fails (15 % of requests find no cluster): exit 3.
    const gated = await cli('run', MISCONFIG, '--simulate-misconfig');
    expect(gated.code).toBe(3);
  });

  it('JSON carries the positioned findings and the simulated-misconfiguration field', async () => {
    const r = await cli('run', MISCONFIG, '--simulate-misconfig', '--no-slo', '-f', 'json');
    const j = JSON.parse(r.out);
    expect(resultSchema.safeParse(j).success).toBe(true);
    expect(j.diagnostics).toEqual([
      {
        file: 'test/cli/fixtures/misconfig/mesh.yaml',
        line: 36,
        column: 49,
        severity: 'error',
        code: 'IST0101',
        message: expect.stringContaining('"reviews.shop.svc.cluster.local+v3"'),
        kind: 'VirtualService',
        namespace: 'shop',
        name: 'reviews',
        path: 'spec.http[0].route[1].destination.subset',
      },
    ]);
    expect(j.simulatedMisconfiguration).toEqual({ errors: 1, message: expect.stringContaining('1 error') });
    // What the misconfiguration does: Envoy answers the v3 share 503 NC (no cluster).
    const c = j.clients[0];
    expect(c.byFlag.NC / c.requests).toBeGreaterThan(0.11);
    expect(c.byFlag.NC / c.requests).toBeLessThan(0.19);
    // Off the text report, the finding and the warning go to stderr too.
    expect(r.err).toContain(IST0101);
    expect(r.err).toContain('meshsim: WARNING: the configuration has 1 error');
  });

  it('every other format carries the header: prometheus, envoy-stats, junit, replications csv', async () => {
    for (const f of ['prometheus', 'envoy-stats']) {
      const r = await cli('run', MISCONFIG, '--simulate-misconfig', '--no-slo', '-f', f, '-d', '3s');
      expect(r.out.startsWith(HEADER)).toBe(true);
    }
    const junit = join(dir, 'gates.xml');
    const g = await cli('run', MISCONFIG, '--simulate-misconfig', '-d', '3s', '--junit', junit);
    expect(g.code).toBe(3);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml [^\n]*\?>\n<!-- meshsim: WARNING: the configuration has 1 error/);
    expect(xml).toMatch(
      /<testsuite name="missing-subset"[^\n]*>\n {4}<properties>\n {6}<property name="meshsim.simulated-misconfiguration" value="meshsim: WARNING: the configuration has 1 error/,
    );
    const csv = await cli(
      'run',
      MISCONFIG,
      '--simulate-misconfig',
      '--no-slo',
      '-r',
      '2',
      '-w',
      '1',
      '-f',
      'csv',
    );
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith(`${HEADER}point,`)).toBe(true);
    const json = await cli(
      'run',
      MISCONFIG,
      '--simulate-misconfig',
      '--no-slo',
      '-r',
      '2',
      '-w',
      '1',
      '-f',
      'json',
    );
    const rep = JSON.parse(json.out);
    expect(rep.simulatedMisconfiguration.errors).toBe(1);
    expect(rep.diagnostics.map((d: { code: string }) => d.code)).toEqual(['IST0101']);
    // Shards carry it in their plan, so the merged report says it too.
    const shards: string[] = [];
    for (const i of [0, 1]) {
      const out = join(dir, `mis-shard-${i}.json`);
      const sh = await cli(
        'run',
        MISCONFIG,
        '--simulate-misconfig',
        '--no-slo',
        '-r',
        '2',
        '-w',
        '1',
        '--shard',
        `${i}/2`,
        '-o',
        out,
      );
      expect(sh.code).toBe(0);
      shards.push(out);
    }
    const merged = await cli('merge', ...shards, '-f', 'csv');
    expect(merged.out).toBe(csv.out);
  });

  it('warnings open the text report (stderr stays empty); info only with --verbose, always in JSON', async () => {
    const w = await cli('run', 'models/outlier/one-bad-of-three.scenario.yaml', '-d', '5s');
    expect(w.code).toBe(0);
    expect(w.err).toBe('');
    expect(w.out).toMatch(/^models\/outlier\/three-pods\.yaml:36:7 warning MSIM1010 outlier detection on /);
    const sticky = 'models/recipe/step10-sticky-sessions.scenario.yaml';
    const quiet = await cli('run', sticky, '-d', '3s');
    expect(quiet.out).not.toContain('MSIM1050');
    expect(quiet.out).toMatch(/^meshsim /);
    const verbose = await cli('run', sticky, '-d', '3s', '--verbose');
    expect(verbose.out).toMatch(/^models\/recipe\/step10-load-balancing\.yaml:29:9 info MSIM1050 /);
    const json = JSON.parse((await cli('run', sticky, '-d', '3s', '-f', 'json')).out);
    expect(json.diagnostics.map((d: { code: string }) => d.code)).toEqual(['MSIM1050']);
    expect(json.simulatedMisconfiguration).toBeUndefined();
  });

  it('sweep refuses the misconfigured base, and with --simulate-misconfig its csv says so', async () => {
    const sweep = join(dir, 'misconfig.sweep.yaml');
    writeFileSync(
      sweep,
      `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: mis}
spec:
  scenario: ${join(process.cwd(), MISCONFIG)}
  duration: 3s
  parameters:
    - field: Scenario:spec.traffic[0].rate
      values: [50/s]
`,
    );
    const r = await cli('sweep', sweep, '-w', '1');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error IST0101');
    expect(r.err).toContain('add --simulate-misconfig');
    const s = await cli('sweep', sweep, '-w', '1', '-f', 'csv', '--simulate-misconfig');
    expect(s.code).toBe(0);
    expect(s.out.startsWith(`${HEADER}point,`)).toBe(true);
  });
});

describe('inputs: the first diagnostic is the real cause', () => {
  it('a misspelt manifest path is the first line, at its spec.manifests entry, with no knock-on errors', async () => {
    const d = mkdtempSync(join(tmpdir(), 'meshsim-path-'));
    writeFileSync(join(d, 'service.yaml'), readFileSync('models/outlier/service.yaml', 'utf8'));
    writeFileSync(join(d, 'five-pods.yaml'), readFileSync('models/outlier/five-pods.yaml', 'utf8'));
    const text = readFileSync('models/outlier/one-bad-of-five.scenario.yaml', 'utf8').replace(
      '    - service.yaml\n',
      '    - servce.yaml\n',
    );
    const file = join(d, 'typo.scenario.yaml');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('servce.yaml')) + 1;
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toBe(
      `${file}:${line}:7 error MSIM0007 no such file or directory: servce.yaml (relative to the scenario file); did you mean "service.yaml"?; the checks against the manifests are skipped until it is found (spec.manifests[0])`,
    );
    // The URL http://ratings:9080 would not resolve without service.yaml: that knock-on is not reported.
    expect(r.err).not.toContain('MSIM2011');
    expect(r.err).not.toContain('MSIM2010');
    expect(lines).toHaveLength(1);
    // validate and studies say the same.
    expect((await cli('validate', file)).out.split('\n')[0]).toBe(lines[0]);
    const rep = await cli('run', file, '-r', '2', '-w', '1');
    expect(rep.code).toBe(2);
    expect(rep.err.split('\n')[0]).toBe(lines[0]);
  });

  it('run <directory> names the scenario files in it instead of a raw EISDIR', async () => {
    const r = await cli('run', 'models/canary');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'models/canary error MSIM0007 models/canary is a directory, not a scenario file; scenario files in it: models/canary/canary.scenario.yaml\n',
    );
    const empty = await cli('run', 'test/cli');
    expect(empty.err).toContain('is a directory, not a scenario file; it holds no scenario file');
  });
});

describe('meshsim validate <scenario or directory> follows spec.manifests', () => {
  it('models/outlier: both scenarios with their manifests, so MSIM1010 reaches the user', async () => {
    const r = await cli('validate', 'models/outlier');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^models\/outlier\/three-pods\.yaml:36:7 warning MSIM1010 /);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.err).toBe(
      'assuming Istio 1.31 (Envoy 1.39)\n' +
        '5 files (2 scenarios and the manifests they name), 6 resources loaded: 0 errors, 1 warning, 0 infos\n',
    );
  });

  it('a scenario file alone: its manifests are loaded (not "0 resources")', async () => {
    const r = await cli('validate', 'models/canary/canary.scenario.yaml');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'assuming Istio 1.31 (Envoy 1.39)\n' +
        '3 files (1 scenario and the manifests it names), 5 resources loaded: 0 errors, 0 warnings, 0 infos\n',
    );
    const mis = await cli('validate', '-f', 'json', 'test/cli/fixtures/misconfig');
    expect(mis.code).toBe(1);
    expect(JSON.parse(mis.out).map((d: { code: string }) => d.code)).toEqual(['IST0101']);
  });

  it('-o writes the findings to a file', async () => {
    const out = join(dir, 'findings.txt');
    const r = await cli('validate', 'models/outlier', '-o', out);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^models\/outlier\/three-pods\.yaml:36:7 warning MSIM1010 /);
  });
});

describe('gate names are checked before the run', () => {
  const CANARY = 'models/canary/canary.scenario.yaml';

  it('a misspelt client in --assert: exit 1 at once, positioned, with a suggestion', async () => {
    const r = await cli('run', CANARY, '--assert', 'success_rate(frontnd) >= 0.9');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(
      '--assert[1]:1:14 error MSIM2012 gate "success_rate(frontnd) >= 0.9": no client (spec.traffic) or service "frontnd" in the scenario; did you mean "frontend"? (known: frontend, product-service)',
    );
  });

  it('argument roles: count(flag, client) checks the client; a service name, FQDN or short, passes', async () => {
    const bad = await cli('run', CANARY, '-d', '3s', '--assert', 'count(UO, product-service) == 0');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      '--assert[1]:1:11 error MSIM2012 gate "count(UO, product-service) == 0": no client "product-service" in the scenario (spec.traffic) (known: frontend)',
    );
    // 8 s: past the 5 s warm-up, so the service has measured tries.
    const good = await cli(
      'run',
      CANARY,
      '-d',
      '8s',
      '--assert',
      'p99(product-service) < 10s',
      '--assert',
      'amplification(product-service.production.svc.cluster.local) < 5',
      '--assert',
      'count(UO, frontend) >= 0',
    );
    expect(good.code).toBe(0);
    const svc = await cli('run', CANARY, '-d', '3s', '--assert', 'ejections(frontend) == 0');
    expect(svc.err).toContain('no service "frontend" in the manifests (known: product-service)');
  });

  it('a misspelt name in spec.slo is a positioned scenario error', async () => {
    const text = readFileSync(MISCONFIG, 'utf8').replace(
      '    - success_rate(productpage) >= 0.99',
      '    - success_rate(productpag) >= 0.99',
    );
    const f = join(dir, 'typo-slo.scenario.yaml');
    writeFileSync(
      f,
      text.replace(
        '    - mesh.yaml',
        `    - ${join(process.cwd(), 'test/cli/fixtures/misconfig/mesh.yaml')}`,
      ),
    );
    const r = await cli('run', f, '--simulate-misconfig');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${f}:19:20 error MSIM2012 gate "success_rate(productpag) >= 0.99": no client (spec.traffic) or service "productpag" in the scenario; did you mean "productpage"? (known: productpage, reviews)`,
    );
  });
});

describe('the figures a study names are checked before it runs', () => {
  it('a tune objective naming no client: exit 1 at the objective, nothing simulated', async () => {
    const f = join(dir, 'typo.tune.yaml');
    writeFileSync(
      f,
      `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: typo}
spec:
  scenarios: [${join(process.cwd(), 'models/outlier/one-bad-of-three.scenario.yaml')}]
  parameters:
    - {field: "DestinationRule/shop/ratings:spec.trafficPolicy.outlierDetection.consecutive5xxErrors", values: [2, 5]}
  objective: {maximize: "success_rate(productpag)"}
  constraints: ["p99(productpage) < 100ms"]
`,
    );
    const r = await cli('tune', f, '-w', '1');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(
      `${f}:8:39 error MSIM2012 figure "success_rate(productpag)": no client (spec.traffic) or service "productpag" in the scenario; did you mean "productpage"? (known: productpage, ratings)`,
    );
  });

  it('a sweep metric naming no service: exit 1 at its entry', async () => {
    const f = join(dir, 'typo.sweep.yaml');
    writeFileSync(
      f,
      `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: typo}
spec:
  scenario: ${join(process.cwd(), 'models/canary/canary.scenario.yaml')}
  parameters:
    - {field: "Scenario:spec.traffic[0].rate", values: [10/s]}
  metrics: [success_rate(frontend), amplification(product-servce)]
`,
    );
    const r = await cli('sweep', f, '-w', '1');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toBe(
      `${f}:8:51 error MSIM2012 figure "amplification(product-servce)": no service "product-servce" in the manifests; did you mean "product-service"? (known: product-service)`,
    );
  });
});

describe('a subset whose Deployment was deleted (IST0173)', () => {
  it('stops the run like IST0101, and runs on purpose with --simulate-misconfig', async () => {
    const d = mkdtempSync(join(tmpdir(), 'meshsim-ist0173-'));
    const mesh = readFileSync('test/cli/fixtures/misconfig/mesh.yaml', 'utf8')
      // v3 defined, but no Deployment has its label: the subset selects no pods.
      .replace(
        '    - {name: v1, labels: {version: v1}}',
        '    - {name: v1, labels: {version: v1}}\n    - {name: v3, labels: {version: v3}}',
      );
    writeFileSync(join(d, 'mesh.yaml'), mesh);
    writeFileSync(join(d, 's.scenario.yaml'), readFileSync(MISCONFIG, 'utf8'));
    const r = await cli('run', join(d, 's.scenario.yaml'), '--no-slo');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /mesh\.yaml:\d+:\d+ error IST0173 The Subset v3 defined in the DestinationRule does not select any pods/,
    );
    expect(r.err).not.toContain('IST0101');
    const sim = await cli(
      'run',
      join(d, 's.scenario.yaml'),
      '--no-slo',
      '--simulate-misconfig',
      '-f',
      'json',
    );
    expect(sim.code).toBe(0);
    const j = JSON.parse(sim.out);
    expect(j.simulatedMisconfiguration.errors).toBe(1);
    // What the misconfiguration does: the v3 share finds no healthy upstream (503 UH).
    expect(j.clients[0].byFlag.UH / j.clients[0].requests).toBeGreaterThan(0.11);
  });
});
