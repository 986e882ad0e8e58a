import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';

/**
 * A client at 40 requests/s to `web` (2 pods, no limit), which calls `api` (2 pods) for half of its
 * requests: api gets 20/s, 10/s per pod, at 20 ms of CPU each = 200m per pod.
 */
function scenario(apiLimit: string, extra = ''): string {
  const deployment = (name: string, resources: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: ${name}, image: x, ports: [{containerPort: 8080}], resources: ${resources}}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 8080}]
`;
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: limits}
spec:
  duration: 10s
  workloads:
    shop/web:
      calls: [{url: "http://api:8080/", probability: 0.5}]
    shop/api:
      cpu: {perRequest: 20ms}
  traffic:
    - name: client
      namespace: shop
      rate: 40/s
      requests: [{url: "http://web.shop:8080/"}]
${extra}${deployment('web', '{}')}${deployment('api', `{limits: {cpu: ${apiLimit}}}`)}`;
}

function findings(text: string) {
  return loadScenarioFromTexts({ file: 'limits.yaml', text }, []).diagnostics.filter(
    (d) => d.code === 'MSIM3210',
  );
}

describe('MSIM3210: a CPU limit below the steady demand the traffic sends', () => {
  it("just below the demand (199m < 200m): a warning at the workload's cpu, with the arithmetic", () => {
    const ds = findings(scenario('199m'));
    expect(ds.map((d) => [d.severity, `${d.line}:${d.column}`, d.path])).toEqual([
      ['warning', '10:7', 'spec.workloads.shop/api.cpu'],
    ]);
    expect(ds[0]!.message).toBe(
      "the CPU limit 199m of shop/api (container api) cannot carry its steady demand: about 10 requests/s per pod (2 pods, at the traffic's peak) x 20ms of CPU = 200m: the CFS quota is spent in every period, requests wait for the next one and the queue grows while the load lasts",
    );
  });

  it('at the demand (200m) and above it (201m): no warning', () => {
    expect(findings(scenario('200m'))).toEqual([]);
    expect(findings(scenario('201m'))).toEqual([]);
  });

  it('an HPA that may scale to 4 pods halves the per-pod demand: 199m is enough for 100m', () => {
    const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 4
`;
    expect(findings(scenario('199m', hpa))).toEqual([]);
    expect(findings(scenario('99m', hpa)).map((d) => d.message)).toEqual([
      expect.stringContaining('about 5 requests/s per pod (4 pods'),
    ]);
  });
});
