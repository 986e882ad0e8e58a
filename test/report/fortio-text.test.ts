import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/index.js';
import { runExact } from '../mesh/window-support.js';

describe("the text report in fortio's shapes", () => {
  it('a closed loop that finishes early reports its own elapsed time and qps, not the duration', () => {
    // 4 connections, 20 requests of exactly 250 ms: done after 1.25 s of a 60 s scenario.
    const r = runExact(`  duration: 60s
  workloads:
    default/slow: {concurrency: 8, latency: 250ms}
  traffic:
    - {name: fortio, connections: 4, count: 20, requests: [{url: "http://slow/"}]}`);
    const text = renderText(r);
    const block = text.slice(
      text.indexOf('Client fortio'),
      text.indexOf('\n\n', text.indexOf('Client fortio')),
    );
    expect(block.split('\n')).toEqual([
      'Client fortio: 20 requests in 1.25s, 16.0 qps, success 100.000 %',
      'Ended after 1.25s : 20 calls. qps=16',
      'Aggregated Function Time : count 20 avg 0.25 +/- 0 min 0.25 max 0.25 sum 5',
      '# range, mid point, percentile, count',
      '>= 0.25 <= 0.25 , 0.25 , 100.00, 20',
      '# target 50% 0.25',
      '# target 75% 0.25',
      '# target 90% 0.25',
      '# target 99% 0.25',
      '# target 99.9% 0.25',
      'Code 200 : 20 (100.0 %)',
      'All done 20 calls (plus 0 warmup) 250.000 ms avg, 16.0 qps',
    ]);
    expect(r.clients[0]!.elapsedMs).toBe(1250);
    expect(r.window).toEqual({ fromMs: 0, toMs: 60_000, drainedUntilMs: 60_000 });
  });

  it('histogram lines: cumulative percent per fortio bucket, first from min, last to max', () => {
    const r = runExact(`  duration: 3s
  warmup: 1s
  workloads:
    default/slow: {concurrency: 8, latency: {empirical: {samples: [1.5ms, 9ms, 10ms, 10.5ms]}}}
  traffic:
    - {name: f, connections: 1, qps: 20, requests: [{url: "http://slow/"}]}`);
    const c = r.clients[0]!;
    const text = renderText(r);
    const lines = text.split('\n');
    const at = lines.indexOf('# range, mid point, percentile, count');
    const hist = lines.slice(
      at + 1,
      lines.findIndex((l, i) => i > at && l.startsWith('# target')),
    );
    expect(hist[0]).toMatch(/^>= 0\.0015 <= 0\.002 , 0\.00175 , \d+\.\d\d, \d+$/);
    expect(hist.at(-1)).toMatch(/^> 0\.01 <= 0\.0105 , 0\.01025 , 100\.00, \d+$/);
    const counts = hist.map((l) => Number(l.split(', ').at(-1)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(c.requests);
    expect(c.histogram.map((b) => [b.fromMs, b.toMs])).toEqual([
      [1.5, 2],
      [8, 9],
      [9, 10],
      [10, 10.5],
    ]);
    expect(text).toContain(`All done ${c.requests} calls (plus ${c.warmupRequests} warmup)`);
    expect(c.warmupRequests).toBe(20);
  });
});
