import { describe, expect, it } from 'vitest';
import { codes, codesAt, load, service } from './helpers.js';

describe('Kubernetes objects', () => {
  it('loads a Service and Deployments with protocol, targetPort and replicas resolved', () => {
    const { config, diagnostics } = load(
      `${service('reviews', { v1: 2 }, '  - port: 9080\n    name: http-web\n    targetPort: "9090"\n')}---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: production}\nspec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: x, ports: [{containerPort: 5432, name: pg}]}]}\n`,
    );
    expect(diagnostics).toEqual([]);
    expect(config.services[0]).toMatchObject({
      fqdn: 'reviews.production.svc.cluster.local',
      ports: [{ name: 'http-web', port: 9080, targetPort: 9090, protocol: 'TCP', istioProtocol: 'http' }],
    });
    expect(config.workloads.map((w) => [w.kind, w.meta.name, w.replicas])).toEqual([
      ['Deployment', 'reviews-v1', 2],
      ['StatefulSet', 'db', 1],
    ]);
  });

  it('a selector that does not match the pod template is an error at the selector label', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  selector:
    matchLabels:
      app: a
      version: v2
  template:
    metadata:
      labels: {app: a, version: v1}
    spec: {containers: [{name: a, image: a}]}
`;
    expect(codesAt(load(text).diagnostics)).toEqual(['MSIM0100@8']);
  });

  it('multi-port Services need port names; label values must be strings (YAML 1.1 habits)', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: s
  labels:
    version: 1.10
spec:
  ports: [{port: 80}, {port: 81}]
`;
    const ds = load(text).diagnostics;
    expect(codesAt(ds)).toEqual(['MSIM0100@6']);
    expect(ds[0]!.message).toContain('quote the value');
    const ports = load(text.replace('    version: 1.10\n', '    version: "1.10"\n')).diagnostics;
    expect(codesAt(ports)).toEqual(['MSIM0100@8', 'MSIM0100@8']);
    expect(ports[0]!.message).toContain('name is required');
  });

  it('unknown pod-spec fields are accepted; unknown Service fields are not', () => {
    const withPodFields = service('a', { v1: 1 }).replace(
      '      - name: app\n',
      '      - name: app\n        resources: {limits: {cpu: 1}}\n        env: [{name: X, value: "1"}]\n',
    );
    expect(load(withPodFields).diagnostics).toEqual([]);
    const ds = load(service('a', {}).replace('spec:\n', 'spec:\n  selectr: {app: a}\n')).diagnostics;
    expect(ds.map((d) => d.message)).toEqual(['unknown field "selectr" (did you mean "selector"?)']);
  });
});

describe('documents and kinds', () => {
  it('multi-document files, kind: List and typed lists', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: production}
---
apiVersion: v1
kind: ServiceList
items:
- ${service('a', {}).split('\n').join('\n  ')}
`;
    const { config, diagnostics } = load(text);
    expect(diagnostics).toEqual([]);
    expect(config.namespaces.map((n) => n.meta.name)).toEqual(['production']);
    expect(config.services.map((s) => s.meta.name)).toEqual(['a']);
  });

  it('other Istio kinds and unknown kinds are one info "not simulated"; scenarios are skipped silently', () => {
    const text = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa}
spec: {}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
spec: {anything: [1, 2]}
`;
    const ds = load(text).diagnostics;
    expect(codesAt(ds)).toEqual(['MSIM0011@1', 'MSIM0011@6']);
    expect(ds.every((d) => d.severity === 'info')).toBe(true);
  });

  it('a kind under an apiVersion that does not serve it is an error', () => {
    const ds = load(
      'apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: {name: v}\nspec: {}\n',
    ).diagnostics;
    expect(codesAt(ds)).toEqual(['MSIM0012@1']);
  });

  it('documents that are not objects, or lack apiVersion/kind, are errors', () => {
    expect(codes(load('- a\n- b\n').diagnostics)).toEqual(['MSIM0010']);
    expect(codes(load('kind: Service\nmetadata: {name: a}\n').diagnostics)).toEqual(['MSIM0010']);
  });

  it('a repeated resource replaces the earlier one, with a warning on the later one', () => {
    const a = service('a', {});
    const { config, diagnostics } = load(`${a}---\n${a.replace('port: 8080', 'port: 9090')}`);
    expect(codesAt(diagnostics)).toEqual(['MSIM0013@13']);
    expect(config.services.map((s) => s.ports[0]?.port)).toEqual([9090]);
  });

  it('resources with errors are left out of the config; the others stay', () => {
    const { config } = load(`${service('a', {})}---\n${service('b', {}).replace('port: 8080', 'port: 0')}`);
    expect(config.services.map((s) => s.meta.name)).toEqual(['a']);
  });

  it('namespace defaults to "default"', () => {
    const { config } = load(service('a', {}).replace('  namespace: production\n', ''));
    expect(config.services[0]?.fqdn).toBe('a.default.svc.cluster.local');
  });
});
