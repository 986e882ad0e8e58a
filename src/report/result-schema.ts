import { z } from 'zod';

/**
 * The Result as a strict schema: documentation (docs/result.schema.json is generated from it) and a
 * check that what `meshsim run -f json` prints matches what docs/output.md promises.
 */
const counts = z.record(z.string(), z.number().int().min(0));
const latency = z.strictObject({
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
  stddev: z.number(),
  sum: z.number(),
  min: z.number(),
});

export const resultSchema = z.strictObject({
  meshsim: z.string().describe('meshsim version'),
  scenario: z.string(),
  seed: z.number().int(),
  versions: z
    .strictObject({ istio: z.string(), envoy: z.string() })
    .describe(
      'the Istio release line the run assumed (spec.istio.version / --istio-version) and its Envoy line',
    ),
  simulatedMs: z.number().describe('the load, then the drain: = window.drainedUntilMs'),
  warmupMs: z.number(),
  window: z
    .strictObject({ fromMs: z.number(), toMs: z.number(), drainedUntilMs: z.number() })
    .describe('every figure counts requests started in [fromMs, toMs), followed until drainedUntilMs'),
  events: z.number().int().describe('engine events executed'),
  clients: z.array(
    z.strictObject({
      name: z.string(),
      started: z.number().int(),
      requests: z.number().int(),
      warmupRequests: z.number().int(),
      elapsedMs: z.number().describe("first measured request's start to the last response"),
      qps: z.number(),
      timeouts: z.number().int().describe('the client timed out: code -1 in byStatus'),
      unfinished: z.strictObject({ count: z.number().int(), oldestAgeMs: z.number() }),
      successRate: z.number().min(0).max(1),
      byStatus: z.record(z.string(), z.number().int().min(0)).describe('"-1": client timeout'),
      byFlag: counts,
      latencyMs: latency,
      histogram: z.array(
        z.strictObject({ fromMs: z.number(), toMs: z.number(), count: z.number().int().min(0) }),
      ),
    }),
  ),
  services: z.array(
    z.strictObject({
      host: z.string(),
      requests: z.number().int(),
      byStatus: counts,
      latencyMs: latency,
      bySubset: z.record(z.string(), z.strictObject({ requests: z.number().int(), byStatus: counts })),
    }),
  ),
  hops: z.array(
    z.strictObject({
      source: z.string(),
      service: z.string(),
      subset: z.string(),
      requests: z.number().int(),
      byStatus: counts,
      byFlag: counts,
    }),
  ),
  workloads: z.array(
    z.strictObject({
      workload: z.string(),
      pods: z.number().int(),
      served: z.number().int(),
      rejected: z.number().int(),
      queueWaitMs: z.strictObject({ mean: z.number(), p99: z.number(), max: z.number() }),
      maxQueueLength: z.number().int(),
      saturation: z.number().min(0),
      cpuThrottling: z
        .array(
          z.strictObject({
            container: z.string(),
            limitMilli: z.number().int(),
            periods: z.number().int(),
            throttledPeriods: z.number().int(),
            throttledMs: z.number().min(0),
            pods: z.array(
              z.strictObject({
                pod: z.string(),
                periods: z.number().int(),
                throttledPeriods: z.number().int(),
                throttledMs: z.number().min(0),
              }),
            ),
          }),
        )
        .optional(),
    }),
  ),
  clusters: z.array(
    z.strictObject({ name: z.string(), sidecars: z.number().int(), stats: z.record(z.string(), z.number()) }),
  ),
  ejections: z.array(
    z.strictObject({
      timeMs: z.number(),
      client: z.string(),
      cluster: z.string(),
      host: z.string(),
      pod: z.string(),
      reason: z.string(),
      ejectionTimeMs: z.number(),
      durationMs: z.number().nullable(),
    }),
  ),
  series: z.strictObject({
    intervalMs: z.number(),
    clients: z.record(
      z.string(),
      z.array(
        z.strictObject({
          t: z.number(),
          requests: z.number(),
          unfinished: z.number(),
          errors: z.number(),
          p50: z.number(),
          p90: z.number(),
          p99: z.number(),
        }),
      ),
    ),
    subsets: z.record(z.string(), z.array(z.number())),
  }),
  istio: z.array(
    z.strictObject({
      labels: z.record(z.string(), z.string()),
      count: z.number().int(),
      buckets: z.array(z.number().int()),
      sumMs: z.number(),
    }),
  ),
  istioTcp: z
    .array(
      z.strictObject({
        labels: z.record(z.string(), z.string()),
        opened: z.number().int(),
        closed: z.number().int(),
      }),
    )
    .optional(),
  http: z.record(z.string(), z.number()),
  autoscaling: z
    .array(
      z.strictObject({
        name: z.string(),
        target: z.string(),
        minReplicas: z.number().int(),
        maxReplicas: z.number().int(),
        syncs: z.array(
          z.strictObject({
            timeMs: z.number(),
            currentReplicas: z.number().int(),
            desiredReplicas: z.number().int(),
            metrics: z.array(z.strictObject({ name: z.string(), current: z.string(), target: z.string() })),
            ableToScale: z.string(),
            scalingActive: z.string(),
            scalingLimited: z.string(),
          }),
        ),
        events: z.array(
          z.strictObject({
            timeMs: z.number(),
            from: z.number().int(),
            to: z.number().int(),
            reason: z.string(),
          }),
        ),
      }),
    )
    .optional()
    .describe('HorizontalPodAutoscalers: each sync and rescale (docs/autoscaling.md)'),
  timelineEvents: z
    .array(
      z.strictObject({
        timeMs: z.number(),
        kind: z.enum(['chaos', 'chaos-revert', 'rescale', 'rollout']),
        source: z.string(),
        target: z.string(),
        text: z.string(),
        replicas: z.strictObject({ from: z.number().int(), to: z.number().int() }).optional(),
      }),
    )
    .optional()
    .describe('chaos events and reverts, HPA rescales and rollout decisions, time-ordered (docs/output.md)'),
  conservation: z.strictObject({
    started: z.number().int(),
    finished: z.number().int(),
    inFlightAtEnd: z.number().int(),
  }),
  timing: z
    .strictObject({ wallMs: z.number(), eventsPerSec: z.number(), simulatedRequestsPerSec: z.number() })
    .optional(),
  diagnostics: z
    .array(
      z.strictObject({
        file: z.string(),
        line: z.number().int(),
        column: z.number().int(),
        severity: z.enum(['error', 'warning', 'info']),
        code: z.string(),
        message: z.string(),
        kind: z.string().nullable(),
        namespace: z.string().nullable(),
        name: z.string().nullable(),
        path: z.string().nullable(),
      }),
    )
    .optional()
    .describe('findings of the checks made before the run (as validate --format json prints them)'),
  simulatedMisconfiguration: z
    .strictObject({ errors: z.number().int(), message: z.string() })
    .optional()
    .describe('present when analysis errors were simulated on purpose (--simulate-misconfig)'),
});
