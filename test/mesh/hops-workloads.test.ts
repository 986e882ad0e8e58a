import { describe, expect, it } from 'vitest';
import { renderJson, renderPrometheus, renderText } from '../../src/report/index.js';
import { runExact } from './window-support.js';

describe('causes per hop (the source sidecar view)', () => {
  it("an inner hop's local reply shows on its own row: front -> empty is 503 UH, not the client's bare 503", () => {
    const r = runExact(`  duration: 2s
  workloads:
    default/front:
      concurrency: 8
      latency: 1ms
      calls:
        - {url: "http://empty/", onFailure: propagate}
  traffic:
    - {name: f, connections: 1, qps: 10, requests: [{url: "http://front/"}]}`);
    const n = r.clients[0]!.requests;
    expect(n).toBe(20);
    expect(r.hops).toEqual([
      {
        source: 'default/f',
        service: 'front.default.svc.cluster.local',
        subset: '(default)',
        requests: n,
        byStatus: { '503': n },
        byFlag: { '-': n },
      },
      {
        source: 'default/front',
        service: 'empty.default.svc.cluster.local',
        subset: '(default)',
        requests: n,
        byStatus: { '503': n },
        byFlag: { UH: n },
      },
    ]);
    const text = renderText(r);
    expect(text).toContain("Requests by hop (source sidecar's view: final code and response flags):");
    expect(text).toMatch(
      /default\/front\s+empty\.default\.svc\.cluster\.local\s+\(default\)\s+20\s+503:20\s+UH:20/,
    );
  });
});

describe('a local reply without a cluster', () => {
  it('no route matched (404 NR) is its own hop row, subset "-", named by the Host', () => {
    const r = runExact(
      `  duration: 1s
  workloads:
    default/slow: {concurrency: 4, latency: 1ms}
  traffic:
    - {name: f, connections: 1, qps: 10, requests: [{url: "http://slow/"}]}`,
      `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: slow, namespace: default}
spec:
  hosts: [slow]
  http:
    - match: [{headers: {x-canary: {exact: "1"}}}]
      route: [{destination: {host: slow}}]
`,
    );
    expect(r.hops).toEqual([
      {
        source: 'default/f',
        service: 'slow',
        subset: '-',
        requests: 10,
        byStatus: { '404': 10 },
        byFlag: { NR: 10 },
      },
    ]);
    expect(r.clients[0]!.byFlag).toEqual({ NR: 10 });
  });
});

describe('a client timeout is code -1 in the client view, 0 DC in the sidecars view', () => {
  it('in text and JSON -1; in Istio metrics and the hop table what the sidecar reports', () => {
    const r = runExact(`  duration: 2s
  workloads:
    default/slow: {concurrency: 4, latency: 2000ms}
  traffic:
    - {name: f, connections: 1, timeout: 500ms, requests: [{url: "http://slow/"}]}`);
    const c = r.clients[0]!;
    expect(c.byStatus).toEqual({ '-1': 4 });
    expect(c.timeouts).toBe(4);
    expect(c.byFlag).toEqual({ DC: 4 });
    expect(c.latencyMs.max).toBe(500);
    expect(JSON.parse(renderJson(r)).clients[0].byStatus).toEqual({ '-1': 4 });
    expect(renderText(r)).toContain('Code -1 : 4 (100.0 %)');
    expect(r.hops[0]!.byStatus).toEqual({ '0': 4 });
    expect(r.hops[0]!.byFlag).toEqual({ DC: 4 });
    expect(renderPrometheus(r)).toMatch(/reporter="source".*response_code="0",response_flags="DC".*\} 4\n/);
    expect(r.series.clients.f![0]!.errors).toBe(2);
  });
});

describe('per workload: queue wait and saturation', () => {
  it('two connections on one slot: every request but the first waits one service time', () => {
    // t=0: A served 0-1000, B waits; A's next (1000) waits behind B (1000-2000), and so on; the load
    // stops at 4000 ms with 5 requests started, the last served 4000-5000: one slot busy 0..5000.
    const r = runExact(`  duration: 4s
  workloads:
    default/slow: {concurrency: 1, latency: 1000ms}
  traffic:
    - {name: f, connections: 2, requests: [{url: "http://slow/"}]}`);
    const w = r.workloads.find((x) => x.workload === 'default/slow')!;
    expect(w).toEqual({
      workload: 'default/slow',
      pods: 1,
      served: 5,
      rejected: 0,
      queueWaitMs: { mean: 800, p99: 1000, max: 1000 },
      maxQueueLength: 1,
      saturation: 1,
    });
    expect(r.window.drainedUntilMs).toBe(5000);
    const idle = r.workloads.find((x) => x.workload === 'default/front')!;
    expect(idle).toMatchObject({ served: 0, saturation: 0, maxQueueLength: 0 });
    expect(renderText(r)).toMatch(/default\/slow\s+1\s+5\s+0\s+800ms\s+1000ms\s+1\s+100\.0 %/);
  });

  it('half the slot time busy is 50 %; queue-full rejections are counted and match the 503s', () => {
    const half = runExact(`  duration: 4s
  workloads:
    default/slow: {concurrency: 2, latency: 1000ms}
  traffic:
    - {name: f, connections: 1, requests: [{url: "http://slow/"}]}`);
    expect(half.workloads.find((x) => x.workload === 'default/slow')!.saturation).toBe(0.5);
    const full = runExact(`  duration: 4s
  workloads:
    default/slow: {concurrency: 1, queueLimit: 1, latency: 1000ms}
  traffic:
    - {name: f, connections: 3, qps: 30, requests: [{url: "http://slow/"}]}`);
    const w = full.workloads.find((x) => x.workload === 'default/slow')!;
    expect(w.rejected).toBeGreaterThan(0);
    expect(w.rejected).toBe(full.clients[0]!.byStatus['503']);
    expect(w.maxQueueLength).toBe(1);
  });
});
