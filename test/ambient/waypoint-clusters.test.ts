import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { podSuffix } from '../../src/mesh/pod-names.js';
import { clusterSubset, inboundVipName } from '../../src/mesh/waypoint-clusters.js';
import { parseClusterName } from '../../web/src/worker/edges.js';
import { cli } from '../support/cli.js';
import { runTexts, webService } from './support.js';

/**
 * istiod's names for a waypoint's clusters (pilot/pkg/networking/core/cluster_waypoint.go
 * buildWaypointInboundVIP; listener_waypoint.go getWaypointDestinationCluster): `inbound-vip|PORT|http|FQDN`
 * (and `http/SUBSET`) for the Services the waypoint serves, `outbound|...` for any other Service it
 * routes to; client sidecars keep `outbound|...`.
 */
describe('inbound-vip cluster names', () => {
  it('are BuildSubsetKey(inbound-vip, http[/subset], host, port)', () => {
    expect(inboundVipName(9080, '', 'web.shop.svc.cluster.local')).toBe(
      'inbound-vip|9080|http|web.shop.svc.cluster.local',
    );
    expect(inboundVipName(9080, 'v1', 'web.shop.svc.cluster.local')).toBe(
      'inbound-vip|9080|http/v1|web.shop.svc.cluster.local',
    );
  });

  it('parse back to the DestinationRule subset (reports, the web graph)', () => {
    expect(clusterSubset('inbound-vip|9080|http|h')).toBe('');
    expect(clusterSubset('inbound-vip|9080|http/v1|h')).toBe('v1');
    expect(clusterSubset('outbound|9080|v1|h')).toBe('v1');
    expect(clusterSubset('outbound|9080||h')).toBe('');
    expect(clusterSubset('PassthroughCluster')).toBe('');
    expect(parseClusterName('inbound-vip|9080|http/v2|h')).toEqual({ port: '9080', subset: 'v2', fqdn: 'h' });
    expect(parseClusterName('inbound-vip|9080|http|h')).toEqual({
      port: '9080',
      subset: '(default)',
      fqdn: 'h',
    });
    expect(parseClusterName('outbound|9080|v2|h')).toEqual({ port: '9080', subset: 'v2', fqdn: 'h' });
    expect(parseClusterName('inbound|9080||')).toBeUndefined();
  });
});

/** Namespace shop (ambient, waypoint wp), web (uses wp) with subsets, and api (opted out: `use-waypoint: none`). */
const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: shop}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
---
${webService({ replicas: 2 })}apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, labels: {istio.io/use-waypoint: none}}
spec:
  selector: {app: api}
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets: [{name: v1, labels: {app: web}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - match: [{uri: {prefix: /api}}]
    route: [{destination: {host: api}}]
  - route: [{destination: {host: web, subset: v1}}]
`;

const SCENARIO = (clients: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: waypoint-clusters}
spec:
  duration: 2s
  seed: 5
  workloads:
    shop/web: {latency: 1ms}
    shop/api: {latency: 1ms}
  traffic:
${clients}`;

const client = (name: string, ns: string, path: string) => `    - name: ${name}
      namespace: ${ns}
      connections: 1
      count: 20
      requests: [{url: "http://web.shop:9080${path}"}]
`;

describe('a waypoint names its clusters as istiod does', () => {
  it('inbound-vip for the Service it serves, outbound for a Service it routes to but does not serve', () => {
    const r = runTexts(SCENARIO(client('a', 'shop', '/') + client('b', 'shop', '/api')), MANIFESTS);
    expect(r.clusters.map((c) => [c.name, c.stats.upstream_rq_total])).toEqual([
      ['inbound-vip|9080|http/v1|web.shop.svc.cluster.local', 20],
      ['outbound|9080||api.shop.svc.cluster.local', 20],
    ]);
    // The hop table still reads the DestinationRule subset.
    expect(r.hops.map((h) => [h.source, h.service, h.subset, h.requests])).toEqual([
      ['shop/wp', 'api.shop.svc.cluster.local', '(default)', 20],
      ['shop/wp', 'web.shop.svc.cluster.local', 'v1', 20],
    ]);
  });

  it('a sidecar client (namespace without ambient) keeps outbound|... for the same Service', () => {
    const r = runTexts(SCENARIO(client('a', 'front', '/')), MANIFESTS);
    expect(r.clusters.map((c) => c.name)).toEqual(['outbound|9080|v1|web.shop.svc.cluster.local']);
  });

  it("istioctl proxy-config cluster of a waypoint pod: DIRECTION inbound-vip, SUBSET istiod's http[/subset]", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-wp-'));
    writeFileSync(join(dir, 'mesh.yaml'), MANIFESTS);
    const pod = `wp-${podSuffix('wp', 0)}`;
    const text = await cli('describe', dir, pod, '--proxy-config', 'cluster');
    expect(text.out.split('\n').filter((l) => l.includes('web.shop'))).toEqual([
      'web.shop.svc.cluster.local  9080  http     inbound-vip  EDS   web.shop',
      'web.shop.svc.cluster.local  9080  http/v1  inbound-vip  EDS   web.shop',
    ]);
    expect(text.out).toMatch(/^api\.shop\.svc\.cluster\.local +9080 +- +outbound /m);
    const json = JSON.parse((await cli('describe', dir, pod, '--proxy-config', 'cluster', '-o', 'json')).out);
    expect(json.map((c: { name: string }) => c.name)).toEqual([
      'outbound|9080||api.shop.svc.cluster.local',
      'inbound-vip|9080|http|web.shop.svc.cluster.local',
      'inbound-vip|9080|http/v1|web.shop.svc.cluster.local',
    ]);
    const eps = (await cli('describe', dir, pod, '--proxy-config', 'endpoint')).out;
    expect(eps).toMatch(/HEALTHY +OK +inbound-vip\|9080\|http\|web\.shop\.svc\.cluster\.local/);
  });
});
