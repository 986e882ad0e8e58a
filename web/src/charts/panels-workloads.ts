import { POD_STATE, type RunOutput } from '../worker/protocol.js';
import type { ChartData, Intervals, Line } from './series.js';
import { natural } from './series.js';

/**
 * "Replicas By Workload": each Deployment's pods that exist at the end of every interval (what
 * kube-state-metrics' `kube_deployment_status_replicas` counts: starting, running and crashed pods, not
 * those scaled away), from the pod states the worker samples. HPA rescales, chaos `scale` events and
 * Flagger's primary HPA show as steps; the legend reads `{{workload}}.{{namespace}}` as Grafana's
 * Kubernetes dashboards write it.
 */
export function replicasPanel(run: RunOutput, iv: Intervals): ChartData {
  const tl = run.timeline;
  const byOwner = new Map<string, number[]>();
  for (const p of tl.pods) {
    let counts = byOwner.get(p.owner);
    if (counts === undefined) byOwner.set(p.owner, (counts = new Array<number>(tl.intervals).fill(0)));
    for (let i = 0; i < tl.intervals; i++) {
      const s = p.states[i];
      if (s !== undefined && s !== POD_STATE.gone) counts[i]!++;
    }
  }
  const lines: Line[] = [...byOwner.keys()].sort(natural).map((owner) => {
    const counts = byOwner.get(owner)!;
    const points: [number, number][] = [];
    // A gauge at the interval's end, from the end of the warm-up as the other gauges.
    counts.forEach((n, i) => {
      if ((i + 1) * iv.ms >= iv.warmupMs) points.push([iv.start(i + 1), n]);
    });
    return { key: owner, label: grafanaWorkload(owner), points };
  });
  const kinds = new Set((run.result.timelineEvents ?? []).map((e) => e.kind));
  const notes =
    kinds.size === 0
      ? []
      : [
          `▼ markers on every panel: ${[
            kinds.has('chaos') ? 'red chaos event' : '',
            kinds.has('chaos-revert') ? 'grey its revert' : '',
            kinds.has('rescale') ? 'blue HPA rescale' : '',
            kinds.has('rollout') ? 'purple rollout decision' : '',
          ]
            .filter((t) => t !== '')
            .join(', ')} (hover for the event)`,
        ];
  // A rescale happens at an instant (a sync, a chaos event): drawn as a step, not a ramp between samples.
  return { id: 'replicas', title: 'Replicas By Workload', unit: 'pods', lines, notes, curve: 'step' };
}

/** `shop/checkout` → `checkout.shop`. */
function grafanaWorkload(owner: string): string {
  const slash = owner.indexOf('/');
  return slash < 0 ? owner : `${owner.slice(slash + 1)}.${owner.slice(0, slash)}`;
}
