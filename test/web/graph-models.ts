/**
 * Generated models for the graph tests: a call chain, a 200-pod mesh and a route to a subset with no pods.
 * Plain YAML text (pasted into the app like a user's file).
 */
export interface GenService {
  name: string;
  namespace: string;
  pods: number;
  /** Services it calls, as `name.namespace`. */
  calls?: string[];
  errorRate?: number;
}

function service(s: GenService): string {
  return `---
apiVersion: v1
kind: Service
metadata: { name: ${s.name}, namespace: ${s.namespace} }
spec: { selector: { app: ${s.name} }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${s.name}-v1, namespace: ${s.namespace} }
spec:
  replicas: ${s.pods}
  selector: { matchLabels: { app: ${s.name}, version: v1 } }
  template:
    metadata: { labels: { app: ${s.name}, version: v1 } }
    spec: { containers: [{ name: app, image: ${s.name} }] }
`;
}

function workload(s: GenService): string {
  const calls = (s.calls ?? []).map((c) => `{ url: "http://${c}:8080/" }`).join(', ');
  const errors = s.errorRate ? `, errors: [{ status: 503, rate: ${s.errorRate} }]` : '';
  return `    ${s.namespace}/${s.name}-v1: { concurrency: 64, latency: { lognormal: { median: 4ms, p99: 30ms } }${calls ? `, calls: [${calls}]` : ''}${errors} }\n`;
}

export function meshModel(
  name: string,
  services: GenService[],
  entry: string,
  ns: string,
  rate: number,
  extra = '',
): string {
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: ${name} }
spec:
  duration: 10s
  seed: 3
  zones:
    zone-a: { region: r1 }
  workloads:
${services.map(workload).join('')}  traffic:
    - name: client
      namespace: ${ns}
      replicas: 1
      rate: ${rate}/s
      requests: [{ url: "http://${entry}:8080/" }]
${services.map(service).join('')}${extra}`;
}

/** client → frontend → backend → db, one pod each, db answering 2 % 503s. */
export function chainModel(): string {
  return meshModel(
    'three-tier-chain',
    [
      { name: 'frontend', namespace: 'shop', pods: 1, calls: ['backend.shop'] },
      { name: 'backend', namespace: 'shop', pods: 1, calls: ['db.data'] },
      { name: 'db', namespace: 'data', pods: 1, errorRate: 0.02 },
    ],
    'frontend.shop',
    'shop',
    100,
  );
}

/** 20 services × 10 pods: web → api-1..9 (shop) → data-1..10 (data); api-9 also calls data-10. */
export function bigMesh(): string {
  const s: GenService[] = [{ name: 'web', namespace: 'shop', pods: 10, calls: [] }];
  for (let i = 1; i <= 9; i++) {
    s[0]!.calls!.push(`api-${i}.shop`);
    s.push({
      name: `api-${i}`,
      namespace: 'shop',
      pods: 10,
      calls: i === 9 ? ['data-9.data', 'data-10.data'] : [`data-${i}.data`],
    });
  }
  for (let i = 1; i <= 10; i++)
    s.push({ name: `data-${i}`, namespace: 'data', pods: 10, errorRate: i === 3 ? 0.2 : 0 });
  return meshModel('mesh-200-pods', s, 'web.shop', 'shop', 50, '');
}

/** 80 % to subset v1 (2 pods), 20 % to v3, a subset whose pods do not exist. */
export function missingSubsetModel(): string {
  const extra = `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: product, namespace: shop }
spec:
  host: product
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v3, labels: { version: v3 } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: product, namespace: shop }
spec:
  hosts: [product]
  http:
    - route:
        - { destination: { host: product, subset: v1 }, weight: 80 }
        - { destination: { host: product, subset: v3 }, weight: 20 }
`;
  return meshModel(
    'missing-subset',
    [{ name: 'product', namespace: 'shop', pods: 2 }],
    'product.shop',
    'shop',
    100,
    extra,
  );
}
