import { formatDiagnostic } from '../../src/config/diagnostics.js';
import type { Diagnostic } from '../../src/config/index.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/load.js';
import { type Result, runScenario } from '../../src/run/index.js';

/** A Service `web` (port 8080) with 2 pods in namespace production. */
export const APP = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: production}
spec:
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: production}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`;

/**
 * Runs `manifests` (one file) for 10 s with seed 4 and the given `traffic:` entries; web answers in 5 ms.
 * `spec` adds scenario fields (indented two spaces), e.g. `external:` hosts.
 */
export async function runInline(
  manifests: string,
  traffic: string,
  spec = '',
): Promise<{ result: Result; diagnostics: readonly Diagnostic[] }> {
  const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  manifests: [m.yaml]
  duration: 10s
  seed: 4
  workloads:
    production/web: {latency: {constant: 5ms}}
${spec}  traffic:
${traffic}`;
  const load = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [
    { file: 'm.yaml', text: manifests },
  ]);
  if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  return { result: await runScenario(load.loaded, {}), diagnostics: load.diagnostics };
}
