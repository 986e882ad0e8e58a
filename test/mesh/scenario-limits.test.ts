import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import {
  BYTES_PER_HASH_MEMBER,
  BYTES_PER_IDLE_PAIR,
  BYTES_PER_KEPT_HOST_PAIR,
  BYTES_PER_MAGLEV_SLOT,
  BYTES_PER_POD,
  BYTES_PER_RING_ENTRY,
  BYTES_PER_USED_PAIR,
  LIMITS,
} from '../../src/config/limits.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { estimateScenarioSize } from '../../src/config/scenario/size.js';

/** One Service `name` over one Deployment of `replicas` pods in namespace default. */
function manifests(replicas: number | string = 2, name = 'api'): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: ${name}, image: ${name}}]}
`;
}

interface Opts {
  spec?: string;
  traffic?: string;
  workloads?: string;
  events?: string;
  replicas?: number | string;
  /** Replicas of a second Service/Deployment `db` (which `api` then calls). */
  db?: number;
}

function scenario(o: Opts = {}): string {
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
${o.spec ?? '  duration: 10s\n'}${o.workloads ?? ''}  traffic:
${o.traffic ?? '    - {name: c, rate: 100/s, requests: [{url: "http://api:8080/"}]}\n'}${o.events ?? ''}`;
}

function load(o: Opts = {}) {
  const text =
    o.db === undefined ? manifests(o.replicas) : `${manifests(o.replicas)}---\n${manifests(o.db, 'db')}`;
  const workloads =
    o.db === undefined ? o.workloads : '  workloads:\n    default/api: {calls: [{url: "http://db:8080/"}]}\n';
  return loadScenarioFromTexts({ file: 's.yaml', text: scenario({ ...o, workloads }) }, [
    { file: 'm.yaml', text },
  ]);
}

/** One generator at 100,000 requests/s to api. */
const BIG_TRAFFIC = '    - {name: c, rate: 100000/s, requests: [{url: "http://api:8080/"}]}\n';

const errors = (o: Opts = {}) =>
  load(o)
    .diagnostics.filter((d) => d.severity === 'error')
    .map(formatDiagnostic);

describe('scenario durations (Go time.ParseDuration, a unit required, bounded)', () => {
  it('the base scenario loads', () => {
    expect(errors()).toEqual([]);
    expect(load().loaded?.scenario.durationMs).toBe(10_000);
  });
  it('a bare number is refused with a suggestion, positioned', () => {
    expect(errors({ spec: '  duration: 60\n' })).toEqual([
      's.yaml:5:13 error MSIM2002 a duration needs a unit: 60s? (write "60s" or "60ms"; a bare number is refused) (Scenario s, spec.duration)',
    ]);
  });
  it('a duration that overflows is refused, not Infinity', () => {
    const e = errors({ spec: `  duration: "1${'0'.repeat(400)}s"\n` });
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^s\.yaml:5:13 error MSIM2002 invalid duration .*overflow/);
    expect(errors({ spec: '  duration: 1.0e+308\n' })[0]).toContain(
      'expected a duration with a unit such as "60s", got the number 1e+308',
    );
  });
  it('spaces are refused as Go refuses them', () => {
    expect(errors({ spec: '  duration: "1s "\n' })[0]).toContain('spaces are not allowed');
  });
  it('the longest duration: at 24h, not above', () => {
    const at = errors({
      spec: '  duration: 24h\n  seriesInterval: 1m\n',
      traffic: '    - {name: c, rate: 1/s, requests: [{url: "http://api:8080/"}]}\n',
    });
    expect(at).toEqual([]);
    expect(errors({ spec: '  duration: 24h0m0.001s\n' })).toEqual([
      `s.yaml:5:13 error MSIM2006 "24h0m0.001s" is above meshsim's limit of 24h for any scenario duration (Scenario s, spec.duration)`,
    ]);
    expect(errors({ spec: '  duration: 876000h\n' })[0]).toContain('MSIM2006');
  });
  it('warm-up: just below the duration is accepted, equal is refused', () => {
    expect(errors({ spec: '  duration: 10s\n  warmup: 9999ms\n' })).toEqual([]);
    expect(errors({ spec: '  duration: 10s\n  warmup: 10s\n' })).toEqual([
      's.yaml:6:11 error MSIM2002 warmup 10s is not shorter than the duration 10s: nothing would be measured (a warm-up is discarded) (Scenario s, spec.warmup)',
    ]);
  });
  it('series buckets: 100,000 accepted, one more refused with the interval it needs', () => {
    expect(errors({ spec: '  duration: 100s\n  seriesInterval: 1ms\n' })).toEqual([]);
    expect(errors({ spec: '  duration: 100001ms\n  seriesInterval: 1ms\n' })).toEqual([
      's.yaml:6:19 error MSIM2006 100.001s at a seriesInterval of 1ms needs 100,001 series buckets; the limit is 100,000 (use a seriesInterval of at least 2ms) (Scenario s, spec.seriesInterval)',
    ]);
    expect(errors({ spec: '  duration: 10s\n  seriesInterval: 1ns\n' })[0]).toContain(
      "seriesInterval 1ns is below meshsim's limit of 1ms",
    );
  });
});

