import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkloadConfig } from '../../src/config/types.js';
import { podCpuRequest } from '../../src/mesh/autoscaling/horizontal-controller.js';
import { loadScenarioFile } from '../../src/config/scenario/fs-load.js';
import { runScenario } from '../../src/run/index.js';
import { codesAt, load } from '../config/helpers.js';

const deployment = (annotation: string | undefined) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
${annotation === undefined ? '' : `      annotations: {sidecar.istio.io/proxyCPU: ${annotation}}\n`}    spec:
      containers:
      - name: web
        image: x
        resources: {requests: {cpu: 250m}}
`;

describe('sidecar.istio.io/proxyCPU: the istio-proxy cpu request, resolved once', () => {
  it.each([
    ['"250m"', 250],
    ['"0.25"', 250],
    ['"1"', 1000],
    ['"1e-1"', 100],
    // Quantity.MilliValue() rounds up: 0.1 millicore is 1m.
    ['"100u"', 1],
  ])('%s is %i millicores', (text, milli) => {
    const { config, diagnostics } = load(deployment(text));
    expect(diagnostics).toEqual([]);
    expect(config.workloads[0]!.proxyCpuRequestMilli).toBe(milli);
  });

  it('absent: undefined, so the controller uses Istio default 100m', () => {
    const { config, diagnostics } = load(deployment(undefined));
    expect(diagnostics).toEqual([]);
    expect(config.workloads[0]!.proxyCpuRequestMilli).toBeUndefined();
    expect(podCpuRequest(config.workloads[0]!, undefined)).toBe(350);
  });

  it.each([
    ['"100 millicores"', 'is not a valid quantity'],
    ['"0"', 'must be greater than 0'],
    ['"-50m"', 'must be greater than 0'],
  ])('%s is MSIM3203 at the annotation value (line 9) and the default is kept', (text, message) => {
    const { config, diagnostics } = load(deployment(text));
    expect(codesAt(diagnostics)).toEqual(['MSIM3203@9']);
    expect(diagnostics[0]!).toMatchObject({
      severity: 'error',
      // At the value, after `      annotations: {sidecar.istio.io/proxyCPU: `.
      column: 48,
      path: 'spec.template.metadata.annotations.sidecar.istio.io/proxyCPU',
    });
    expect(diagnostics[0]!.message).toContain(message);
    expect(config.workloads[0]!.proxyCpuRequestMilli).toBeUndefined();
  });

  it('the pod request the controller divides by includes it; a ContainerResource on istio-proxy is it alone', () => {
    const w = load(deployment('"400m"')).config.workloads[0]! as WorkloadConfig;
    expect(podCpuRequest(w, undefined)).toBe(650);
    expect(podCpuRequest(w, 'istio-proxy')).toBe(400);
    expect(podCpuRequest(w, 'web')).toBe(250);
  });
});

describe('models/autoscaling ramp with a 200m istio-proxy request', () => {
  it('utilization is of 400m instead of 300m: 116 % becomes 87 %, and the first scale-up is to 3, not 4', async () => {
    const dir = 'models/autoscaling';
    const manifests = readFileSync(`${dir}/checkout.yaml`, 'utf8').replace(
      '      labels: {app: checkout, version: v1}\n',
      '      labels: {app: checkout, version: v1}\n      annotations: {sidecar.istio.io/proxyCPU: 200m}\n',
    );
    expect(manifests).toContain('proxyCPU');
    const tmp = mkdtempSync(join(tmpdir(), 'msim-proxycpu-'));
    writeFileSync(join(tmp, 'checkout.yaml'), manifests);
    copyFileSync(`${dir}/ramp.scenario.yaml`, join(tmp, 'ramp.scenario.yaml'));
    const load = await loadScenarioFile(join(tmp, 'ramp.scenario.yaml'));
    rmSync(tmp, { recursive: true });
    expect(load.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = await runScenario(load.loaded!, {});
    const a = r.autoscaling![0]!;
    const at = (s: number) => a.syncs.find((x) => x.timeMs === s * 1000)!;
    expect(at(75).metrics[0]!.current).toBe('87%');
    expect(a.events[0]).toMatchObject({ timeMs: 75_000, from: 2, to: 3 });
  });
});
