import { type Pod, PodState } from './pod.js';
import type { World, WorkloadRuntime } from './world.js';

/**
 * What the kubelet and the ReplicaSet controller do to a workload's pods, shared by the chaos timeline
 * and the HorizontalPodAutoscaler: start a pod (ready `startupDelay` later), take one out of service,
 * and scale a workload to a replica count.
 */

/** A stopped pod starts again: not listening until ready, `startupDelay` later. */
export function startPod(w: World, p: Pod): void {
  if (p.state === PodState.Running || p.state === PodState.Starting) return;
  p.transition(PodState.Starting);
  w.sim.schedule(w.opts.scenario.kubernetes.startupDelayMs, markReady, { w, p });
}

/** The sidecar died with its pod: the requests its inbound clusters held are lost (reset). */
export function proxyDown(p: Pod): void {
  if (p.inbound !== null) for (const ic of p.inbound.clusters()) ic.onPodDown();
}

/**
 * The ReplicaSet controller scales the workload: scale-down removes the newest pods (out of endpoints
 * first, then gone); scale-up restarts pods scaled away before, then creates new ones, each ready
 * `startupDelay` after it starts.
 * NOTE: simplification: the ReplicaSet controller's deletion ranking (unscheduled, then unready, then
 * newest pods first: pkg/controller/replicaset ActivePodsWithRanks) is reduced to newest first.
 */
export function scaleWorkload(w: World, rt: WorkloadRuntime, replicas: number): void {
  const alive = rt.pods.filter((p) => p.state !== PodState.Gone);
  if (replicas < alive.length) {
    for (const p of alive.slice(replicas).reverse()) {
      p.setReady(false, w.sim.now);
      p.transition(PodState.Gone);
      w.appOf(p)?.crash();
      proxyDown(p);
    }
    w.refreshEndpoints();
    return;
  }
  const gone = rt.pods.filter((p) => p.state === PodState.Gone);
  let missing = replicas - alive.length;
  for (const p of gone) {
    if (missing-- <= 0) break;
    startPod(w, p);
  }
  for (; missing > 0; missing--) {
    const p = w.addWorkloadPod(rt, false);
    w.sim.schedule(w.opts.scenario.kubernetes.startupDelayMs, markReady, { w, p });
  }
}

/** Pods of the workload that exist (not scaled away): what `status.replicas` counts. */
export function liveReplicas(rt: WorkloadRuntime): number {
  let n = 0;
  for (const p of rt.pods) if (p.state !== PodState.Gone) n++;
  return n;
}

function markReady({ w, p }: { w: World; p: Pod }): void {
  if (p.state !== PodState.Starting) return;
  p.transition(PodState.Running);
  p.setReady(true, w.sim.now);
  w.appOf(p)?.resume();
  w.refreshEndpoints();
}
