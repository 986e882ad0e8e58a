import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/**
 * A zone-a client calls api (one pod in zone-a, one in zone-b, 20 ms apart) whose Service says
 * `trafficDistribution: PreferClose`: Istio 1.25+ keeps the calls in zone-a, Istio 1.24 ignores it
 * (release notes traffic-distribution.yaml), so the client's mean latency tells which line the
 * simulations ran, in whichever thread they ran.
 */
const dir = mkdtempSync(join(tmpdir(), 'meshsim-versions-cli-'));
const SCENARIO = join(dir, 'td.scenario.yaml');
writeFileSync(
  SCENARIO,
  `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: td}
spec:
  duration: 4s
  seed: 11
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
  network: {sameZone: 0.5ms, crossZone: 20ms, crossRegion: 50ms}
  workloads:
    default/api-a: {zones: [zone-a], latency: 1ms}
    default/api-b: {zones: [zone-b], latency: 1ms}
  traffic:
    - {name: client, zones: [zone-a], rate: 100/s, requests: [{url: "http://api/"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}], trafficDistribution: PreferClose}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-a, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api, pod: a}}, spec: {containers: [{name: api, image: api}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-b, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api, pod: b}}, spec: {containers: [{name: api, image: api}]}}
`,
);
const SWEEP = join(dir, 'td.sweep.yaml');
writeFileSync(
  SWEEP,
  `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: td}
spec:
  scenario: td.scenario.yaml
  replications: 1
  parameters:
    - field: Service/default/api:spec.trafficDistribution
      values: [PreferClose]
  metrics: [mean(client)]
`,
);
const TUNE = join(dir, 'td.tune.yaml');
writeFileSync(
  TUNE,
  `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: td}
spec:
  scenarios: [td.scenario.yaml]
  replications: 1
  parameters:
    - field: Service/default/api:spec.trafficDistribution
      values: [PreferClose, PreferSameZone]
  objective: {minimize: mean(client)}
  constraints: ["success_rate(client) >= 0.9"]
`,
);

const IGNORED = /warning MSIM3103 Istio 1\.24 sidecars ignore trafficDistribution PreferClose/;
const meanOf = (out: string): number => JSON.parse(out).points[0].figures['mean(client)'].mean;

describe('--istio-version on studies: every worker thread loads the points for that line', () => {
  it('run --replications: 1.24 spreads over both zones (mean > 10 ms), the default 1.31 stays local (< 5 ms)', async () => {
    const metric = ['--assert', 'mean(client) < 1000'];
    const old = await cli(
      'run',
      SCENARIO,
      '-r',
      '2',
      '-w',
      '1',
      '-f',
      'json',
      ...metric,
      '--istio-version',
      '1.24',
    );
    const now = await cli('run', SCENARIO, '-r', '2', '-w', '1', '-f', 'json', ...metric);
    expect([old.code, now.code]).toEqual([0, 0]);
    expect(old.err).toMatch(IGNORED);
    expect(now.err).not.toMatch(IGNORED);
    expect(meanOf(old.out)).toBeGreaterThan(10);
    expect(meanOf(now.out)).toBeLessThan(5);
  });

  it('sweep: the same split, and one worker or two give the same bytes', async () => {
    const old1 = await cli('sweep', SWEEP, '-w', '1', '-f', 'json', '--istio-version', '1.24');
    const old2 = await cli('sweep', SWEEP, '-w', '2', '-f', 'json', '--istio-version', '1.24');
    const now = await cli('sweep', SWEEP, '-w', '1', '-f', 'json');
    expect([old1.code, now.code]).toEqual([0, 0]);
    expect(old1.err).toMatch(IGNORED);
    expect(old2.out).toBe(old1.out);
    expect(meanOf(old1.out)).toBeGreaterThan(10);
    expect(meanOf(now.out)).toBeLessThan(5);
  });

  it('tune: under 1.24 neither value keeps the calls local; under 1.31 both do', async () => {
    const best = (out: string): number => JSON.parse(out).ranking[0].objective;
    const old = await cli('tune', TUNE, '-w', '1', '-f', 'json', '--istio-version', '1.24');
    const now = await cli('tune', TUNE, '-w', '1', '-f', 'json');
    expect([old.code, now.code]).toEqual([0, 0]);
    expect(best(old.out)).toBeGreaterThan(10);
    expect(best(now.out)).toBeLessThan(5);
  });

  it.each([
    ['run', SCENARIO, '-r', '2'],
    ['sweep', SWEEP],
    ['tune', TUNE],
  ])('%s with an unsupported line is a usage error (exit 2) naming the supported lines', async (...args) => {
    const r = await cli(...args, '--istio-version', '1.23');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--istio-version: Istio version "1.23" is not supported; supported: 1.24');
  });

  it('sweep --emit-job passes the line to every shard', async () => {
    const r = await cli('sweep', SWEEP, '--emit-job', '--istio-version', 'v1.28.3');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--istio-version, "1.28"]');
  });
});
