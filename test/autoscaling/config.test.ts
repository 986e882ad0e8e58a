import { describe, expect, it } from 'vitest';
import { analyzeMesh } from '../../src/config/index.js';
import { codesAt, load } from '../config/helpers.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: x
        resources: {requests: {cpu: 250m}}
---
`;

const hpa = (spec: string, apiVersion = 'autoscaling/v2') => `${DEPLOYMENT}apiVersion: ${apiVersion}
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
${spec}`;

describe('HorizontalPodAutoscaler manifests', () => {
  it('fills the API server defaults: minReplicas 1, cpu at 80 %, no behavior', () => {
    const { config, diagnostics } = load(hpa('  maxReplicas: 5\n'));
    expect(diagnostics).toEqual([]);
    expect(config.workloads[0]!.containers[0]!.cpuRequestMilli).toBe(250);
    expect(config.horizontalPodAutoscalers).toEqual([
      expect.objectContaining({
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        ],
        behavior: undefined,
      }),
    ]);
  });

  it('a behavior gets the default rules for the direction it omits', () => {
    const { config } = load(
      hpa('  maxReplicas: 5\n  behavior:\n    scaleDown: {stabilizationWindowSeconds: 60}\n'),
    );
    const b = config.horizontalPodAutoscalers![0]!.behavior!;
    expect(b.scaleDown).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      tolerance: undefined,
    });
    expect(b.scaleUp.policies).toEqual([
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
  });

  it('autoscaling/v1 targetCPUUtilizationPercentage becomes a cpu Utilization metric', () => {
    const { config, diagnostics } = load(
      hpa('  maxReplicas: 3\n  targetCPUUtilizationPercentage: 70\n', 'autoscaling/v1'),
    );
    expect(diagnostics).toEqual([]);
    expect(config.horizontalPodAutoscalers![0]!.metrics[0]).toEqual({
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    });
  });

  it('reports the API server validation errors at their fields, at and beyond each bound', () => {
    const { diagnostics } = load(
      hpa(`  minReplicas: 0
  maxReplicas: 0
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 3601
      policies:
      - {type: Pods, value: 0, periodSeconds: 1801}
    scaleDown:
      stabilizationWindowSeconds: 3600
      policies:
      - {type: Percent, value: 1, periodSeconds: 1800}
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization}}
  - type: Pods
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`),
    );
    // In the API server's order (metrics before behavior); 3600 and 1800 exactly are accepted.
    expect(diagnostics.map((d) => `${d.line}:${d.message}`)).toEqual([
      '19:Invalid value: 0: must be greater than or equal to 1',
      '20:Invalid value: 0: must be greater than 0',
      '32:Required value: must set either a target raw value or a target utilization',
      '32:Required value: must set a target utilization for type Utilization',
      '33:Required value: must populate information for the given metric source (pods)',
      '23:Invalid value: 3601: must be less than or equal to 3600',
      '25:Invalid value: 0: must be greater than zero',
      '25:Invalid value: 1801: must be less than or equal to 1800',
    ]);
  });

  it('a bad cpu quantity is an error at the container field', () => {
    const { diagnostics } = load(DEPLOYMENT.replace('250m', '2.5 cores'));
    expect(codesAt(diagnostics)).toEqual(['MSIM0100@12']);
    expect(diagnostics[0]!.message).toContain('"2.5 cores" is not a valid quantity');
  });

  it('analysis: a missing target, a metric not simulated, a container without a cpu request', () => {
    const text = `${hpa(`  maxReplicas: 4
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}
  - type: External
    external: {metric: {name: queue_depth}, target: {type: Value, value: "30"}}
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: gone, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: nothing}
  maxReplicas: 2
`;
    const { config, diagnostics } = load(text);
    expect(diagnostics).toEqual([]);
    expect(analyzeMesh(config).map((d) => `${d.code}@${d.line}`)).toEqual([
      'MSIM3201@21',
      'MSIM3201@23',
      'MSIM3200@30',
    ]);
    const noRequest = load(
      hpa('  maxReplicas: 4\n').replace('        resources: {requests: {cpu: 250m}}\n', ''),
    );
    expect(analyzeMesh(noRequest.config).map((d) => d.code)).toEqual(['MSIM3202']);
  });
});
