import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';

const MANIFESTS = `---
apiVersion: v1
kind: Service
metadata: {name: slow, namespace: default}
spec: {selector: {app: slow}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: slow, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: slow}}
  template: {metadata: {labels: {app: slow}}, spec: {containers: [{name: slow, image: slow}]}}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: default}
spec: {selector: {app: empty}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: front}}
  template: {metadata: {labels: {app: front}}, spec: {containers: [{name: front, image: front}]}}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: default}
spec: {selector: {app: front}, ports: [{name: http, port: 80}]}
`;

/**
 * A mesh with no hop or network latency (every duration is the app's own, exact), one `slow` pod, a
 * `front` pod, and a Service `empty` with no pods. `spec` is the rest of the scenario's spec;
 * `extraManifests` more documents (each starting with `---`).
 */
export function runExact(spec: string, extraManifests = ''): Result {
  const text = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: window}
spec:
  seed: 5
  sidecar: {latency: 0ms}
  network: {sameZone: 0ms, crossZone: 0ms, crossRegion: 0ms}
${spec}
${MANIFESTS}${extraManifests}`;
  const load = loadScenarioFromTexts({ file: 'window.yaml', text }, []);
  if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  return runScenario(load.loaded);
}
