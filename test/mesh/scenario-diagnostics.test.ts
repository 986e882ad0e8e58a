import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFile } from '../../src/config/scenario/fs-load.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';

const FILE = 'test/fixtures/scenario/broken.scenario.yaml';

describe('scenario diagnostics', () => {
  it('structure errors come first, positioned, with did-you-mean', async () => {
    const r = await loadScenarioFile(FILE);
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `${FILE}:7:3 error MSIM2001 unknown field "warmpu"; did you mean "warmup"? (Scenario broken, spec.warmpu)`,
    ]);
  });

  it('value errors and cross-checks, each at its line', async () => {
    const fixed = (await import('node:fs')).readFileSync(FILE, 'utf8').replace('  warmpu: 1s\n', '');
    const manifests = (await import('node:fs')).readFileSync(
      'models/recipe/step02-product-service.yaml',
      'utf8',
    );
    const r = loadScenarioFromTexts({ file: 's.yaml', text: fixed }, [{ file: 'm.yaml', text: manifests }]);
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      's.yaml:6:13 error MSIM2002 a duration needs a unit: 10s? (write "10s" or "10ms"; a bare number is refused) (Scenario broken, spec.duration)',
      's.yaml:8:5 error MSIM2010 no Deployment or StatefulSet "production/product-service-v9" in the manifests; did you mean "production/product-service-v1"? (workloads are namespace/name) (Scenario broken, spec.workloads.production/product-service-v9)',
      's.yaml:9:48 error MSIM2002 p99 (10 ms) must be greater than the median (20 ms) (Scenario broken, spec.workloads.production/product-service-v9.latency.lognormal.p99)',
      's.yaml:11:15 error MSIM2003 unknown zone "mars-1a"; spec.zones has zone-a (Scenario broken, spec.workloads.production/product-service-v1.zones[0])',
      's.yaml:15:13 error MSIM2002 expected a rate such as 1000, "1000/s" or "60/m", got "fast" (Scenario broken, spec.traffic[0].rate)',
      's.yaml:17:17 error MSIM2011 "product-servce" resolves to no Service, ServiceEntry, VirtualService host or spec.external host from namespace production; did you mean "product-service"? (Scenario broken, spec.traffic[0].requests[0].url)',
    ]);
  });

  it('a file without a Scenario says so', () => {
    const r = loadScenarioFromTexts(
      { file: 'x.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' },
      [],
    );
    expect(r.diagnostics.map(formatDiagnostic)).toContain(
      'x.yaml error MSIM2005 no document with `kind: Scenario` (apiVersion meshsim.dev/v1alpha1) in this file',
    );
  });
});
