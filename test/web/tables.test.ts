import { describe, expect, it } from 'vitest';
import { chartData } from '../../web/src/charts/series.js';
import { clientTable, hopTable, windowText, workloadTable } from '../../web/src/tables/summary.js';
import type { RunOutput } from '../../web/src/worker/protocol.js';
import { runExact } from '../mesh/window-support.js';

/** A 2 s app behind one connection; the drain limit cuts off the request started at 4 s. */
const cutOff = () =>
  runExact(`  duration: 5s
  drainTimeout: 999ms
  workloads:
    default/slow: {concurrency: 1, latency: 2000ms}
  traffic:
    - {name: f, connections: 1, timeout: 10s, requests: [{url: "http://slow/"}]}`);

function output(result: ReturnType<typeof cutOff>): RunOutput {
  const n = result.series.clients.f!.length;
  const zeros = new Array<number>(n).fill(0);
  return {
    result,
    timeline: {
      intervalMs: result.series.intervalMs,
      intervals: n,
      retries: zeros,
      pendingOverflow: zeros,
      retryOverflow: zeros,
      pendingActive: zeros,
      rqActive: zeros,
      pods: [],
      edges: [],
      panels: { requests: [], appQueue: {} },
    },
    wallMs: 0,
    size: { pods: 0, requests: 0 } as unknown as RunOutput['size'],
  };
}

describe('the web tables show the window, the cut-off requests, hops and workloads', () => {
  it('client table: the window in the caption, unfinished with its age', () => {
    const r = cutOff();
    const t = clientTable(r);
    expect(t.caption).toBe(
      'Clients (fortio-like), measured: requests started 0s..5s, drained until 5.999s; drain limit reached: 1 unfinished',
    );
    expect(t.head.at(-1)).toBe('unfinished');
    expect(t.rows[0]!.at(-1)).toBe('1 (oldest 1.999 s)');
    expect(windowText(r)).toContain('drained until 5.999s');
  });

  it('hop and workload tables carry the Result figures', () => {
    const r = cutOff();
    expect(hopTable(r).rows).toEqual([
      ['default/f', 'slow.default.svc.cluster.local', '(default)', '2', '200: 2', '-'],
    ]);
    const w = workloadTable(r).rows.find((row) => row[0] === 'default/slow')!;
    expect(w).toEqual(['default/slow', '1', '3', '0', '0 ms', '0 ms', '0', '100.0 %']);
  });

  it('the latency chart does not join a cut-off interval to the line: it is a marked lower bound', () => {
    const lat = chartData(output(cutOff())).find((c) => c.id === 'latency')!;
    const p99 = lat.lines.find((l) => l.key === 'f/p99')!;
    expect(p99.points).toEqual([
      [0, 2000],
      [2, 2000],
    ]);
    const lower = lat.lines.find((l) => l.key === 'f/p99/incomplete')!;
    expect(lower.incomplete).toBe(true);
    expect(lower.points).toEqual([[4, 0]]);
    expect(lower.label).toContain('cut off by the drain limit');
  });

  it('without cut-off requests there is no incomplete line', () => {
    const r = runExact(`  duration: 5s
  workloads:
    default/slow: {concurrency: 1, latency: 2000ms}
  traffic:
    - {name: f, connections: 1, requests: [{url: "http://slow/"}]}`);
    const lat = chartData(output(r)).find((c) => c.id === 'latency')!;
    expect(lat.lines.some((l) => l.incomplete)).toBe(false);
    expect(lat.lines.find((l) => l.key === 'f/p99')!.points.at(-1)).toEqual([4, 2000]);
  });
});
