import { describe, expect, it } from 'vitest';
import { resolveConnectionPool } from '../../src/config/defaults.js';
import {
  destinationRuleInboundLayer,
  inboundConnectionPool,
  sidecarInboundLayer,
} from '../../src/config/inbound-connection-pool.js';
import { INBOUND_RETRY_POLICY, inboundRetryPolicy } from '../../src/config/inbound-retry-policy.js';
import { loadManifests } from '../../src/config/load.js';
import { analyzeMesh, MAX_UINT32 } from '../../src/config/index.js';

const pool = (maxConnections: number, pending: number) =>
  resolveConnectionPool({ tcp: { maxConnections }, http: { http1MaxPendingRequests: pending } });

describe('inbound connectionPool precedence (buildInboundCluster): Sidecar > DestinationRule > mesh default', () => {
  const dr = pool(100, 50);
  const mesh = pool(10, 5);
  const sidecar = pool(7, 3);

  it('no layer: none (istiod applies an empty block: every limit 2^32-1)', () => {
    expect(inboundConnectionPool({})).toBeUndefined();
    expect(resolveConnectionPool(undefined).tcp.maxConnections).toBe(MAX_UINT32);
  });
  it('the mesh default alone applies', () => {
    expect(inboundConnectionPool({ meshDefault: mesh })).toBe(mesh);
  });
  it('the DR replaces the mesh default as a whole block (no field merge)', () => {
    const onlyPending = resolveConnectionPool({ http: { http1MaxPendingRequests: 9 } });
    const got = inboundConnectionPool({ destinationRule: onlyPending, meshDefault: mesh });
    expect(got).toBe(onlyPending);
    expect(got!.tcp.maxConnections).toBe(MAX_UINT32); // not the mesh default's 10
  });
  it('the Sidecar replaces both', () => {
    expect(inboundConnectionPool({ destinationRule: dr, meshDefault: mesh, sidecar })).toBe(sidecar);
    expect(inboundConnectionPool({ meshDefault: mesh, sidecar })).toBe(sidecar);
    expect(inboundConnectionPool({ destinationRule: dr, sidecar })).toBe(sidecar);
    expect(inboundConnectionPool({ destinationRule: dr, meshDefault: mesh })).toBe(dr);
  });
  it('Sidecar layer: the ingress listener of the port first, else inboundConnectionPool', () => {
    const perPort = pool(1, 1);
    const ingress = [{ port: 8080, connectionPool: perPort }, { port: 9090 }];
    expect(sidecarInboundLayer(ingress, sidecar, 8080)).toBe(perPort);
    expect(sidecarInboundLayer(ingress, sidecar, 9090)).toBe(sidecar); // listener without a pool
    expect(sidecarInboundLayer(ingress, sidecar, 7070)).toBe(sidecar);
    expect(sidecarInboundLayer(ingress, undefined, 7070)).toBeUndefined();
  });
});

describe('the DestinationRule layer', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api.default.svc.cluster.local
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 50}}
    retryBudget: {percent: 10, minRetryConcurrency: 2}
    portLevelSettings:
    - port: {number: 9090}
      connectionPool: {tcp: {maxConnections: 3}}
    - port: {number: 7070}
      loadBalancer: {simple: RANDOM}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}
`;
  const { config } = loadManifests([{ file: 'dr.yaml', text }]);
  const fqdn = 'api.default.svc.cluster.local';

  it('top-level connectionPool and retryBudget; subsets never apply', () => {
    const l = destinationRuleInboundLayer(config, fqdn, 80, 'default');
    expect(l.connectionPool!.tcp.maxConnections).toBe(100);
    expect(l.connectionPool!.http.http1MaxPendingRequests).toBe(50);
    expect(l.retryBudget).toEqual({ percent: 10, minRetryConcurrency: 2 });
  });
  it('a port-level entry for the service port replaces the whole policy (GetPortLevelTrafficPolicy)', () => {
    const l = destinationRuleInboundLayer(config, fqdn, 9090, 'default');
    expect(l.connectionPool!.tcp.maxConnections).toBe(3);
    expect(l.connectionPool!.http.http1MaxPendingRequests).toBe(MAX_UINT32);
    // shadowCopyPortTrafficPolicy has no retryBudget.
    expect(l.retryBudget).toBeUndefined();
  });
  it('a port-level entry without connectionPool leaves none (the top level is not inherited)', () => {
    expect(destinationRuleInboundLayer(config, fqdn, 7070, 'default').connectionPool).toBeUndefined();
  });
  it('no DestinationRule for the host: nothing', () => {
    expect(destinationRuleInboundLayer(config, 'other.default.svc.cluster.local', 80, 'default')).toEqual({});
  });
});

describe('the inbound route retry policy (Istio 1.24+)', () => {
  it('reset-before-request, 2 retries, 25 ms back-off; none on gRPC ports; the mesh default replaces it', () => {
    expect(inboundRetryPolicy({ istioProtocol: 'http' })).toBe(INBOUND_RETRY_POLICY);
    expect(INBOUND_RETRY_POLICY.retryOn).toEqual(['reset-before-request']);
    expect(INBOUND_RETRY_POLICY.numRetries).toBe(2);
    expect(INBOUND_RETRY_POLICY.backoffBaseMs).toBe(25);
    expect(INBOUND_RETRY_POLICY.perTryTimeoutMs).toBe(0);
    expect(inboundRetryPolicy({ istioProtocol: 'grpc' })).toBeNull();
    expect(inboundRetryPolicy({ istioProtocol: 'grpc-web' })).toBeNull();
    expect(inboundRetryPolicy({ istioProtocol: 'http2' }, null)).toBeNull();
    const custom = { ...INBOUND_RETRY_POLICY, numRetries: 5 };
    expect(inboundRetryPolicy({ istioProtocol: 'http' }, custom)).toBe(custom);
  });
});

describe('MSIM3020: a subset-only connectionPool does not reach the server side', () => {
  const svc = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
---
`;
  const drWith = (top: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api
${top}  subsets:
  - name: v1
    labels: {app: api}
    trafficPolicy:
      connectionPool: {tcp: {maxConnections: 1}}
`;
  const codes = (text: string) =>
    analyzeMesh(loadManifests([{ file: 'dr.yaml', text }]).config).filter((d) => d.code === 'MSIM3020');

  it('reported at the subset connectionPool when the top level has none', () => {
    const found = codes(svc + drWith(''));
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('info');
    expect(found[0]!.line).toBe(15); // the subset's connectionPool key
    expect(found[0]!.message).toContain('subset v1');
  });
  it('silent when the top level has a connectionPool (that one applies inbound)', () => {
    expect(
      codes(svc + drWith('  trafficPolicy: {connectionPool: {tcp: {maxConnections: 5}}}\n')),
    ).toHaveLength(0);
  });
});
