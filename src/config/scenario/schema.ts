import { z } from 'zod';
import { formatCount, LIMITS } from '../limits.js';

/**
 * The structure of a Scenario document, checked before anything is resolved: strict objects (unknown
 * fields are errors with a did-you-mean), types and enums. Values with their own grammar (durations,
 * distributions, rates) are strings/objects here and resolved by resolve.ts, which positions every error.
 * `npm run schema` writes docs/scenario.schema.json from this for editor completion.
 */
// Numbers stay in the union so that resolve.ts can refuse them with a positioned "write 60s" hint.
const duration = z
  .union([z.string(), z.number()])
  .describe('A duration with a unit, as Go writes them: "250ms", "10s", "1m30s" (a bare number is refused)');

/** A count bounded by the limits table (docs/config.md "Limits"), the refusal naming the limit. */
const count = (min: number, max: number, what: string) =>
  z
    .number()
    .int()
    .min(min)
    .max(max, {
      error: (iss) =>
        `${formatCount(Number(iss.input))} ${what} is above meshsim's limit of ${formatCount(max)} (docs/config.md "Limits")`,
    });
const distribution = z
  .union([z.string(), z.number(), z.record(z.string(), z.unknown())])
  .describe(
    'A latency distribution: "20ms", {lognormal: {median, p99}}, {exponential: {mean}}, {uniform: {min, max}}, ...',
  );
const rate = z.union([z.string(), z.number()]).describe('Requests per second: 1000, "1000/s", "60/m"');
const labels = z.record(z.string(), z.string());
const headers = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const call = z.strictObject({
  url: z.string().describe('http://<service>[.<namespace>][:port]/path'),
  method: z.string().optional(),
  headers: headers.optional(),
  probability: z.number().min(0).max(1).optional(),
  timeout: duration.optional(),
  onFailure: z.union([z.enum(['propagate', 'ignore']), z.number().int().min(100).max(599)]).optional(),
});

/** The CPU a pod's app container uses (docs/scenario.md "Autoscaling"): what an HPA's cpu metric sees. */
const cpuModel = z.strictObject({
  perRequest: duration.optional().describe('CPU time per request served, e.g. "2ms" (default 0)'),
  idle: z
    .union([z.string(), z.number()])
    .optional()
    .describe('CPU used while idle, a Kubernetes quantity such as "5m" (default 0)'),
});

/** kube-controller-manager's HPA flags and metrics-server's resolution (docs/scenario.md "Autoscaling"). */
const hpaController = z.strictObject({
  syncPeriod: duration.optional().describe('--horizontal-pod-autoscaler-sync-period (default 15s)'),
  tolerance: z
    .number()
    .min(0)
    .max(10)
    .optional()
    .describe('--horizontal-pod-autoscaler-tolerance (default 0.1)'),
  downscaleStabilization: duration
    .optional()
    .describe('--horizontal-pod-autoscaler-downscale-stabilization (default 5m)'),
  cpuInitializationPeriod: duration
    .optional()
    .describe('--horizontal-pod-autoscaler-cpu-initialization-period (default 5m)'),
  initialReadinessDelay: duration
    .optional()
    .describe('--horizontal-pod-autoscaler-initial-readiness-delay (default 30s)'),
  metricResolution: duration.optional().describe("metrics-server's --metric-resolution (default 15s)"),
});

const behaviour = z.strictObject({
  concurrency: count(1, LIMITS.maxConcurrency, 'concurrency').optional(),
  cpu: cpuModel.optional(),
  queueLimit: count(0, LIMITS.maxConcurrency, 'queueLimit').optional(),
  latency: distribution.optional(),
  errors: z
    .array(z.strictObject({ status: z.number().int().min(100).max(599), rate: z.number().min(0).max(1) }))
    .optional(),
  calls: z.array(call).optional(),
  callMode: z.enum(['sequential', 'parallel']).optional(),
  zones: z.array(z.string()).optional(),
});

