import { describe, expect, it } from 'vitest';
import { renderPrometheus, renderText } from '../../src/report/index.js';
import { runExact } from './window-support.js';

/**
 * One connection, no hop latency, a 2 s app: requests start at 0, 2000 and 4000 ms (none at 5000: the
 * load stops at the duration) and each takes exactly 2000 ms, so the last one ends at 6000 ms.
 */
function closedLoop(extra: string): string {
  return `  duration: 5s
${extra}
  workloads:
    default/slow: {concurrency: 4, latency: 2000ms}
  traffic:
    - {name: f, connections: 1, requests: [{url: "http://slow/"}]}`;
}

describe('the drain after the load stops', () => {
  it('runs in-flight requests to completion and ends the run when the last one finishes', () => {
    const r = runExact(closedLoop('  drainTimeout: 1001ms'));
    expect(r.window).toEqual({ fromMs: 0, toMs: 5000, drainedUntilMs: 6000 });
    expect(r.simulatedMs).toBe(6000);
    const c = r.clients[0]!;
    expect([c.started, c.requests, c.unfinished.count]).toEqual([3, 3, 0]);
    expect(c.elapsedMs).toBe(6000);
    expect(c.qps).toBe(0.5);
    expect(r.conservation).toEqual({ started: 3, finished: 3, inFlightAtEnd: 0 });
  });

  it('a request finishing exactly at the drain limit is finished', () => {
    const r = runExact(closedLoop('  drainTimeout: 1000ms'));
    expect(r.window.drainedUntilMs).toBe(6000);
    expect(r.clients[0]!.unfinished).toEqual({ count: 0, oldestAgeMs: 0 });
  });

  it('1 ms short of it, the request is cut off: counted once, as unfinished, with its age, everywhere', () => {
    const r = runExact(closedLoop('  drainTimeout: 999ms'));
    expect(r.window.drainedUntilMs).toBe(5999);
    const c = r.clients[0]!;
    expect([c.started, c.requests]).toEqual([3, 2]);
    expect(c.unfinished).toEqual({ count: 1, oldestAgeMs: 1999 });
    expect(r.conservation).toEqual({ started: 3, finished: 2, inFlightAtEnd: 1 });
    // The interval it started in says so: its (empty) percentiles are not a recovery.
    expect(r.series.clients.f!.map((p) => [p.t, p.requests, p.unfinished])).toEqual([
      [0, 1, 0],
      [1000, 0, 0],
      [2000, 1, 0],
      [3000, 0, 0],
      [4000, 0, 1],
    ]);
    const text = renderText(r);
    expect(text).toContain(
      'measured: requests started 0s..5s, drained until 5.999s; drain limit reached: 1 request unfinished (reported per client)',
    );
    expect(text).toContain(
      'Unfinished : 1 requests still in flight at the drain limit, oldest started 1.999s before (not in the figures above)',
    );
    const prom = renderPrometheus(r);
    expect(prom).toContain('meshsim_client_unfinished_requests{client="f"} 1');
    expect(prom).toContain('meshsim_client_unfinished_oldest_age_milliseconds{client="f"} 1999');
  });

  it('drainTimeout 0s stops at the duration, like a load test killed at its deadline', () => {
    const r = runExact(closedLoop('  drainTimeout: 0s'));
    expect(r.window.drainedUntilMs).toBe(5000);
    expect(r.clients[0]!.unfinished).toEqual({ count: 1, oldestAgeMs: 1000 });
  });

  it('the default drain (60 s) lets a 10 s request finish with its real latency', () => {
    const r = runExact(`  duration: 5s
  workloads:
    default/slow: {concurrency: 4, latency: 10s}
  traffic:
    - {name: f, connections: 1, requests: [{url: "http://slow/"}]}`);
    expect(r.window.drainedUntilMs).toBe(10_000);
    expect(r.clients[0]!.latencyMs.max).toBe(10_000);
    expect(r.series.clients.f![0]!.p99).toBe(10_000);
  });
});

