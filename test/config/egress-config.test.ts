import { describe, expect, it } from 'vitest';
import { MAX_UINT32 } from '../../src/config/index.js';
import { analyze, codesAt, load } from './helpers.js';

/** A ServiceEntry in namespace production with the given spec (indented 2). */
const se = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
  namespace: production
spec:
${spec}`;

const sidecar = (spec: string, name = 'default') => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: ${name}
  namespace: production
spec:
${spec}`;

const errors = (text: string) =>
  load(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}@${d.line} ${d.message}`);

describe('ServiceEntry: read and resolved (istio serviceentry/conversion.go)', () => {
  it('resolves hosts, ports, endpoints with Istio defaults (MESH_EXTERNAL, weight 0 sent as 1)', () => {
    const { config, diagnostics } = load(
      se(`  hosts: [API.example.com]
  ports: [{number: 80, name: http, protocol: http}]
  resolution: DNS
  endpoints:
  - {address: eu.example.com, locality: europe/europe-b, weight: 0, labels: {dc: eu}}
  - {address: us.example.com, ports: {http: 8080}, weight: 3}`),
    );
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(diagnostics.some((d) => d.code === 'MSIM0011')).toBe(false);
    const e = config.serviceEntries![0]!;
    expect(e.hosts).toEqual(['api.example.com']);
    expect(e.location).toBe('MESH_EXTERNAL');
    expect(e.resolution).toBe('DNS');
    expect(e.ports).toEqual([{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 0 }]);
    expect(e.endpoints.map((x) => [x.address, x.weight, x.locality, x.ports.http])).toEqual([
      ['eu.example.com', 1, 'europe/europe-b', undefined],
      ['us.example.com', 3, '', 8080],
    ]);
    // Still a known host for the analyzers.
    expect(config.serviceEntryHosts).toEqual([{ host: 'api.example.com', namespace: 'production' }]);
  });

  it('resolution defaults to NONE', () => {
    const { config } = load(
      se(`  hosts: [a.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]`),
    );
    expect(config.serviceEntries![0]!.resolution).toBe('NONE');
  });

  it('refuses what ValidateServiceEntry refuses, at the offending line', () => {
    expect(errors(se(`  hosts: ["*"]\n  ports: [{number: 80, name: http, protocol: HTTP}]`))).toEqual([
      'IST0106@7 invalid host *',
    ]);
    expect(errors(se(`  ports: [{number: 80, name: http, protocol: HTTP}]`))).toEqual([
      'IST0106@7 service entry must have at least one host',
    ]);
    expect(
      errors(
        se(`  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: NONE
  endpoints: [{address: 1.2.3.4}]`),
      ),
    ).toEqual(['IST0106@10 no endpoints should be provided for resolution type none']);
    expect(
      errors(
        se(`  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: host.example.com}]`),
      ),
    ).toEqual(['IST0106@10 endpoint address "host.example.com" is not a valid IP address']);
    expect(
      errors(
        se(`  hosts: ["*.example.com"]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS`),
      ),
    ).toHaveLength(1);
    expect(
      errors(
        se(`  hosts: [a.example.com, b.example.com]
  addresses: [10.0.0.1]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: DNS`),
      ),
    ).toEqual(['IST0106@9 multiple hosts provided with non-HTTP, non-TLS ports']);
    expect(
      errors(
        se(`  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 80, name: http2, protocol: HTTP}]
  resolution: DNS
  endpoints: [{address: x.example.com, ports: {grpc: 9000}}]`),
      ),
    ).toEqual([
      'IST0106@8 service entry port 80 already defined',
      'IST0106@10 endpoint port 9000 is not defined by the service entry',
    ]);
  });

  it('DNS_ROUND_ROBIN takes at most one endpoint: 1 passes, 2 fail', () => {
    const two = se(`  hosts: [a.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS_ROUND_ROBIN
  endpoints: [{address: x.example.com}, {address: y.example.com}]`);
    expect(errors(two)).toEqual([
      'IST0106@10 there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN',
    ]);
    expect(errors(two.replace(', {address: y.example.com}', ''))).toEqual([]);
  });

  it('warns like the webhook: a TCP port without addresses (IST0133); several hosts are fine with NONE', () => {
    const { diagnostics } = load(
      se(`  hosts: [a.example.com, b.example.com]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]`),
    );
    expect(codesAt(diagnostics.filter((d) => d.severity !== 'info'))).toEqual(['IST0133@8']);
  });
});

describe('Sidecar: read, validated (ValidateSidecar) and resolved', () => {
  it('refuses an empty Sidecar, a catch-all listener that is not last, a host without a namespace', () => {
    expect(errors(sidecar('  workloadSelector: {labels: {app: a}}'))).toEqual([
      'IST0106@7 sidecar: empty configuration provided',
    ]);
    expect(
      errors(
        sidecar(`  egress:
  - hosts: ["./*"]
  - port: {number: 80, protocol: HTTP, name: http}
    hosts: ["istio-system/*"]`),
      ),
    ).toEqual([
      'IST0106@8 sidecar: the egress listener with empty port should be the last listener in the list',
    ]);
    expect(errors(sidecar(`  egress:\n  - hosts: ["reviews"]`))).toEqual([
      'IST0106@8 host "reviews" must be of form namespace/dnsName',
    ]);
    expect(errors(sidecar('  outboundTrafficPolicy: {mode: ALLOW_ANY_DYNAMIC_DNS}'))).toEqual([
      'IST0106@7 sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource',
    ]);
  });

  it('warns on a duplicated egress host (IST0133)', () => {
    const { diagnostics } = load(sidecar(`  egress:\n  - hosts: ["./*", "./reviews"]`));
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'IST0133 duplicated egress host: ./reviews',
    ]);
  });

  it('resolves egress hosts, the outbound policy (proto default REGISTRY_ONLY) and inboundConnectionPool', () => {
    const { config } = load(
      `${sidecar(`  egress:\n  - hosts: ["./*", "istio-system/*", "*/api.example.com"]\n  outboundTrafficPolicy: {}\n  inboundConnectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 50}}`)}\n---\n${sidecar(
        '  workloadSelector: {labels: {app: a}}\n  outboundTrafficPolicy: {mode: ALLOW_ANY}',
        'a',
      )}`,
    );
    const [s, a] = config.sidecars!;
    expect(s!.egress[0]!.hosts).toEqual([
      { namespace: '.', host: '*' },
      { namespace: 'istio-system', host: '*' },
      { namespace: '*', host: 'api.example.com' },
    ]);
    expect(s!.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(s!.inboundConnectionPool!.tcp.maxConnections).toBe(100);
    expect(s!.inboundConnectionPool!.http.http1MaxPendingRequests).toBe(50);
    expect(s!.inboundConnectionPool!.http.http2MaxRequests).toBe(MAX_UINT32);
    expect(a!.outboundTrafficPolicy).toBe('ALLOW_ANY');
    expect(a!.workloadSelector).toEqual({ app: 'a' });
  });
});

const configMap = (mesh: string, ns = 'istio-system') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: ${ns}
data:
  mesh: |-
${mesh}`;

