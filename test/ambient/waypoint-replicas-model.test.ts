import { describe, expect, it } from 'vitest';
import { podSuffix } from '../../src/mesh/pod-names.js';
import type { Result } from '../../src/run/index.js';
import { cli } from '../support/cli.js';
import { runModel } from '../support/run-model.js';

/**
 * models/ambient/waypoint-replicas: one DestinationRule (maxConnections 1, http1MaxPendingRequests 1,
 * maxRequestsPerConnection 1), three fortio clients (-c 1 -n 200) in each of three namespaces: client
 * sidecars, one waypoint replica, three waypoint replicas. Golden figures on the model's seed 11.
 */
const MODEL = 'models/ambient/waypoint-replicas.scenario.yaml';
const cluster = (r: Result, name: string) => r.clusters.find((c) => c.name === name)!;
const ONE = 'inbound-vip|8000|http|httpbin.ambient.svc.cluster.local';
const THREE = 'inbound-vip|8000|http|httpbin.ambient-3.svc.cluster.local';

describe('models/ambient/waypoint-replicas: the same DR per client, per one waypoint, per three replicas', async () => {
  const r = await runModel(MODEL);
  const clients = (ns: string) => r.clients.filter((c) => c.name.startsWith(`${ns}-fortio-`));
  const count = (ns: string, code: string) => clients(ns).reduce((n, c) => n + (c.byStatus[code] ?? 0), 0);
  const uo = (ns: string) => clients(ns).reduce((n, c) => n + (c.byFlag.UO ?? 0), 0);

  it('every client sends its 200 requests', () => {
    for (const ns of ['sidecars', 'ambient', 'ambient-3'])
      expect(clients(ns).map((c) => c.requests)).toEqual([200, 200, 200]);
  });

  it("sidecars: no client-side overflow; the server pods' own sidecars reject 20 (two clients on one pod)", () => {
    expect(
      cluster(r, 'outbound|8000||httpbin.sidecars.svc.cluster.local').stats.upstream_rq_pending_overflow,
    ).toBe(0);
    expect(cluster(r, 'inbound|8080||').stats.upstream_rq_pending_overflow).toBe(20);
    expect(count('sidecars', '503')).toBe(20);
  });

  it('one waypoint replica: one pool for the three clients, 184 of 600 get 503 UO', () => {
    expect(cluster(r, ONE).sidecars).toBe(1);
    expect(cluster(r, ONE).stats.upstream_rq_pending_overflow).toBe(184);
    expect(uo('ambient')).toBe(184);
    expect(count('ambient', '200')).toBe(416);
  });

  it('three waypoint replicas: three pools (3 x the limits), 53 of 600 overflow', () => {
    expect(cluster(r, THREE).sidecars).toBe(3);
    expect(cluster(r, THREE).stats.upstream_rq_pending_overflow).toBe(53);
    expect(uo('ambient-3')).toBe(53);
    expect(count('ambient-3', '200')).toBe(547);
    // Fewer overflows than one replica, more than none: ztunnel's random spread puts clients together.
    expect(uo('ambient-3')).toBeLessThan(uo('ambient'));
    expect(uo('ambient-3')).toBeGreaterThan(0);
  });

  it("each replica's Envoy counts its own share: /stats per waypoint pod sum to the totals", async () => {
    const per = [];
    for (let i = 0; i < 3; i++) {
      const pod = `three-replicas-${podSuffix('three-replicas', i)}`;
      const out = (await cli('run', MODEL, '-f', 'envoy-stats', '--pod', pod)).out;
      const stat = (k: string) =>
        Number(new RegExp(`^cluster\\.${THREE.replace(/\|/g, '\\|')}\\.${k}: (\\d+)$`, 'm').exec(out)![1]);
      per.push([stat('upstream_rq_total'), stat('upstream_rq_pending_overflow')]);
    }
    expect(per).toEqual([
      [176, 16],
      [192, 20],
      [179, 17],
    ]);
  });
});
