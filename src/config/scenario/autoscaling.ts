/**
 * The scenario's autoscaling inputs resolved (docs/scenario.md "Autoscaling"): each workload's CPU model,
 * the istio-proxy's CPU per request, and the HPA controller's settings with Kubernetes' defaults.
 */
import { parseMilliQuantity } from '../quantity.js';
import type { YamlPath } from '../yaml-source.js';
import type { BehaviourDocument, ScenarioDocument } from './schema.js';
import type { HpaControllerSettings, WorkloadBehaviour } from './types.js';

/** Resolves a duration at a path (reporting a bad one), or gives the default when it is absent. */
export type DurationOf = (raw: string | number | undefined, path: YamlPath, defaultMs: number) => number;
export type ReportAt = (path: YamlPath, message: string) => void;

/**
 * kube-controller-manager's defaults (kube-controller-manager reference: --horizontal-pod-autoscaler-*
 * flags) and metrics-server's `--metric-resolution` as its published manifest sets it (15s).
 */
export const DEFAULT_HPA_CONTROLLER: HpaControllerSettings = {
  syncPeriodMs: 15_000,
  tolerance: 0.1,
  downscaleStabilizationMs: 300_000,
  cpuInitializationPeriodMs: 300_000,
  initialReadinessDelayMs: 30_000,
  metricResolutionMs: 15_000,
};

/**
 * "The Envoy proxy uses 0.35 vCPU and 40 MB memory per 1000 requests per second going through the proxy"
 * (istio.io/latest/docs/ops/deployment/performance-and-scalability/, the summary Istio published from its
 * 1,000-service load test, unchanged from 1.12 to 1.16): 0.35 ms of CPU per request.
 */
export const DEFAULT_PROXY_CPU_PER_REQUEST_MS = 0.35;

export const NO_CPU: WorkloadBehaviour['cpu'] = { perRequestMs: 0, idleMilli: 0 };

export function resolveCpu(
  doc: BehaviourDocument['cpu'],
  path: YamlPath,
  base: WorkloadBehaviour['cpu'],
  durationOf: DurationOf,
  report: ReportAt,
): WorkloadBehaviour['cpu'] {
  if (doc === undefined) return base;
  let idleMilli = base.idleMilli;
  if (doc.idle !== undefined) {
    const q = parseMilliQuantity(doc.idle);
    if ('error' in q) report([...path, 'idle'], q.error);
    else idleMilli = q.milli;
  }
  return { perRequestMs: durationOf(doc.perRequest, [...path, 'perRequest'], base.perRequestMs), idleMilli };
}

type HpaDoc = NonNullable<NonNullable<ScenarioDocument['spec']['kubernetes']>['hpa']>;

export function resolveHpaController(
  doc: HpaDoc | undefined,
  path: YamlPath,
  durationOf: DurationOf,
): HpaControllerSettings {
  const d = DEFAULT_HPA_CONTROLLER;
  if (doc === undefined) return d;
  const out: HpaControllerSettings = {
    syncPeriodMs: durationOf(doc.syncPeriod, [...path, 'syncPeriod'], d.syncPeriodMs),
    tolerance: doc.tolerance ?? d.tolerance,
    downscaleStabilizationMs: durationOf(
      doc.downscaleStabilization,
      [...path, 'downscaleStabilization'],
      d.downscaleStabilizationMs,
    ),
    cpuInitializationPeriodMs: durationOf(
      doc.cpuInitializationPeriod,
      [...path, 'cpuInitializationPeriod'],
      d.cpuInitializationPeriodMs,
    ),
    initialReadinessDelayMs: durationOf(
      doc.initialReadinessDelay,
      [...path, 'initialReadinessDelay'],
      d.initialReadinessDelayMs,
    ),
    metricResolutionMs: durationOf(doc.metricResolution, [...path, 'metricResolution'], d.metricResolutionMs),
  };
  // A zero period would schedule the controller forever at one instant.
  if (out.syncPeriodMs <= 0) out.syncPeriodMs = d.syncPeriodMs;
  if (out.metricResolutionMs <= 0) out.metricResolutionMs = d.metricResolutionMs;
  return out;
}
