import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { MetricsServer } from '../../src/mesh/autoscaling/metrics-server.js';
import { CFS_PERIOD_MS } from '../../src/mesh/container-cpu.js';
import { CpuBandwidth, cfsQuotaMs } from '../../src/mesh/cpu-bandwidth.js';
import { Pod, PodState } from '../../src/mesh/pod.js';
import { cli } from '../support/cli.js';
import { runModel } from '../support/run-model.js';

const MODEL = 'models/autoscaling/cpu-limits/cpu-limits.scenario.yaml';

describe('models/autoscaling/cpu-limits: the same API with and without a 500m limit (golden)', () => {
  it('at 80 % of the limit on average, the limited pods are throttled in 47 % of periods', async () => {
    const r = await runModel(MODEL);
    const api = r.workloads.find((w) => w.workload === 'shop/api')!;
    expect(api.cpuThrottling).toEqual([
      {
        container: 'api',
        limitMilli: 500,
        periods: 1197,
        throttledPeriods: 562,
        throttledMs: 26961.428,
        pods: [
          { pod: 'api-d77b9-0', periods: 600, throttledPeriods: 286, throttledMs: 13547.887 },
          { pod: 'api-d77b9-1', periods: 597, throttledPeriods: 276, throttledMs: 13413.541 },
        ],
      },
    ]);
    // No limit, no CFS counters (and the result keeps its shape).
    expect(r.workloads.find((w) => w.workload === 'shop/api-nolimit')).not.toHaveProperty('cpuThrottling');
    expect(r.conservation.started).toBe(r.conservation.finished + r.conservation.inFlightAtEnd);
  });

  it('throttling stretches latency: p99 383 ms against 46 ms for the unlimited copy', async () => {
    const r = await runModel(MODEL);
    const limited = r.clients.find((c) => c.name === 'web-limited')!;
    const free = r.clients.find((c) => c.name === 'web-nolimit')!;
    // Unlimited: the uniform 25..45 ms service time plus the sidecars' and network's few ms, nothing more.
    expect(free.latencyMs.max).toBeLessThan(50);
    expect(free.latencyMs.p99).toBeCloseTo(46.495, 2);
    expect(limited.latencyMs.p99).toBeCloseTo(383.231, 2);
    // A throttled request waits for the next period: up to ~100 ms per period it spans.
    expect(limited.latencyMs.max).toBeGreaterThan(300);
    expect(limited.successRate).toBe(1);
  });

  it('the text report has the CFS table: limited containers only', async () => {
    const { code, out } = await cli('run', MODEL);
    expect(code).toBe(0);
    expect(out).toMatch(/WORKLOAD\s+CONTAINER\s+LIMIT\s+PERIODS\s+THROTTLED\s+SHARE\s+THROTTLED TIME/);
    expect(out).toMatch(/shop\/api\s+api\s+500m\s+1197\s+562\s+47\.0 %\s+26\.961s/);
    expect(out).not.toMatch(/shop\/api-nolimit\s+api\s/);
  });

  it('OpenMetrics carries them as series scraped every interval, ending at the JSON totals', async () => {
    const { code, out } = await cli('run', MODEL, '-f', 'openmetrics');
    expect(code).toBe(0);
    const lines = out.split('\n');
    const at = (name: string, pod: string) =>
      lines.filter((l) => l.startsWith(`${name}{container="api",namespace="shop",pod="${pod}"}`));
    const periods = at('container_cpu_cfs_periods_total', 'api-d77b9-0');
    // One point per second of the run (the series interval) and one at the end of the drain.
    expect(periods[0]).toMatch(/ 10 \d+$/);
    expect(periods.at(-1)).toMatch(/ 600 \d+\.031$/);
    expect(at('container_cpu_cfs_throttled_periods_total', 'api-d77b9-1').at(-1)).toMatch(/ 276 \d+\.031$/);
    expect(lines).toContain('# TYPE container_cpu_cfs_throttled_periods counter');
    expect(lines.at(-2)).toBe('# EOF');
  });

  it('the Prometheus export carries the cAdvisor counters per pod and container', async () => {
    const { code, out } = await cli('run', MODEL, '-f', 'prometheus');
    expect(code).toBe(0);
    expect(out).toContain('# TYPE container_cpu_cfs_periods_total counter');
    expect(out).toContain(
      'container_cpu_cfs_periods_total{container="api",namespace="shop",pod="api-d77b9-0"} 600',
    );
    expect(out).toContain(
      'container_cpu_cfs_throttled_periods_total{container="api",namespace="shop",pod="api-d77b9-1"} 276',
    );
    expect(out).toContain(
      'container_cpu_cfs_throttled_seconds_total{container="api",namespace="shop",pod="api-d77b9-0"} 13.547887',
    );
    expect(out).not.toContain('pod="api-nolimit');
  });
});

