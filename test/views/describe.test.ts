import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const CANARY = 'models/canary/canary.scenario.yaml';

/** Manifests alone (no scenario): a two-port service, a DR with TLS and policies, a VS with a bad subset. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-describe-'));
  writeFileSync(
    join(dir, 'mesh.yaml'),
    `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}, {name: http-admin, port: 9090}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: reviews, image: r, ports: [{containerPort: 9080}, {containerPort: 9090}]}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    connectionPool: {tcp: {maxConnections: 7}}
    outlierDetection: {consecutive5xxErrors: 3, interval: 5s, minHealthPercent: 25}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /beta}, headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 75}
    - {destination: {host: reviews, subset: v2}, weight: 25}
`,
  );
  return dir;
}

describe('meshsim describe', () => {
  it('has --help with its flags and exit codes', async () => {
    const r = await cli('describe', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: meshsim describe \[options\] <input> <target>/);
    expect(r.out).toMatch(/--proxy-config <kind>[\s\S]*"cluster",\s+"route",\s+"endpoint"/);
    expect(r.out).toContain('For describe: 1 when the inputs have errors or the target does not exist.');
  });

  it('describes a service as istioctl x describe svc does', async () => {
    const r = await cli('describe', CANARY, 'product-service');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'Service: product-service',
        '   Port: http 8080/HTTP targets pod port 8080',
        'DestinationRule: product-service for "product-service.production.svc.cluster.local"',
        '   Matching subsets: v1,v2',
        '   No Traffic Policy',
        'VirtualService: product-service',
        '   Route to host "product-service.production.svc.cluster.local" subset "v2" with weight 100%',
        '   Match:  when headers are user-group=beta-testers',
        '   Route to host "product-service.production.svc.cluster.local" subset "v1" with weight 90%',
        '   Route to host "product-service.production.svc.cluster.local" subset "v2" with weight 10%',
        '',
      ].join('\n'),
    );
  });

  it('describes a pod: its ports, the services selecting it, matching subsets, routes that reach it', async () => {
    const dir = fixture();
    const r = await cli('describe', dir, await podOf(dir));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^Pod: reviews-v1-\w+-0$/);
    expect(lines.slice(1, 3)).toEqual([
      '   Pod Revision: default',
      '   Pod Ports: 9080 (reviews), 9090 (reviews), 15090 (istio-proxy)',
    ]);
    expect(r.out).toContain(
      [
        '--------------------',
        'Service: reviews',
        '   Port: http 9080/HTTP targets pod port 9080',
        '   Port: http-admin 9090/HTTP targets pod port 9090',
        '9080:',
        '   DestinationRule: reviews for "reviews.shop.svc.cluster.local"',
        '      Matching subsets: v1',
        '         (Non-matching subsets v2)',
        '      Traffic Policy TLS Mode: ISTIO_MUTUAL',
        '      Policies: connection pool/outlier detection',
        '   VirtualService: reviews',
        '      Route to host "reviews.shop.svc.cluster.local" subset "v1" with weight 75%',
        '      1 additional destination(s) that will not reach this pod',
        '9090:',
      ].join('\n'),
    );
  });

  it('an unknown target is MSIM3090 with close names, exit 1', async () => {
    const r = await cli('describe', CANARY, 'product-servce');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${CANARY} error MSIM3090 no service or pod "product-servce" in these manifests; close names: product-service\n`,
    );
    const fqdn = await cli('describe', CANARY, 'product-service.production.svc.cluster.local');
    expect(fqdn.out).toMatch(/^Service: product-service\n/);
    const pods = await cli('describe', CANARY, 'frontend');
    expect(pods.err).toContain('close names: frontend-0, frontend-1, frontend-2');
  });

  it('--proxy-config cluster: the table, and -o json the effective cluster with Istio defaults in Envoy field names', async () => {
    const dir = fixture();
    const table = await cli('describe', dir, 'reviews', '--proxy-config', 'cluster');
    expect(table.out.split('\n').slice(0, 3)).toEqual([
      'SERVICE FQDN                    PORT  SUBSET  DIRECTION  TYPE  DESTINATION RULE',
      'reviews.shop.svc.cluster.local  9080  -       outbound   EDS   reviews.shop',
      'reviews.shop.svc.cluster.local  9080  v1      outbound   EDS   reviews.shop',
    ]);
    const json = JSON.parse(
      (await cli('describe', dir, 'reviews', '--proxy-config', 'cluster', '-o', 'json')).out,
    );
    const v1 = json.find(
      (c: { name: string }) => c.name === 'outbound|9080|v1|reviews.shop.svc.cluster.local',
    );
    expect(v1).toMatchObject({
      type: 'EDS',
      connect_timeout: '10s',
      lb_policy: 'LEAST_REQUEST',
      circuit_breakers: {
        thresholds: [
          {
            max_connections: 7,
            max_pending_requests: 4294967295,
            max_requests: 4294967295,
            max_retries: 4294967295,
          },
        ],
      },
      common_lb_config: { healthy_panic_threshold: { value: 25 } },
      outlier_detection: {
        consecutive_5xx: 3,
        enforcing_consecutive_5xx: 100,
        interval: '5s',
        base_ejection_time: '30s',
        max_ejection_percent: 10,
        enforcing_consecutive_gateway_failure: 0,
      },
    });
    // Without a DestinationRule: Istio's defaults (no outlier detection, Envoy's 50 % panic threshold).
    const plain = JSON.parse(
      (await cli('describe', CANARY, 'product-service', '--proxy-config', 'cluster', '-o', 'json')).out,
    );
    // Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS): 0 without outlier detection.
    expect(plain[0].common_lb_config.healthy_panic_threshold.value).toBe(0);
    expect(plain[0].outlier_detection).toBeUndefined();
  });

  it('--proxy-config route -o json: weighted clusters, timeout and the retry policy istiod emits', async () => {
    const r = await cli('describe', CANARY, 'frontend-0', '--proxy-config', 'route', '-o', 'json');
    const routes = JSON.parse(r.out)[0].virtual_hosts[0].routes;
    expect(routes).toHaveLength(2);
    expect(routes[1].route.weighted_clusters).toEqual({
      clusters: [
        { name: 'outbound|8080|v1|product-service.production.svc.cluster.local', weight: 90 },
        { name: 'outbound|8080|v2|product-service.production.svc.cluster.local', weight: 10 },
      ],
      total_weight: 100,
    });
    expect(routes[1].route.timeout).toBe('0s');
    expect(routes[1].route.retry_policy).toMatchObject({
      num_retries: 2,
      retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
      host_selection_retry_max_attempts: '5',
    });
  });

  it('--proxy-config endpoint: each cluster member as the pod sees it', async () => {
    const r = await cli('describe', CANARY, 'frontend-0', '--proxy-config', 'endpoint');
    const rows = r.out.trimEnd().split('\n');
    expect(rows[0]).toBe('ENDPOINT       STATUS   OUTLIER CHECK  CLUSTER');
    // 4 product-service pods in the default cluster, 3 in v1, 1 in v2.
    expect(rows).toHaveLength(1 + 4 + 3 + 1);
    expect(
      rows.filter((l) => l.endsWith('outbound|8080|v2|product-service.production.svc.cluster.local')),
    ).toHaveLength(1);
  });

  it('-o yaml carries the effective clusters per service port', async () => {
    const r = await cli('describe', fixture(), 'reviews', '-o', 'yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '      matchingSubsets:\n        - v1\n      nonMatchingSubsets:\n        - v2\n      tlsMode: ISTIO_MUTUAL\n',
    );
    expect(r.out).toMatch(
      / {4}ports:\n {6}- name: http\n {8}port: 9080\n {8}protocol: HTTP\n {8}clusters:\n {10}- name: outbound\|9080\|\|reviews/,
    );
  });
});

/** The pod of reviews-v1 in the fixture (its name has a derived suffix), from the close names of the workload's name. */
async function podOf(dir: string): Promise<string> {
  const r = await cli('describe', dir, 'reviews-v1');
  return /reviews-v1-\w+-0/.exec(r.err)![0];
}
