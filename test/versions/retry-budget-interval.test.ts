import { describe, expect, it } from 'vitest';
import { resolveConnectionPool, resolveLoadBalancer } from '../../src/config/defaults.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import type { ClusterPolicy, RetryBudgetSettings } from '../../src/config/types.js';
import { ResourceManager } from '../../src/envoy/upstream/resource-manager.js';
import { RetryBudgetWindow } from '../../src/envoy/upstream/retry-budget-window.js';
import { runScenario } from '../../src/run/index.js';

const policy = (retryBudget: RetryBudgetSettings): ClusterPolicy => ({
  connectionPool: resolveConnectionPool({}),
  loadBalancer: resolveLoadBalancer(undefined),
  panicThresholdPercent: 50,
  retryBudget,
});

/** `n` requests that take a max_requests slot at the clock's time and finish at once. */
function start(rm: ResourceManager, n: number): void {
  for (let i = 0; i < n; i++) {
    rm.requests.inc();
    rm.requests.dec();
  }
}

describe('retryBudget.budgetInterval: the budget counts the requests of the last interval (Envoy RetryBudgetImpl)', () => {
  it('limit = max(trunc(percent × requests in the window), minRetryConcurrency): 14, 15 and 16 requests at 20 %', () => {
    const clock = { now: 0 };
    const limits = [14, 15, 16, 20].map((n) => {
      const rm = new ResourceManager(
        policy({ percent: 20, minRetryConcurrency: 1, budgetIntervalMs: 1000 }),
        null,
        clock,
      );
      start(rm, n);
      return rm.retryLimit();
    });
    // 2.8 is truncated to 2 (Envoy's uint64 conversion), 3.0 and 3.2 give 3, 4.0 gives 4.
    expect(limits).toEqual([2, 3, 3, 4]);
  });

  it('retries in flight are compared with the limit: just below, at and above it', () => {
    const clock = { now: 0 };
    const rm = new ResourceManager(
      policy({ percent: 20, minRetryConcurrency: 1, budgetIntervalMs: 1000 }),
      null,
      clock,
    );
    start(rm, 15); // limit 3, no request active any more
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      allowed.push(rm.canRetry());
      if (rm.canRetry()) rm.retries.inc();
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(rm.retries.count).toBe(3);
    // Without budgetInterval only the requests in flight count: none, so minRetryConcurrency (1).
    const inFlight = new ResourceManager(policy({ percent: 20, minRetryConcurrency: 1 }), null, clock);
    start(inFlight, 15);
    expect(inFlight.retryLimit()).toBe(1);
  });

  it('minRetryConcurrency is the floor while the window is empty or small', () => {
    const clock = { now: 0 };
    const rm = new ResourceManager(
      policy({ percent: 20, minRetryConcurrency: 3, budgetIntervalMs: 1000 }),
      null,
      clock,
    );
    expect(rm.retryLimit()).toBe(3);
    start(rm, 19); // 3.8 -> 3
    expect(rm.retryLimit()).toBe(3);
    start(rm, 1); // 4
    expect(rm.retryLimit()).toBe(4);
  });

  it('pending requests are not counted (only max_requests increments write the window)', () => {
    const clock = { now: 0 };
    const rm = new ResourceManager(
      policy({ percent: 50, minRetryConcurrency: 1, budgetIntervalMs: 1000 }),
      null,
      clock,
    );
    for (let i = 0; i < 10; i++) rm.pendingRequests.inc();
    expect(rm.retryLimit()).toBe(1);
  });
});

describe('the window: 10 slots of interval/10, the slot being filled and the 9 before it', () => {
  it('1 s interval: a request at 50 ms counts until 999 ms, not at 1000 ms; one at 950 ms until 1899 ms', () => {
    const clock = { now: 50 };
    const w = new RetryBudgetWindow(1000, clock);
    expect(w.slotMs).toBe(100);
    w.write();
    clock.now = 950;
    w.write();
    const at = (t: number) => {
      clock.now = t;
      return w.requests();
    };
    expect([at(950), at(999), at(1000), at(1899), at(1900)]).toEqual([2, 2, 1, 1, 0]);
  });

  it('a ring slot reused by a later slot starts from zero', () => {
    const clock = { now: 0 };
    const w = new RetryBudgetWindow(100, clock); // 10 ms slots
    w.write();
    w.write();
    clock.now = 105; // slot 10 reuses ring entry 0
    w.write();
    expect(w.requests()).toBe(1);
    clock.now = 195; // slot 19: slots 10..19 are in the window
    expect(w.requests()).toBe(1);
    clock.now = 200;
    expect(w.requests()).toBe(0);
  });

  it('slot length is interval/10 truncated to whole ms (Envoy integer division), at least 1 ms', () => {
    const clock = { now: 0 };
    expect([1999, 10, 9, 1].map((ms) => new RetryBudgetWindow(ms, clock).slotMs)).toEqual([199, 1, 1, 1]);
  });
});

/**
 * 20 clients send one request each at t=0 to one api pod that answers 503 after 50 ms; one retry on 5xx
 * each; retryBudget 50 %, minRetryConcurrency 1. The 20 retry decisions fall at ~50 ms, one after the other,
 * while the retries already granted are in back-off (each holds the retry resource).
 */
const burst = (budget: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: budget}
spec:
  duration: 2s
  seed: 3
  network: {sameZone: 0.2ms, crossZone: 0.2ms, crossRegion: 0.2ms}
  workloads:
    default/api: {concurrency: 64, latency: 50ms, errors: [{status: 503, rate: 1}]}
  traffic:
    - {name: client, connections: 20, qps: 0, count: 20, requests: [{url: "http://api/"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api}]}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: default}
spec:
  hosts: [api]
  http: [{route: [{destination: {host: api}}], retries: {attempts: 1, retryOn: 5xx}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
  trafficPolicy: {retryBudget: {percent: 50, minRetryConcurrency: 1${budget}}}
`;

function retries(budget: string): [number | undefined, number | undefined] {
  const r = loadScenarioFromTexts({ file: 's.yaml', text: burst(budget) }, [], {});
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const s = runScenario(r.loaded).clusters.find(
    (c) => c.name === 'outbound|80||api.default.svc.cluster.local',
  )!.stats;
  return [s.upstream_rq_retry, s.upstream_rq_retry_overflow];
}

describe('budgetInterval end to end (Istio 1.31): a burst of 20 failures, 50 % budget', () => {
  it('unset: in-flight requests only; decision i sees 19 - i requests active, so 7 retries (i < 0.5 (19 - i))', () => {
    expect(retries('')).toEqual([7, 13]);
  });
  it('1 s: the 20 requests of the window give a constant limit of 10: 10 retries, 10 overflows', () => {
    expect(retries(', budgetInterval: 1s')).toEqual([10, 10]);
  });
  it('60 ms (6 ms slots): the requests written at ~0.4 ms still count at ~50 ms: 10 retries', () => {
    expect(retries(', budgetInterval: 60ms')).toEqual([10, 10]);
  });
  it('50 ms (5 ms slots): they left the window at 50 ms, before the decisions: minRetryConcurrency 1, one retry', () => {
    expect(retries(', budgetInterval: 50ms')).toEqual([1, 19]);
  });
});
