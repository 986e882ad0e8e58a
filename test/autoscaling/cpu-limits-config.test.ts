import { describe, expect, it } from 'vitest';
import { load } from '../config/helpers.js';

const deployment = (resources: string, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}${annotations}
    spec:
      containers:
      - name: web
        image: x
        resources: ${resources}
`;

describe('CPU limits of a Deployment (resources.limits.cpu, sidecar.istio.io/proxyCPULimit)', () => {
  it('reads the limit beside the request, in millicores', () => {
    const { config, diagnostics } = load(deployment('{requests: {cpu: 250m}, limits: {cpu: "1.5"}}'));
    expect(diagnostics).toEqual([]);
    expect(config.workloads[0]!.containers[0]).toMatchObject({ cpuRequestMilli: 250, cpuLimitMilli: 1500 });
    expect(config.workloads[0]!.proxyCpuLimitMilli).toBeUndefined();
  });

  it('a limit without a request: the request defaults to the limit (SetDefaults_Pod)', () => {
    const { config, diagnostics } = load(deployment('{limits: {cpu: 500m}}'));
    expect(diagnostics).toEqual([]);
    expect(config.workloads[0]!.containers[0]).toMatchObject({ cpuRequestMilli: 500, cpuLimitMilli: 500 });
  });

  it('a request equal to the limit is admitted; 1m above it is refused as the API server refuses it', () => {
    expect(load(deployment('{requests: {cpu: 500m}, limits: {cpu: 500m}}')).diagnostics).toEqual([]);
    const { config, diagnostics } = load(deployment('{requests: {cpu: 501m}, limits: {cpu: 500m}}'));
    expect(diagnostics.map((d) => [d.code, d.severity, `${d.line}:${d.column}`, d.path, d.message])).toEqual([
      [
        'MSIM0100',
        'error',
        '13:37',
        'spec.template.spec.containers[0].resources.requests.cpu',
        'Invalid value: "501m": must be less than or equal to cpu limit of 500m',
      ],
    ]);
    // The object is not created: the workload is not simulated.
    expect(config.workloads).toEqual([]);
  });

  it('whole cores print as the API server prints them', () => {
    const { diagnostics } = load(deployment('{requests: {cpu: 2}, limits: {cpu: 1}}'));
    expect(diagnostics[0]!.message).toBe('Invalid value: "2": must be less than or equal to cpu limit of 1');
  });

  it('a negative or malformed limit is a positioned error, not an exception', () => {
    const neg = load(deployment('{limits: {cpu: "-1"}}')).diagnostics;
    expect(neg.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        'MSIM0100',
        'spec.template.spec.containers[0].resources.limits.cpu',
        'Invalid value: "-1": must be greater than or equal to 0',
      ],
    ]);
    const bad = load(deployment('{limits: {cpu: lots}}')).diagnostics;
    expect(bad.map((d) => [d.code, d.path])).toEqual([
      ['MSIM0100', 'spec.template.spec.containers[0].resources.limits.cpu'],
    ]);
    expect(bad[0]!.message).toContain('"lots" is not a valid quantity');
  });

  it("the istio-proxy's limit comes from the pod template's sidecar.istio.io/proxyCPULimit", () => {
    const ann = (v: string) => `\n      annotations: {sidecar.istio.io/proxyCPULimit: "${v}"}`;
    const ok = load(deployment('{requests: {cpu: 100m}}', ann('200m')));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.config.workloads[0]!.proxyCpuLimitMilli).toBe(200);
    const bad = load(deployment('{requests: {cpu: 100m}}', ann('two')));
    expect(bad.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['MSIM0100', 'spec.template.metadata.annotations.sidecar.istio.io/proxyCPULimit'],
    ]);
    expect(bad.config.workloads[0]!.proxyCpuLimitMilli).toBeUndefined();
  });
});
