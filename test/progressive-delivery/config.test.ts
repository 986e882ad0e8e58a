import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/config/index.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: test}
spec:
  replicas: 2
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo, version: v2}}
    spec:
      containers:
      - name: podinfod
        ports: [{name: http, containerPort: 9898}]
`;

const canary = (analysis: string, service = '') => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898
    retries: {attempts: 3, perTryTimeout: 1s, retryOn: "gateway-error"}
${service}  analysis:
    interval: 30s
${analysis}`;

const load = (...texts: string[]) => loadManifests(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));
const found = (ds: { code: string; line: number; file: string }[], code: string) =>
  ds.filter((d) => d.code === code).map((d) => `${d.file}:${d.line}`);

describe('Flagger Canary → the objects Flagger generates', () => {
  it('primary Deployment, three Services, two DestinationRules and the VirtualService', () => {
    const { config, diagnostics } = load(
      deployment,
      canary('    threshold: 2\n    maxWeight: 30\n    stepWeight: 15\n'),
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const primary = config.workloads.find((w) => w.meta.name === 'podinfo-primary')!;
    expect([primary.replicas, primary.podLabels]).toEqual([2, { app: 'podinfo-primary', version: 'v2' }]);
    const sel = Object.fromEntries(
      config.services.map((s) => [s.meta.name, [s.selector, s.ports[0]!.name, s.ports[0]!.port]]),
    );
    expect(sel).toEqual({
      podinfo: [{ app: 'podinfo-primary' }, 'http', 9898],
      'podinfo-primary': [{ app: 'podinfo-primary' }, 'http', 9898],
      'podinfo-canary': [{ app: 'podinfo' }, 'http', 9898],
    });
    expect(config.destinationRules.map((d) => d.meta.name).sort()).toEqual([
      'podinfo-canary',
      'podinfo-primary',
    ]);
    const vs = config.virtualServices.find((v) => v.meta.name === 'podinfo')!;
    expect([vs.hosts, vs.gateways]).toEqual([['podinfo.test.svc.cluster.local'], ['mesh']]);
    expect(vs.http[0]!.route.map((d) => [d.destination.host, d.weight])).toEqual([
      ['podinfo-primary.test.svc.cluster.local', 100],
      ['podinfo-canary.test.svc.cluster.local', 0],
    ]);
    expect(vs.http[0]!.retries?.numRetries).toBe(3);
    const c = config.progressiveDelivery!.canaries[0]!;
    expect([c.intervalMs, c.threshold, c.maxWeight, c.stepWeight, c.metrics.length]).toEqual([
      30_000, 2, 30, 15, 0,
    ]);
  });

  it('defaults: interval 60 s (never under 10 s), threshold 1', () => {
    const { config } = load(
      deployment,
      canary('    interval: 5s\n'.replace('    interval: 5s\n', '')).replace('interval: 30s', 'interval: 5s'),
    );
    const c = config.progressiveDelivery!.canaries[0]!;
    expect([c.intervalMs, c.threshold]).toEqual([10_000, 1]);
  });

  it('positioned diagnostics: unknown field, missing template, unsupported PromQL, missing Deployment', () => {
    const tpl = `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: errors, namespace: test}
spec:
  provider: {type: prometheus, address: http://prometheus:9090}
  query: |
    topk(1, rate(istio_requests_total{destination_workload="{{ target }}"}[{{ interval }}]))
`;
    const bad = canary(`    stepWeigth: 10
    metrics:
    - name: missing
      templateRef: {name: nope}
    - name: errors
      templateRef: {name: errors}
`);
    const r1 = load(deployment, bad, tpl);
    expect(found(r1.diagnostics, 'MSIM3160')).toEqual(['f1.yaml:11']);
    const fixed = bad.replace('stepWeigth', 'stepWeight');
    const r2 = load(deployment, fixed, tpl);
    expect(found(r2.diagnostics, 'MSIM3162')).toEqual(['f1.yaml:14']);
    expect(found(r2.diagnostics, 'MSIM3163')).toEqual(['f1.yaml:16']);
    expect(r2.diagnostics.find((d) => d.code === 'MSIM3163')!.message).toContain('"topk" is not supported');
    const r3 = load(fixed, tpl);
    expect(found(r3.diagnostics, 'MSIM3162')).toEqual(['f0.yaml:5']);
  });
});

describe('Argo Rollout → ReplicaSets and the label edits of Istio traffic routing', () => {
  const rollout = (analysis: string) => `apiVersion: v1
kind: Service
metadata: {name: demo}
spec:
  selector: {app: demo}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: demo}
spec:
  host: demo
  subsets:
  - {name: stable, labels: {app: demo}}
  - {name: canary, labels: {app: demo}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers: [{name: demo, ports: [{name: http, containerPort: 8080}]}]
  strategy:
    canary:
      trafficRouting:
        istio:
          virtualService: {name: demo, routes: [primary]}
          destinationRule: {name: demo, canarySubsetName: canary, stableSubsetName: stable}
      steps:
      - setWeight: 20
      - pause: {duration: 90}
      - pause: {duration: 2m}
${analysis}`;
  const vs = (route: string, subset: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: demo}
spec:
  hosts: [demo]
  http:
  - name: ${route}
    route:
    - {destination: {host: demo, subset: stable}, weight: 100}
    - {destination: {host: demo, subset: ${subset}}, weight: 0}
`;
  const ok = vs('primary', 'canary');
  const template = (query: string) => `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: sr}
spec:
  args: [{name: svc}]
  metrics:
  - name: sr
    successCondition: result[0] >= 0.9
    provider:
      prometheus:
        query: ${query}
`;

  it('stable and canary ReplicaSets with the pod-template hash, injected into the subsets', () => {
    const { config, diagnostics } = load(rollout('') + ok);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(config.workloads.map((w) => [w.meta.name, w.replicas, w.podLabels])).toEqual([
      ['demo-stable', 3, { app: 'demo', 'rollouts-pod-template-hash': 'stable' }],
      ['demo-canary', 3, { app: 'demo', 'rollouts-pod-template-hash': 'canary' }],
    ]);
    expect(config.destinationRules[0]!.subsets.map((s) => [s.name, s.labels])).toEqual([
      ['stable', { app: 'demo', 'rollouts-pod-template-hash': 'stable' }],
      ['canary', { app: 'demo', 'rollouts-pod-template-hash': 'canary' }],
    ]);
    const r = config.progressiveDelivery!.rollouts[0]!;
    expect(r.steps).toEqual([
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause', durationMs: 90_000 },
      { kind: 'pause', durationMs: 120_000 },
    ]);
  });

  it('routing references the controller would refuse are MSIM3162 at the Rollout', () => {
    expect(found(load(rollout('') + vs('primary', 'canary')).diagnostics, 'MSIM3162')).toEqual([]);
    // no VirtualService at all
    expect(found(load(rollout('')).diagnostics, 'MSIM3162')).toEqual(['f0.yaml:31']);
    // the named route is missing; then a route without the canary subset
    expect(found(load(rollout('') + vs('other', 'canary')).diagnostics, 'MSIM3162')).toEqual(['f0.yaml:31']);
    const noCanary = load(rollout('') + vs('primary', 'stable')).diagnostics.filter(
      (d) => d.code === 'MSIM3162',
    );
    expect(noCanary.map((d) => d.path)).toEqual([
      'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]',
    ]);
  });

  it('analysis references: args substituted; missing arg and unsupported PromQL positioned', () => {
    const step =
      '      - analysis: {templates: [{templateName: sr}], args: [{name: svc, value: demo.default.svc.cluster.local}]}\n';
    const good = load(
      rollout(step) + ok,
      template('sum(rate(istio_requests_total{destination_service="{{args.svc}}"}[1m]))'),
    );
    expect(good.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const run = good.config.progressiveDelivery!.rollouts[0]!.steps[3]!;
    expect(run.kind === 'analysis' && run.run.metrics[0]!.queryText).toBe(
      'sum(rate(istio_requests_total{destination_service="demo.default.svc.cluster.local"}[1m]))',
    );
    const noArg = load(
      rollout(step.replace(', args: [{name: svc, value: demo.default.svc.cluster.local}]', '')),
      template('up'),
    );
    expect(found(noArg.diagnostics, 'MSIM3166')).toEqual(['f0.yaml:37']);
    const badQuery = load(rollout(step), template('sum(rate(x[1m])) by (le) > 1'));
    expect(found(badQuery.diagnostics, 'MSIM3163')).toEqual(['f1.yaml:11']);
  });
});
