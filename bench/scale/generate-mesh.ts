/**
 * A generator of meshes from a few parameters (issue #14): Services + Deployments (+ VirtualServices and
 * DestinationRules when retries or outlier detection are on) and a Scenario, as texts in memory, so the
 * scaling bench and tests load them exactly as users' files are loaded.
 *
 * Shape: `services` Services split into `depth` layers (as evenly as possible, earlier layers get the
 * remainder). Edge traffic from `clientPods` load-generator pods goes to the layer-0 services (equal
 * weights). Every service of layer l calls `fanOut` services of layer l + 1 (each with `callProbability`,
 * in parallel), chosen round-robin so every service of the next layer is called. The last layer calls
 * nothing. With `services: 3, depth: 3, fanOut: 1` it is a chain of three services.
 */
export interface MeshParams {
  services: number;
  podsPerService: number;
  clientPods: number;
  /** Layers of the call graph (1 = the edge calls every service directly). */
  depth: number;
  /** Calls each non-leaf service makes to the next layer. */
  fanOut: number;
  /** Probability of each downstream call (1 = always). */
  callProbability?: number;
  /** Edge requests per second, over all client pods. */
  ratePerSec: number;
  durationMs: number;
  outlierDetection: boolean;
  retries: boolean;
  /** Share of server responses that are 503 (gives outlier detection and retries something to do). */
  errorRate?: number;
  /**
   * The DestinationRule's balancer for every service (default: none, Istio's LEAST_REQUEST): `warmup` is
   * LEAST_REQUEST with a 60-s slow start; RING_HASH and MAGLEV hash a header the edge does not send, so
   * picks are random and every pair can be used, as with the default.
   */
  loadBalancer?: 'ROUND_ROBIN' | 'RANDOM' | 'warmup' | 'RING_HASH' | 'MAGLEV';
  seed?: number;
}

export interface GeneratedMesh {
  /** The scenario file (one Scenario document). */
  scenario: { file: string; text: string };
  /** The manifests file (every Service, Deployment, VirtualService, DestinationRule). */
  manifests: { file: string; text: string };
  /** Service names per layer, for callers that want the call graph. */
  layers: string[][];
}

const NS = 'scale';

/** Layer sizes: `services` split over `depth` layers, the remainder going to the earliest layers. */
export function layerSizes(services: number, depth: number): number[] {
  const d = Math.max(1, Math.min(depth, services));
  const base = Math.floor(services / d);
  const extra = services % d;
  return Array.from({ length: d }, (_, l) => base + (l < extra ? 1 : 0));
}

export function generateMesh(p: MeshParams): GeneratedMesh {
  const layers: string[][] = [];
  let n = 0;
  for (const size of layerSizes(p.services, p.depth)) {
    const names: string[] = [];
    for (let i = 0; i < size; i++) names.push(`svc-${n++}`);
    layers.push(names);
  }
  const docs: string[] = [];
  for (const name of layers.flat()) docs.push(serviceDocs(name, p));
  const workloads: string[] = [];
  const prob = p.callProbability ?? 1;
  const errors = (p.errorRate ?? 0) > 0 ? `, errors: [{ status: 503, rate: ${p.errorRate} }]` : '';
  for (let l = 0; l < layers.length; l++) {
    const next = layers[l + 1] ?? [];
    layers[l]!.forEach((name, k) => {
      const calls: string[] = [];
      for (let c = 0; c < p.fanOut && next.length > 0; c++) {
        const callee = next[(k * p.fanOut + c) % next.length]!;
        const pr = prob < 1 ? `, probability: ${prob}` : '';
        calls.push(`{ url: "http://${callee}:8080/" ${pr} }`);
      }
      const callText = calls.length > 0 ? `, callMode: parallel, calls: [${calls.join(', ')}]` : '';
      workloads.push(
        `    ${NS}/${name}: { concurrency: 64, latency: { lognormal: { median: 1ms, p99: 10ms } }${errors}${callText} }`,
      );
    });
  }
  const requests = layers[0]!.map((s) => `{ url: "http://${s}:8080/" }`).join(', ');
  const scenario = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: { name: scale-${p.services}x${p.podsPerService}-c${p.clientPods}-d${p.depth}-f${p.fanOut} }
spec:
  manifests: [mesh.yaml]
  duration: ${p.durationMs}ms
  seed: ${p.seed ?? 1}
  zones:
    zone-a: { region: r1 }
    zone-b: { region: r1 }
  workloads:
${workloads.join('\n')}
  traffic:
    - name: edge
      namespace: ${NS}
      replicas: ${p.clientPods}
      rate: ${p.ratePerSec}/s
      requests: [${requests}]
`;
  return {
    scenario: { file: 'scale.scenario.yaml', text: scenario },
    manifests: { file: 'mesh.yaml', text: docs.join('---\n') },
    layers,
  };
}

const LOAD_BALANCERS: Record<NonNullable<MeshParams['loadBalancer']>, string> = {
  ROUND_ROBIN: '{ simple: ROUND_ROBIN }',
  RANDOM: '{ simple: RANDOM }',
  warmup: '{ simple: LEAST_REQUEST, warmupDurationSecs: 60s }',
  RING_HASH: '{ consistentHash: { httpHeaderName: x-user } }',
  MAGLEV: '{ consistentHash: { httpHeaderName: x-user, maglev: { tableSize: 65537 } } }',
};

function serviceDocs(name: string, p: MeshParams): string {
  let text = `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${NS} }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${NS} }
spec:
  replicas: ${p.podsPerService}
  selector: { matchLabels: { app: ${name} } }
  template: { metadata: { labels: { app: ${name} } }, spec: { containers: [{ name: app, image: ${name} }] } }
`;
  if (p.retries) {
    text += `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${NS} }
spec:
  hosts: [${name}]
  http:
    - route: [{ destination: { host: ${name} } }]
      retries: { attempts: 2, perTryTimeout: 1s, retryOn: 5xx }
`;
  }
  const policy: string[] = [];
  if (p.outlierDetection)
    policy.push(
      'outlierDetection: { consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50 }',
    );
  if (p.loadBalancer !== undefined) policy.push(`loadBalancer: ${LOAD_BALANCERS[p.loadBalancer]}`);
  if (policy.length > 0) {
    text += `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${NS} }
spec:
  host: ${name}
  trafficPolicy:
${policy.map((b) => `    ${b}`).join('\n')}
`;
  }
  return text;
}