describe('MeshConfig from the istio ConfigMap (mesh key)', () => {
  it('resolves the simulated fields with Istio defaults for the rest', () => {
    const { config, diagnostics } = load(
      configMap(`    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
    connectTimeout: 5s
    defaultTrafficPolicy:
      connectionPool:
        http: {http1MaxPendingRequests: 7}
    localityLbSetting:
      enabled: false`),
    );
    expect(diagnostics).toEqual([]);
    const m = config.istioMeshConfig!;
    expect(m.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(m.connectTimeoutMs).toBe(5000);
    expect(m.defaultTrafficPolicy.connectionPool!.http.http1MaxPendingRequests).toBe(7);
    expect(m.defaultTrafficPolicy.outlierDetection).toBeUndefined();
    expect(m.localityLbSetting!.enabled).toBe(false);
    expect(m.enableAutoMtls).toBe(true);
    expect(m.rootNamespace).toBe('istio-system');
  });

  it('positions errors inside the embedded YAML at the outer file line and column', () => {
    const { config, diagnostics } = load(configMap(`    outboundTrafficPolicy:\n      mode: REGISTRY_ONY`));
    expect(config.istioMeshConfig).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ['MSIM3040', 9, 13, 'data.mesh.outboundTrafficPolicy.mode'],
    ]);
    expect(diagnostics[0]!.message).toContain('did you mean "REGISTRY_ONLY"');
  });

  it('notes fields it does not simulate (MSIM3041) at their key, and still applies the rest', () => {
    const { config, diagnostics } = load(configMap(`    accessLogFile: /dev/stdout\n    connectTimeout: 1s`));
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['MSIM3041', 8, 5]]);
    expect(config.istioMeshConfig!.connectTimeoutMs).toBe(1000);
  });

  it('a ConfigMap elsewhere is not simulated; a missing or non-string mesh key is reported', () => {
    expect(load(configMap('    connectTimeout: 1s', 'default')).diagnostics.map((d) => d.code)).toEqual([
      'MSIM0011',
    ]);
    const noKey = load(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {}\n',
    );
    expect(noKey.diagnostics.map((d) => d.code)).toEqual(['MSIM3045']);
    const notString = load(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: {a: 1}\n',
    );
    expect(notString.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['MSIM3040@5']);
  });
});

describe('Sidecar analysis (istioctl analyzers/sidecar/selector.go)', () => {
  const deployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: production}
spec:
  replicas: 2
  selector: {matchLabels: {app: reviews}}
  template: {metadata: {labels: {app: reviews}}, spec: {containers: [{name: r, image: r}]}}
`;
  const egress = '  egress:\n  - hosts: ["./*"]';
  it('IST0110 for Sidecars selecting the same pods, IST0111 for two without selector, IST0101 for none matched', () => {
    const text = [
      sidecar(`  workloadSelector: {labels: {app: reviews}}\n${egress}`, 'a'),
      sidecar(`  workloadSelector: {labels: {app: reviews}}\n${egress}`, 'b'),
      sidecar(egress, 'c'),
      sidecar(egress, 'd'),
      sidecar(`  workloadSelector: {labels: {app: nothing}}\n${egress}`, 'e'),
    ].join('\n---\n');
    const ds = analyze(`${text}\n${deployment}`).filter((d) => d.kind === 'Sidecar');
    expect(ds.map((d) => `${d.code} ${d.name}: ${d.message}`)).toEqual([
      'IST0110 a: The Sidecars [a b] in namespace "production" select the same workload pod "reviews", which can lead to undefined behavior.',
      'IST0110 b: The Sidecars [a b] in namespace "production" select the same workload pod "reviews", which can lead to undefined behavior.',
      'IST0111 c: The Sidecars [c d] in namespace "production" have no workload selector, which can lead to undefined behavior.',
      'IST0111 d: The Sidecars [c d] in namespace "production" have no workload selector, which can lead to undefined behavior.',
      'IST0101 e: Referenced selector not found: "app=nothing"',
    ]);
  });
});
