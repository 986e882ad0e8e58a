import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { runModel } from '../support/run-model.js';
import { istioCount } from './support.js';

/**
 * models/ambient/circuit-breaker: one DestinationRule (maxConnections 1, http1MaxPendingRequests 1,
 * maxRequestsPerConnection 1), three fortio clients with one connection each, in sidecar mode and behind
 * a waypoint. Golden figures on the model's seed: where the limit bites, and how often.
 */
const stats = (r: Result, name: string) => r.clusters.find((c) => c.name === name)!.stats;
const SIDECARS = 'outbound|8000||httpbin.sidecars.svc.cluster.local';
// The waypoint's cluster for the Service it serves, as istiod names it (cluster_waypoint.go).
const AMBIENT = 'inbound-vip|8000|http|httpbin.ambient.svc.cluster.local';

describe('models/ambient/circuit-breaker: the same DestinationRule, per client vs per waypoint', async () => {
  const r = await runModel('models/ambient/circuit-breaker.scenario.yaml');
  const clients = (prefix: string) => r.clients.filter((c) => c.name.startsWith(prefix));
  const count = (prefix: string, code: string) =>
    clients(prefix).reduce((n, c) => n + (c.byStatus[code] ?? 0), 0);

  it("sidecars: no client sidecar ever overflows (one connection each); the server pods' sidecars sometimes do", () => {
    expect(clients('sidecars-').map((c) => c.requests)).toEqual([100, 100, 100]);
    expect(stats(r, SIDECARS).upstream_rq_pending_overflow).toBe(0);
    expect(stats(r, SIDECARS).upstream_cx_overflow ?? 0).toBe(0);
    // Two clients' requests met on one of the three httpbin pods: its inbound cluster's pending slot.
    expect(stats(r, 'inbound|8080||').upstream_rq_pending_overflow).toBe(10);
    expect(count('sidecars-', '503')).toBe(10);
  });

  it('ambient: the waypoint holds one pool for all three clients: 100 of 300 overflow (503 UO)', () => {
    expect(clients('ambient-').map((c) => c.requests)).toEqual([100, 100, 100]);
    expect(stats(r, AMBIENT).upstream_rq_pending_overflow).toBe(100);
    expect(count('ambient-', '503')).toBe(100);
    expect(clients('ambient-').reduce((n, c) => n + (c.byFlag.UO ?? 0), 0)).toBe(100);
    // Only the requests the waypoint let through reached the pods, which have no sidecar of their own.
    expect(stats(r, AMBIENT).upstream_rq_total).toBe(200);
    expect(r.workloads.find((w) => w.workload === 'ambient/httpbin-ambient')!.served).toBe(200);
  });

  it('metrics: reporter="waypoint" names the ambient clients as sources; ambient clients report nothing themselves', () => {
    expect(istioCount(r, { reporter: 'waypoint' })).toBe(300);
    expect(istioCount(r, { reporter: 'waypoint', source_workload: 'ambient-fortio-1' })).toBe(100);
    expect(istioCount(r, { reporter: 'waypoint', response_code: '503', response_flags: 'UO' })).toBe(100);
    expect(istioCount(r, { reporter: 'source', source_workload_namespace: 'ambient' })).toBe(0);
    expect(istioCount(r, { reporter: 'destination', destination_workload_namespace: 'ambient' })).toBe(0);
    expect(istioCount(r, { reporter: 'source', source_workload_namespace: 'sidecars' })).toBe(300);
  });
});
