import { analyzeMesh, type Diagnostic, loadManifests, type MeshConfig } from '../../src/config/index.js';

export function load(text: string, file = 'test.yaml'): { config: MeshConfig; diagnostics: Diagnostic[] } {
  return loadManifests([{ file, text }]);
}

/** `CODE@line` for each diagnostic, in output order. */
export function codesAt(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.code}@${d.line}`);
}

export function codes(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}

export function analyze(text: string): Diagnostic[] {
  const { config, diagnostics } = load(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture does not load: ${errors.map((d) => d.message).join('; ')}`);
  return analyzeMesh(config);
}

/** A VirtualService in namespace production with the given `spec.http` YAML (indented 2). */
export function vs(http: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs
  namespace: production
spec:
  hosts:
  - reviews
${extra}  http:
${http}`;
}

export function dr(spec: string): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: dr
  namespace: production
spec:
${spec}`;
}

/** A Service plus one Deployment per version label, all in production. */
export function service(
  name: string,
  versions: Record<string, number>,
  ports = '  - port: 8080\n    name: http\n',
): string {
  const docs = [
    `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: production
spec:
  selector:
    app: ${name}
  ports:
${ports}`,
  ];
  for (const [v, replicas] of Object.entries(versions))
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-${v}
  namespace: production
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}, version: ${v}}
  template:
    metadata:
      labels: {app: ${name}, version: ${v}}
    spec:
      containers:
      - name: app
        image: app
`);
  return docs.join('---\n');
}
