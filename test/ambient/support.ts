import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type Result, runScenario } from '../../src/run/index.js';

/** Loads a scenario and its manifests from strings; throws with the error diagnostics when they fail. */
export function runTexts(scenario: string, manifests: string): Result {
  const l = loadScenarioFromTexts({ file: 's.yaml', text: scenario }, [{ file: 'm.yaml', text: manifests }]);
  if (l.loaded === undefined)
    throw new Error(
      l.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.code} ${d.message}`)
        .join('; '),
    );
  return runScenario(l.loaded);
}

/** Sum of `count` over Istio request series matching every given label. */
export function istioCount(r: Result, match: Record<string, string>): number {
  return r.istio
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.count, 0);
}

/** Service `web` in namespace shop (port 9080) and its Deployment `web`, as YAML ending in `---`. */
export function webService(o: { labels?: string; replicas?: number } = {}): string {
  return `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop${o.labels ? `, labels: {${o.labels}}` : ''}}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: ${o.replicas ?? 1}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
`;
}
