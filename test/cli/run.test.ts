import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli as run } from '../support/cli.js';

describe('meshsim run', () => {
  it('prints a fortio-like report and exits 0', async () => {
    const r = await run('run', 'models/canary/canary.scenario.yaml', '--duration', '10s');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^meshsim \S+: scenario canary-10pct, seed 7, 10\.\d+s simulated, \d+ events\nassuming Istio 1\.31 \(Envoy 1\.39\)\nmeasured: requests started 5s\.\.10s, drained until 10\.\d+s\n/,
    );
    expect(r.out).toMatch(/Client frontend: \d+ requests in 5\.\d+s/);
    expect(r.out).toMatch(/All done \d+ calls \(plus \d+ warmup\) [\d.]+ ms avg, [\d.]+ qps/);
    expect(r.out).toContain('# target 99% ');
    expect(r.out).toMatch(/Code 200 : \d+/);
    expect(r.err).toBe('');
  });

  it('json is byte-identical for the same seed and is written with --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-'));
    const a = await run(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '6s',
      '-f',
      'json',
      '-o',
      join(dir, 'a.json'),
    );
    const b = await run(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '6s',
      '-f',
      'json',
      '-o',
      join(dir, 'b.json'),
    );
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ja = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(ja);
    const parsed = JSON.parse(ja);
    expect(parsed).toMatchObject({ scenario: 'canary-10pct', seed: 7, warmupMs: 5000 });
    expect(parsed.window).toMatchObject({ fromMs: 5000, toMs: 6000 });
    expect(parsed.simulatedMs).toBe(parsed.window.drainedUntilMs);
    expect(parsed.timing).toBeUndefined();
  });

  it('envoy-stats and prometheus use Envoy and Istio names', async () => {
    const s = await run('run', 'models/canary/canary.scenario.yaml', '-d', '6s', '-f', 'envoy-stats');
    expect(s.out).toMatch(
      /^cluster\.outbound\|8080\|\S*\|product-service\.production\.svc\.cluster\.local\.upstream_rq_total: \d+$/m,
    );
    const p = await run('run', 'models/canary/canary.scenario.yaml', '-d', '6s', '-f', 'prometheus');
    expect(p.out).toContain('# TYPE istio_requests_total counter');
    expect(p.out).toMatch(
      /istio_requests_total\{reporter="source",source_workload="frontend",.*destination_version="v[12]".*response_code="200",response_flags="-".*\} \d+/,
    );
    expect(p.out).toMatch(/istio_request_duration_milliseconds_bucket\{.*le="\+Inf"\} \d+/);
  });

  it('exit 1 with positioned diagnostics for a broken scenario', async () => {
    const r = await run('run', 'test/fixtures/scenario/broken.scenario.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'test/fixtures/scenario/broken.scenario.yaml:7:3 error MSIM2001 unknown field "warmpu"',
    );
    expect(r.err).toContain('not run because of the errors above');
    expect(r.out).toBe('');
  });

  it('exit 2 for usage problems: missing file, bad flag values, unknown flags', async () => {
    expect((await run('run', 'no/such.yaml')).code).toBe(2);
    const f = await run('run', 'models/canary/canary.scenario.yaml', '--format', 'xml');
    expect(f.code).toBe(2);
    expect(f.err).toBe(
      'meshsim: --format must be one of text, json, envoy-stats, prometheus, openmetrics, envoy-clusters, got "xml"\n',
    );
    expect((await run('run', 'models/canary/canary.scenario.yaml', '--seed', '-1')).code).toBe(2);
    expect((await run('run', 'models/canary/canary.scenario.yaml', '--duration', '10')).code).toBe(2);
    expect((await run('run', 'models/canary/canary.scenario.yaml', '--bogus')).code).toBe(2);
    // --duration meets the scenario's limits before anything runs: 24h is the limit, 1000000h would hang.
    const long = await run('run', 'models/canary/canary.scenario.yaml', '--duration', '1000000h');
    expect(long.code).toBe(2);
    expect(long.err).toMatch(/^meshsim: --duration 1000000h: a duration of .* is above meshsim's limit of /);
    const over = await run('run', 'models/canary/canary.scenario.yaml', '--duration', '24h0m0.001s');
    expect(over.code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('--help describes the command and its exit codes', async () => {
    const r = await run('run', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: meshsim run [options] <scenario>');
    expect(r.out).toContain(
      'Exit codes: 0 ok, 1 the inputs have errors (printed as diagnostics), 2 usage or unreadable file, 3 a gate failed, 70 internal error.',
    );
    // Every format, the replications' ones included, and the shared flags.
    expect(r.out).toMatch(
      /output format:\s+text\|json\|envoy-stats\|prometheus\|openmetrics\|envoy-clusters;\s+with\s+--replications: text\|json\|csv/,
    );
    expect(r.out).toContain('--simulate-misconfig');
    expect(r.out).toContain('-v, --verbose');
  });
});