describe('one measurement window: requests count by their start', () => {
  it('a request starting exactly at the end of the warm-up counts; Envoy counters cover the same window', () => {
    const r = runExact(closedLoop('  warmup: 2000ms'));
    const c = r.clients[0]!;
    expect([c.warmupRequests, c.started, c.requests]).toEqual([1, 2, 2]);
    expect(c.elapsedMs).toBe(4000); // 2000 -> 6000
    const cluster = r.clusters.find((x) => x.name === 'outbound|80||slow.default.svc.cluster.local')!;
    expect(cluster.stats.upstream_rq_total).toBe(2);
    expect(cluster.stats.upstream_rq_200).toBe(2);
    // The connection was opened during the warm-up: zeroed with the counters, as POST /reset_counters does.
    expect(cluster.stats.upstream_cx_total).toBe(0);
    expect(cluster.stats.upstream_cx_active).toBe(1);
    expect(r.services[0]!.requests).toBe(2);
    expect(r.hops.map((h) => h.requests)).toEqual([2]);
    expect(r.workloads.find((w) => w.workload === 'default/slow')!.served).toBe(2);
    const source = r.istio.filter((s) => s.labels.reporter === 'source');
    expect(source.reduce((n, s) => n + s.count, 0)).toBe(2);
    expect(r.http.rq_total).toBe(2);
    expect(renderText(r)).toContain('measured: requests started 2s..5s, drained until 6s');
  });

  it('1 ms later, the request started at 2000 ms belongs to the warm-up', () => {
    const r = runExact(closedLoop('  warmup: 2001ms'));
    const c = r.clients[0]!;
    expect([c.warmupRequests, c.started, c.requests]).toEqual([2, 1, 1]);
    expect(r.services[0]!.requests).toBe(1);
    expect(r.hops[0]!.requests).toBe(1);
    expect(r.workloads.find((w) => w.workload === 'default/slow')!.served).toBe(1);
    expect(r.conservation).toEqual({ started: 3, finished: 3, inFlightAtEnd: 0 });
  });
});

describe('model level: a slow canary does not "recover" at the end of the run', () => {
  /** The canary model with v2 answering in seconds; `v2Slots` its concurrency, `extra` more spec lines. */
  async function slowCanary(v2Slots: number, extra = '') {
    const { readFileSync } = await import('node:fs');
    const { loadScenarioFromTexts } = await import('../../src/config/scenario/index.js');
    const { runScenario } = await import('../../src/run/index.js');
    const read = (p: string) => ({ file: p, text: readFileSync(p, 'utf8') });
    const s = read('models/canary/canary.scenario.yaml');
    const text = s.text
      .replace('duration: 60s', `duration: 12s${extra}`)
      .replace(
        'latency: {lognormal: {median: 25ms, p99: 200ms}}',
        'latency: {lognormal: {median: 5s, p99: 10s}}',
      )
      .replace(
        'concurrency: 16\n      latency: {lognormal: {median: 5s',
        `concurrency: ${v2Slots}\n      latency: {lognormal: {median: 5s`,
      );
    expect(text).toContain(`concurrency: ${v2Slots}\n      latency: {lognormal: {median: 5s`);
    const load = loadScenarioFromTexts({ ...s, text }, [
      read('models/recipe/step02-product-service.yaml'),
      read('models/recipe/step03-traffic-split.yaml'),
    ]);
    return runScenario(load.loaded!);
  }

  it("the last second's p99 is the slow subset's, and every started request is counted once", async () => {
    const r = await slowCanary(4096);
    const c = r.clients[0]!;
    expect(c.unfinished.count).toBe(0);
    expect(c.started).toBe(c.requests);
    expect(r.conservation.inFlightAtEnd).toBe(0);
    // Requests to v2 started in the last second take seconds; they are in that second's p99.
    const last = r.series.clients.frontend!.at(-1)!;
    expect(last.t).toBe(11_000);
    expect(last.p99).toBeGreaterThan(2000);
    expect(r.window.drainedUntilMs).toBeGreaterThan(14_000);
  });

  it('a queue the drain cannot empty: the cut-off requests are counted, aged and flagged per interval', async () => {
    const r = await slowCanary(16, '\n  drainTimeout: 10s');
    const c = r.clients[0]!;
    expect(r.window.drainedUntilMs).toBe(22_000);
    expect(c.unfinished.count).toBeGreaterThan(100);
    expect(c.started).toBe(c.requests + c.unfinished.count);
    // Conservation counts every request, warm-up ones too (those cut off are in no figure).
    expect(r.conservation.started).toBe(c.started + c.warmupRequests);
    expect(r.conservation.inFlightAtEnd).toBeGreaterThanOrEqual(c.unfinished.count);
    expect(r.conservation.started).toBe(r.conservation.finished + r.conservation.inFlightAtEnd);
    // The oldest one started in the window (after the 5 s warm-up) and is at most 17 s old at 22 s.
    expect(c.unfinished.oldestAgeMs).toBeGreaterThan(10_000);
    expect(c.unfinished.oldestAgeMs).toBeLessThanOrEqual(17_000);
    const series = r.series.clients.frontend!;
    expect(series.reduce((n, p) => n + p.unfinished, 0)).toBe(c.unfinished.count);
    expect(series.at(-1)!.unfinished).toBeGreaterThan(0);
  });
});
