import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../web/src/worker/check.js';

const read = (p: string) => ({ file: p, text: readFileSync(p, 'utf8') });

/** The web app's Diagnostics panel shows what `meshsim run` checks: validation and the mesh analysis. */
describe('checkModel (the Diagnostics panel)', () => {
  it('shows the analysis findings of a bundled model: MSIM1010 for one bad pod of three', () => {
    const c = checkModel({
      scenario: read('models/outlier/one-bad-of-three.scenario.yaml'),
      manifests: [read('models/outlier/service.yaml'), read('models/outlier/three-pods.yaml')],
    });
    expect(c.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`)).toEqual([
      'models/outlier/three-pods.yaml:36:7 warning MSIM1010',
    ]);
    expect(c.loaded).toBeDefined();
    expect(c.simulatedErrors).toBe(0);
  });

  it('an analysis error stops the model; the "Simulate misconfiguration" toggle lets it run', () => {
    const input = {
      scenario: read('test/cli/fixtures/misconfig/misconfig.scenario.yaml'),
      manifests: [read('test/cli/fixtures/misconfig/mesh.yaml')],
    };
    const stopped = checkModel(input);
    expect(stopped.loaded).toBeUndefined();
    expect(stopped.size).toBeUndefined();
    expect(stopped.diagnostics.map((d) => d.code)).toEqual(['IST0101']);
    const simulated = checkModel({ ...input, simulateMisconfig: true });
    expect(simulated.loaded).toBeDefined();
    expect(simulated.size).toBeDefined();
    expect(simulated.simulatedErrors).toBe(1);
    expect(simulated.diagnostics.map((d) => d.code)).toEqual(['IST0101']);
  });

  it('the toggle does not let other errors through (a scenario typo still stops it)', () => {
    const s = read('test/cli/fixtures/misconfig/misconfig.scenario.yaml');
    const c = checkModel({
      scenario: { ...s, text: s.text.replace('  duration: 10s', '  duraton: 10s') },
      manifests: [read('test/cli/fixtures/misconfig/mesh.yaml')],
      simulateMisconfig: true,
    });
    expect(c.loaded).toBeUndefined();
    expect(c.simulatedErrors).toBe(0);
    expect(c.diagnostics.map((d) => d.code)).toContain('MSIM2001');
  });
});
