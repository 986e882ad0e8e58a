import { describe, expect, it } from 'vitest';
import { PodNames } from '../../src/mesh/pod-names.js';
import { cli } from '../support/cli.js';
import { runModel } from '../support/run-model.js';

describe('pod names across namespaces', () => {
  it('keeps a name one namespace uses, qualifies one several namespaces use, and never hands out one twice', () => {
    const names = new PodNames([
      { name: 'api', namespace: 'team-a' },
      { name: 'api', namespace: 'team-b' },
      { name: 'web', namespace: 'team-a' },
    ]);
    expect(names.claim('web-0', 'team-a', 'web')).toBe('web-0');
    expect(names.claim('api-0', 'team-a', 'api')).toBe('api-0.team-a');
    expect(names.claim('api-0', 'team-b', 'api')).toBe('api-0.team-b');
    // A pod of an owner not listed (a waypoint) whose name is taken is qualified at once, then counted.
    expect(names.claim('web-0', 'team-b', 'web-wp')).toBe('web-0.team-b');
    expect(names.claim('web-0', 'team-b', 'web-wp')).toBe('web-0.team-b.2');
  });

  it('two teams running same-named Deployments, StatefulSets and clients keep their traffic apart', async () => {
    const r = await runModel('test/fixtures/namespaces/scenario.yaml');
    const hops = Object.fromEntries(r.hops.map((h) => [`${h.source} -> ${h.service}`, h.requests]));
    // Each team's client calls its own `api`, whose pods call their own `cache` (cluster DNS from the
    // caller's namespace); no request crosses namespaces, and team-b's api answers every request 503.
    expect(Object.keys(hops).sort()).toEqual([
      'team-a/api -> cache.team-a.svc.cluster.local',
      'team-a/client -> api.team-a.svc.cluster.local',
      'team-b/api -> cache.team-b.svc.cluster.local',
      'team-b/client -> api.team-b.svc.cluster.local',
    ]);
    const served = Object.fromEntries(r.workloads.map((w) => [w.workload, w.served]));
    expect(served['team-a/cache']).toBe(hops['team-a/api -> cache.team-a.svc.cluster.local']);
    expect(served['team-b/cache']).toBe(hops['team-b/api -> cache.team-b.svc.cluster.local']);
    expect(served['team-b/api']).toBe(hops['team-b/client -> api.team-b.svc.cluster.local']);
    const b = r.hops.find((h) => h.source === 'team-b/client')!;
    expect(b.byStatus).toEqual({ '503': b.requests });
    // Istio's source labels name the caller's own namespace.
    for (const m of r.istio) {
      if (m.labels.source_workload === 'client' || m.labels.source_workload === 'api')
        expect(m.labels.destination_service_namespace).toBe(m.labels.source_workload_namespace);
    }
  });
});

describe('--pod addresses a pod as istioctl does', () => {
  const scenario = 'test/fixtures/namespaces/scenario.yaml';
  it('takes <pod>.<namespace>, and lists both pods when the bare name is ambiguous', async () => {
    const b = await cli('run', scenario, '-f', 'envoy-clusters', '--pod', 'client-0.team-b');
    expect(b.code).toBe(0);
    expect(b.out).toContain('outbound|8080||api.team-b.svc.cluster.local::');
    expect(b.out).not.toContain('api.team-a.svc.cluster.local');
    const bare = await cli('run', scenario, '-f', 'envoy-clusters', '--pod', 'client-0');
    expect(bare.code).not.toBe(0);
    expect(bare.err).toContain('close names: client-0.team-a, client-0.team-b');
  });

  it('also takes <pod>.<namespace> for a pod whose name one namespace uses', async () => {
    const clusters = (pod: string) =>
      cli('run', 'models/canary/canary.scenario.yaml', '-d', '2s', '-f', 'envoy-clusters', '--pod', pod);
    const r = await clusters('frontend-0.production');
    expect(r.code).toBe(0);
    expect(r.out).toContain('outbound|8080|v1|product-service.production.svc.cluster.local::');
    const wrongNs = await clusters('frontend-0.default');
    expect(wrongNs.code).not.toBe(0);
    expect(wrongNs.err).toContain('--pod frontend-0.default: no such pod in this run');
  });
});