/**
 * A value drawn per request for a header, cookie or query parameter (docs/scenario.md "Request values"):
 * a population `prefix1..prefixN` with uniform or Zipf popularity, or a fixed list with weights.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const valueGenerator = z.strictObject({
  prefix: z.string().optional().describe('values are prefix1 .. prefixN (default "")'),
  count: count(1, 1_000_000, 'values (count)').optional().describe('N: the size of the population'),
  distribution: z
    .enum(['uniform', 'zipf'])
    .optional()
    .describe('popularity of the N values: uniform (default) or zipf (value k has weight 1/k^s)'),
  s: z.number().gt(0).max(10).optional().describe('Zipf exponent (default 1)'),
  list: z
    .array(z.union([scalar, z.strictObject({ value: scalar, weight: z.number().min(0).optional() })]))
    .min(1)
    .max(10_000)
    .optional()
    .describe('a fixed list of values, each with an optional weight (default 1)'),
});
const requestValue = z.union(
  [z.string(), z.number(), z.boolean(), z.strictObject({ values: valueGenerator })],
  {
    error: 'expected a fixed value (string, number or boolean) or a generator {values: {...}}',
  },
);
const requestValues = z.record(z.string(), requestValue);
const externalHost = z.strictObject({
  concurrency: count(1, LIMITS.maxConcurrency, 'concurrency').optional(),
  queueLimit: count(0, LIMITS.maxConcurrency, 'queueLimit').optional(),
  latency: distribution.optional(),
  errors: z
    .array(z.strictObject({ status: z.number().int().min(100).max(599), rate: z.number().min(0).max(1) }))
    .optional(),
  addresses: count(1, 64, 'addresses')
    .optional()
    .describe('how many IP addresses the name resolves to (DNS resolution), default 1'),
  network: distribution.optional().describe('one-way latency from any pod (default: by locality)'),
});

const request = z.strictObject({
  // Like a route weight (Istio's validateRouteDestinations): a non-negative int32; resolve.ts refuses
  // a generator whose weights are all 0.
  weight: count(0, 2147483647, 'weight')
    .optional()
    .describe("relative share of this request among the generator's requests (default 1)"),
  method: z.string().optional(),
  url: z.string(),
  headers: requestValues.optional(),
  cookies: requestValues.optional().describe('rendered into one Cookie header: name=value; ...'),
  queryParams: requestValues.optional().describe("appended to the URL's query string"),
});

const rateSchedule = z.union([
  rate,
  z.strictObject({ steps: z.array(z.strictObject({ at: duration, rate })).min(1) }),
  z.strictObject({
    ramp: z.strictObject({ from: rate, to: rate, over: duration, start: duration.optional() }),
  }),
]);

const loadGenerator = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  replicas: count(1, LIMITS.maxReplicas, 'replicas').optional(),
  labels: labels.optional(),
  zones: z.array(z.string()).optional(),
  rate: rateSchedule.optional(),
  connections: count(1, LIMITS.maxConnections, 'connections').optional(),
  qps: z
    .number()
    .min(0)
    .max(LIMITS.maxRatePerSecond, {
      error: (iss) =>
        `qps ${formatCount(Number(iss.input))} is above meshsim's limit of ${formatCount(LIMITS.maxRatePerSecond)}/s (docs/config.md "Limits")`,
    })
    .optional()
    .describe('closed loop: per-connection pacing like fortio -qps (0 = as fast as possible)'),
  count: count(1, LIMITS.maxClientRequests, 'requests (count)').optional(),
  timeout: duration.optional(),
  start: duration.optional(),
  requests: z.array(request).min(1),
  gateway: z
    .string()
    .min(1)
    .optional()
    .describe(
      'enter through this ingress gateway (no sidecar): its Service as namespace/name or host, or its Deployment as namespace/name',
    ),
});

const event = z.strictObject({
  at: duration,
  for: duration.optional(),
  target: z.string().optional().describe('namespace/name of a Deployment or StatefulSet'),
  set: behaviour.optional(),
  crash: z.strictObject({ pods: count(1, LIMITS.maxReplicas, 'pods').optional() }).optional(),
  crashContainer: z
    .strictObject({ pods: count(1, LIMITS.maxReplicas, 'pods').optional() })
    .optional()
    .describe('only the app container crashes: the sidecar keeps accepting and answers 503'),
  removeEndpoints: z.strictObject({ pods: count(1, LIMITS.maxReplicas, 'pods').optional() }).optional(),
  scale: z.strictObject({ replicas: count(0, LIMITS.maxReplicas, 'replicas') }).optional(),
  zone: z.string().optional(),
  down: z.boolean().optional(),
  zones: z.array(z.string()).length(2).optional(),
  delay: duration.optional(),
});

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal('meshsim.dev/v1alpha1'),
  kind: z.literal('Scenario'),
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.strictObject({
    manifests: z.array(z.string()).optional(),
    duration,
    warmup: duration.optional(),
    drainTimeout: duration.optional(),
    seed: z.number().int().min(0).optional(),
    istio: z
      .strictObject({
        version: z
          .union([z.string(), z.number()])
          .optional()
          .describe('The Istio release line the mesh runs: "1.24" ... "1.31" (default "1.31"); quote it'),
      })
      .optional(),
    seriesInterval: duration.optional(),
    zones: z
      .record(z.string(), z.strictObject({ region: z.string(), subZone: z.string().optional() }))
      .optional(),
    network: z
      .strictObject({
        sameZone: distribution.optional(),
        crossZone: distribution.optional(),
        crossRegion: distribution.optional(),
      })
      .optional(),
    sidecar: z
      .strictObject({
        latency: distribution.optional(),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(64)
          .optional()
          .describe('Envoy worker threads per sidecar (proxy concurrency), default 2'),
        cpuPerRequest: duration
          .optional()
          .describe(
            "the istio-proxy's CPU time per request through it (default 0.2ms: Istio's published figure)",
          ),
      })
      .optional(),
    ambient: z
      .strictObject({
        nodesPerZone: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('nodes (one ztunnel each) per zone, default 1'),
        ztunnelLatency: distribution.optional(),
        waypointReplicas: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('replicas of a waypoint whose Deployment is not in the manifests, default 1'),
      })
      .optional()
      .describe('ambient mode: nodes, the ztunnel hop, waypoint replicas (docs/ambient.md)'),
    kubernetes: z
      .strictObject({
        readinessDelay: duration.optional(),
        startupDelay: duration.optional(),
        hpa: hpaController.optional(),
      })
      .optional(),
    defaults: behaviour.optional(),
    workloads: z.record(z.string(), behaviour).optional(),
    traffic: z.array(loadGenerator).min(1),
    events: z.array(event).optional(),
    external: z
      .record(z.string(), externalHost)
      .optional()
      .describe(
        'servers outside the mesh, by host name or IP: ServiceEntry endpoints and passthrough destinations',
      ),
    meshConfig: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Istio's MeshConfig (as in the istio ConfigMap's mesh key); overrides that ConfigMap"),
    slo: z
      .array(z.union([z.string(), z.strictObject({ name: z.string().optional(), assert: z.string() })]))
      .optional()
      .describe(
        'CI gates checked by meshsim run (exit 1 when violated): "success_rate(frontend) >= 0.999", "p99(product-service) < 250ms", "count(UO) == 0"',
      ),
  }),
});

export type ScenarioDocument = z.infer<typeof scenarioSchema>;
export type BehaviourDocument = z.infer<typeof behaviour>;
export type RequestValuesDocument = z.infer<typeof requestValues>;