describe('metrics-server under a CPU limit: usage is capped by the limit, requests stay the denominator', () => {
  it('a pod whose demand is 4 cores reads 500m (its limit), not 4000m', () => {
    const sim = new Simulation();
    const pod = new Pod('api-0', 'shop', {}, { region: 'r', zone: 'z', subZone: '' }, '10.0.0.1', 'shop/api');
    pod.transition(PodState.Running);
    pod.appBandwidth = new CpuBandwidth(
      sim,
      cfsQuotaMs(500, CFS_PERIOD_MS),
      CFS_PERIOD_MS,
      Infinity,
      null,
      (ms) => {
        pod.appCpuMs += ms;
      },
    );
    // 40 requests of 10 ms every 100 ms: 4 cores of demand for 15 s.
    for (let t = 0; t < 15_000; t += 100)
      sim.scheduleAt(
        t,
        () => {
          for (let i = 0; i < 40; i++) pod.appBandwidth!.submit(null as never, 10, 0);
        },
        null,
      );
    const ms = new MetricsServer();
    ms.scrape(0, [{ pod, idleMilli: 0, requests: 0 }]);
    sim.runUntil(15_000);
    ms.scrape(15_000, [{ pod, idleMilli: 0, requests: 0 }]);
    expect(ms.metricsOf(pod)!.appMilli).toBe(500);
    // Every period of the 15 s ends throttled (the expiry at 15 s included).
    expect([pod.appBandwidth.nrPeriods, pod.appBandwidth.nrThrottled]).toEqual([150, 150]);
  });
});

describe('models/autoscaling/cpu-limits under chaos', () => {
  it('a container crash drops its throttled work; it restarts with the same quota and the run stays deterministic', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadScenarioFromTexts } = await import('../../src/config/scenario/index.js');
    const { runScenario } = await import('../../src/run/index.js');
    const dir = 'models/autoscaling/cpu-limits';
    const text = readFileSync(`${dir}/cpu-limits.scenario.yaml`, 'utf8').replace(
      '  traffic:\n',
      '  events:\n    - { at: 20s, target: shop/api, crashContainer: { pods: 1 }, for: 5s }\n  traffic:\n',
    );
    const manifests = [{ file: `${dir}/api.yaml`, text: readFileSync(`${dir}/api.yaml`, 'utf8') }];
    const run = () => {
      const load = loadScenarioFromTexts({ file: `${dir}/chaos.scenario.yaml`, text }, manifests);
      if (!load.loaded) throw new Error(load.diagnostics.map((d) => d.message).join('\n'));
      return runScenario(load.loaded);
    };
    const a = run();
    const b = run();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const pods = a.workloads.find((w) => w.workload === 'shop/api')!.cpuThrottling![0]!.pods;
    // Both pods metered CPU and were throttled; the crashed one ran (and counted periods) for less time.
    // The crashed pod counts no period while its container is down (and until it is ready again); the
    // other pod takes its traffic meanwhile and is throttled more than without the crash (276).
    expect(pods).toEqual([
      { pod: 'api-d77b9-0', periods: 501, throttledPeriods: 294, throttledMs: 17729.323 },
      { pod: 'api-d77b9-1', periods: 599, throttledPeriods: 379, throttledMs: 26266.596 },
    ]);
    expect(a.conservation.started).toBe(a.conservation.finished + a.conservation.inFlightAtEnd);
  });
});
