import type { ControllerResult } from '../../mesh/progressive-delivery/timeline.js';
import type { MeshConfig } from '../../config/types.js';
import type { Result } from '../result.js';

/**
 * Study figures of a Canary or Rollout (`rolled_back(podinfo)`, `promoted(test/podinfo)`,
 * `rollout_seconds(guestbook)`): over replications the mean of rolled_back is the share of runs that
 * rolled back, with its confidence interval ("rolls back in 38 % of runs at this error rate").
 */
export const ROLLOUT_METRICS = {
  rolled_back:
    'Canary or Rollout rolled back (Flagger Failed, Argo aborted: 1, else 0); its mean is the share of runs',
  promoted:
    'Canary or Rollout promoted (Flagger Succeeded, Argo Healthy: 1, else 0); its mean is the share of runs',
  rollout_seconds:
    'seconds from the start of the run to the Canary or Rollout verdict (the run end when none)',
} as const;

export type RolloutMetric = keyof typeof ROLLOUT_METRICS;

export function isRolloutMetric(fn: string): fn is RolloutMetric {
  return Object.hasOwn(ROLLOUT_METRICS, fn);
}

/** The named controller's figure, or a message naming the Canaries and Rollouts of the run. */
export function rolloutMetric(
  r: Result,
  fn: RolloutMetric,
  name: string,
): { ok: true; value: number } | { ok: false; message: string } {
  const all: readonly ControllerResult[] = r.progressiveDelivery ?? [];
  const hits = all.filter((c) => c.name === name || c.name.endsWith(`/${name}`));
  if (hits.length !== 1)
    return {
      ok: false,
      message:
        hits.length === 0
          ? `no Canary or Rollout "${name}" in this run (known: ${all.map((c) => c.name).join(', ') || 'none'})`
          : `"${name}" matches ${hits.map((c) => c.name).join(' and ')}; use namespace/name`,
    };
  const c = hits[0]!;
  if (fn === 'rolled_back')
    return { ok: true, value: c.outcome === 'failed' || c.outcome === 'degraded' ? 1 : 0 };
  if (fn === 'promoted')
    return { ok: true, value: c.outcome === 'succeeded' || c.outcome === 'healthy' ? 1 : 0 };
  return { ok: true, value: (c.finishedAtMs ?? r.simulatedMs) / 1000 };
}

/** Per Canary and Rollout of the config: whether it rolled back, was promoted, and when it decided. */
export function defaultRolloutMetrics(config: MeshConfig): string[] {
  const pd = config.progressiveDelivery;
  const names = [...(pd?.canaries ?? []), ...(pd?.rollouts ?? [])].map(
    (c) => `${c.meta.namespace}/${c.meta.name}`,
  );
  return names.flatMap((n) => [`rolled_back(${n})`, `promoted(${n})`, `rollout_seconds(${n})`]);
}