describe('scenario sizes (LIMITS, refused before the world is built)', () => {
  const rate = (r: string) => `    - {name: c, rate: ${r}, requests: [{url: "http://api:8080/"}]}\n`;
  it('a rate at the limit passes, above it is refused', () => {
    expect(errors({ spec: '  duration: 1s\n', traffic: rate(String(LIMITS.maxRatePerSecond)) })).toEqual([]);
    expect(errors({ traffic: rate('1000000000000/s') })).toEqual([
      `s.yaml:7:23 error MSIM2006 a rate of 1,000,000,000,000/s is above meshsim's limit of 1,000,000/s per load generator (Scenario s, spec.traffic[0].rate)`,
    ]);
  });
  it('rate x duration: 100 M requests pass, more are refused with the count', () => {
    expect(errors({ spec: '  duration: 100s\n', traffic: rate('1000000/s') })).toEqual([]);
    expect(errors({ spec: '  duration: 100001ms\n', traffic: rate('1000000/s') })).toEqual([
      's.yaml:7:23 error MSIM2006 the load generators would send about 100,001,000 requests in 100 s; the limit is 100,000,000 (shorten the duration or lower the rate) (Scenario s, spec.traffic[0].rate)',
    ]);
  });
  it('count bounds the estimate of a long run', () => {
    expect(
      errors({
        spec: '  duration: 24h\n  seriesInterval: 1s\n',
        traffic: '    - {name: c, rate: 1000000/s, count: 1000, requests: [{url: "http://api:8080/"}]}\n',
      }),
    ).toEqual([]);
  });
  it('replicas in a manifest: 10,000 pass, 10,001 are refused at spec.replicas', () => {
    const perWorkload = (n: number) => errors({ replicas: n }).filter((e) => e.includes('per workload'));
    expect(perWorkload(10_000)).toEqual([]);
    expect(perWorkload(10_001)).toHaveLength(1);
    const e = errors({ replicas: 1_000_000_000 });
    expect(e[0]).toBe(
      "m.yaml:12:13 error MSIM2006 default/api would run 1,000,000,000 replicas; meshsim's limit is 10,000 per workload (Scenario s, spec.replicas)",
    );
    expect(e[1]).toContain('the scenario needs 1,000,000,001 pods');
  });
  it('pairs: each sidecar holds the endpoints of what it calls; memory per pod, idle pair and used pair', () => {
    // 1,000 api pods each call db (1,000 pods); the generator's one sidecar holds api's 1,000.
    const ok = load({ replicas: 1000, db: 1000 }).loaded!;
    // 100/s for 10 s, two upstream requests each (generator -> api -> db): at most 2,000 pairs carry one.
    expect(estimateScenarioSize(ok.scenario, ok.config)).toMatchObject({
      pods: 2001,
      sidecarEndpointPairs: 1_001_000,
      usedPairsAtMost: 2000,
      memoryBytes: 2001 * BYTES_PER_POD + 1_001_000 * BYTES_PER_IDLE_PAIR + 2000 * BYTES_PER_USED_PAIR,
    });
    // Without the call, db's pods are never an endpoint of anyone's cluster.
    const alone = load({ replicas: 1000 }).loaded!;
    expect(estimateScenarioSize(alone.scenario, alone.config).sidecarEndpointPairs).toBe(1000);
    // 3 services x 1,000 pods (the scaling bench's largest chain) is accepted: ~2 M pairs, ~0.3 GiB.
    expect(errors({ replicas: 1500, db: 1500 })).toEqual([]);
    // 4,471 x (4,471 + 1) pairs (19,994,312) pass the 20,000,000 limit, 4,472 x 4,473 do not.
    expect(errors({ replicas: 4471, db: 4471 })).toEqual([]);
    expect(errors({ replicas: 4472, db: 4472 })).toEqual([
      `m.yaml:12:13 error MSIM2006 the scenario needs 8,945 pods, 20,003,256 (sidecar, endpoint) pairs, about 682 MiB; meshsim's limit is 20,000,000 pairs (Scenario s, spec.replicas)`,
    ]);
  });

  it('memory: used pairs count up to the upstream requests; refused above about 4 GiB', () => {
    // 4,000 api pods x 4,000 db pods: 16 M idle pairs (~0.5 GiB). At 100,000/s each request uses up to
    // two pairs: 29 s (5.8 M used, 4,289,672,192 bytes in all) passes just below 4 GiB, 30 s (6 M used,
    // 4,417,672,192 bytes) does not.
    const at = (duration: string) =>
      errors({ replicas: 4000, db: 4000, spec: `  duration: ${duration}\n`, traffic: BIG_TRAFFIC });
    expect(at('29s')).toEqual([]);
    const e = at('30s');
    expect(e).toHaveLength(1);
    expect(e[0]).toBe(
      `m.yaml:12:13 error MSIM2006 the scenario needs 8,001 pods, 16,004,000 (sidecar, endpoint) pairs, about 4.1 GiB (6,000,000 pairs used at most); meshsim's limit is about 4.0 GiB (Scenario s, spec.replicas)`,
    );
    const big = load({ replicas: 4000, db: 4000, spec: '  duration: 30s\n', traffic: BIG_TRAFFIC }).loaded;
    expect(big).toBeUndefined();
    const ok = load({ replicas: 4000, db: 4000, spec: '  duration: 29s\n', traffic: BIG_TRAFFIC }).loaded!;
    const size = estimateScenarioSize(ok.scenario, ok.config);
    expect(size.usedPairsAtMost).toBe(5_800_000);
    expect(size.memoryBytes).toBe(4_289_672_192);
    expect(size.memoryBytes).toBeLessThanOrEqual(LIMITS.maxMemoryBytes);
  });

  it('balancers that keep a host per endpoint are counted per cluster: warmup, ring hash, Maglev', () => {
    // 1,000 api pods call db (1,000 pods) through db's DestinationRule; the generator calls api (no rule).
    const withRule = (trafficPolicy: string, duration = '10s', replicas = 1000, traffic?: string) =>
      loadScenarioFromTexts(
        {
          file: 's.yaml',
          text: scenario({
            spec: `  duration: ${duration}\n`,
            traffic,
            workloads: '  workloads:\n    default/api: {calls: [{url: "http://db:8080/"}]}\n',
          }),
        },
        [
          {
            file: 'm.yaml',
            text: `${manifests(replicas)}---\n${manifests(replicas, 'db')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db, namespace: default}
spec:
  host: db
  trafficPolicy: ${trafficPolicy}
`,
          },
        ],
      );
    const bytes = (tp: string) => {
      const l = withRule(tp).loaded!;
      return estimateScenarioSize(l.scenario, l.config).balancerBytes;
    };
    // Balancers that pick by index keep placeholders: nothing beyond the idle pairs.
    expect(bytes('{loadBalancer: {simple: LEAST_REQUEST}}')).toBe(0);
    expect(bytes('{loadBalancer: {simple: ROUND_ROBIN}}')).toBe(0);
    expect(bytes('{connectionPool: {tcp: {maxConnections: 10}}}')).toBe(0);
    // Slow start: every api sidecar keeps 1,000 Hosts with their EDF entries.
    expect(bytes('{loadBalancer: {simple: ROUND_ROBIN, warmupDurationSecs: 60s}}')).toBe(
      1000 * 1000 * BYTES_PER_KEPT_HOST_PAIR,
    );
    // Ring hash, minimumRingSize 1,024 over 1,000 hosts: ceil(1.024) = 2 entries each, one ring shared;
    // each sidecar's ring lists the members (placeholders until picked).
    expect(
      bytes('{loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 1024}}}}'),
    ).toBe(1000 * 1000 * BYTES_PER_HASH_MEMBER + 2000 * BYTES_PER_RING_ENTRY);
    // Maglev: one 65,537-slot table for every sidecar with db's members (shared, maglev.ts).
    expect(
      bytes('{loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}}'),
    ).toBe(1000 * 1000 * BYTES_PER_HASH_MEMBER + 65537 * BYTES_PER_MAGLEV_SLOT);
    // The 4,000 x 4,000 mesh that passes at 29 s (4,289,672,192 bytes, above) is refused with warmup,
    // and the message says where the memory goes.
    const refused = (tp: string) =>
      withRule(tp, '29s', 4000, BIG_TRAFFIC)
        .diagnostics.filter((d) => d.severity === 'error')
        .map(formatDiagnostic);
    expect(refused('{loadBalancer: {simple: ROUND_ROBIN}}')).toEqual([]);
    expect(refused('{loadBalancer: {simple: ROUND_ROBIN, warmupDurationSecs: 60s}}')).toEqual([
      `m.yaml:12:13 error MSIM2006 the scenario needs 8,001 pods, 16,004,000 (sidecar, endpoint) pairs, about 6.4 GiB (5,800,000 pairs used at most, 2.4 GiB of it in load balancers that keep a host per endpoint (consistent hash, Maglev, warmup)); meshsim's limit is about 4.0 GiB (Scenario s, spec.replicas)`,
    ]);
  });

  it('load-generator replicas, connections and scale targets are bounded in the schema', () => {
    expect(
      errors({
        traffic: '    - {name: c, replicas: 1000000000, rate: 1/s, requests: [{url: "http://api:8080/"}]}\n',
      })[0],
    ).toContain(`1,000,000,000 replicas is above meshsim's limit of 10,000`);
    expect(
      errors({
        traffic: '    - {name: c, connections: 1000000000, requests: [{url: "http://api:8080/"}]}\n',
      })[0],
    ).toContain("1,000,000,000 connections is above meshsim's limit of 100,000");
    expect(
      errors({
        events: '  events:\n    - {at: 1s, target: default/api, scale: {replicas: 1000000000}}\n',
      })[0],
    ).toContain("1,000,000,000 replicas is above meshsim's limit of 10,000");
    // A scale event counts at its peak: 3,000 api pods calling db scaled to 7,000 hold 21 M pairs, pointed at the event.
    expect(
      errors({
        replicas: 3000,
        db: 10,
        events: '  events:\n    - {at: 1s, target: default/db, scale: {replicas: 7000}}\n',
      })[0],
    ).toBe(
      "s.yaml:11:54 error MSIM2006 the scenario needs 10,001 pods, 21,003,000 (sidecar, endpoint) pairs, about 720 MiB; meshsim's limit is 20,000,000 pairs (Scenario s, spec.events[0].scale.replicas)",
    );
  });
  it('a service calling itself: a losing loop passes, a loop that feeds itself is refused', () => {
    const self = (n: number, p: number) =>
      `  workloads:\n    default/api:\n      callMode: parallel\n      calls:\n${'        - {url: "http://api:8080/", probability: P}\n'.replaceAll('P', String(p)).repeat(n)}`;
    const ok = load({ workloads: self(1, 0.5) });
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(estimateScenarioSize(ok.loaded!.scenario, ok.loaded!.config).fanOut).toBeCloseTo(2, 6);
    expect(errors({ workloads: self(10, 1) })).toEqual([
      "s.yaml:10:9 error MSIM2006 one request would cause more than 1,000,000 upstream requests through the apps' calls (default/api calls itself back: a loop that feeds itself never ends); the limit is 1,000 (Scenario s, spec.workloads.default/api.calls)",
    ]);
  });
  it('request weights like route weights: all 0 refused, negative and fractional refused', () => {
    const t = (w: string) =>
      `    - {name: c, rate: 1/s, requests: [{weight: ${w}, url: "http://api:8080/"}, {weight: 0, url: "http://api:8080/b"}]}\n`;
    expect(errors({ traffic: t('1') })).toEqual([]);
    expect(errors({ traffic: t('0') })).toEqual([
      's.yaml:7:38 error MSIM2002 every request of load generator "c" has weight 0: at least one needs a weight above 0 (Scenario s, spec.traffic[0].requests)',
    ]);
    expect(errors({ traffic: t('-5') })[0]).toContain('MSIM2001');
    expect(errors({ traffic: t('0.5') })[0]).toContain('MSIM2001');
  });
});

describe('a duration override (the CLI --duration) meets the same limits', () => {
  it('refuses what the scenario itself could not ask for', async () => {
    const { durationOverrideProblem } = await import('../../src/config/scenario/size.js');
    const l = load({ traffic: '    - {name: c, rate: 1000000/s, requests: [{url: "http://api:8080/"}]}\n' })
      .loaded!;
    expect(durationOverrideProblem(l.scenario, l.config, 100_000)).toBeUndefined();
    expect(durationOverrideProblem(l.scenario, l.config, 100_001)).toContain('100,001,000 requests');
    expect(durationOverrideProblem(l.scenario, l.config, 25 * 3_600_000)).toContain("above meshsim's limit");
    expect(durationOverrideProblem(l.scenario, l.config, Number.POSITIVE_INFINITY)).toContain(
      'greater than 0',
    );
  });
});
