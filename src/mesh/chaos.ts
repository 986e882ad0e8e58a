import type { ChaosEvent, WorkloadBehaviour } from '../config/scenario/index.js';
import { PodState, type Pod } from './pod.js';
import { liveReplicas, proxyDown, scaleWorkload, startPod } from './pod-lifecycle.js';
import type { World, WorkloadRuntime } from './world.js';

/**
 * The scenario's chaos timeline: each event applies at `at` and, with `for`, reverts after that long.
 * Kubernetes timing: a crashed pod leaves its services' endpoints after `readinessDelay` (the readiness
 * probe noticing); a restarted or new pod joins them `startupDelay` after it starts.
 */
export class ChaosTimeline {
  constructor(private readonly world: World) {}

  schedule(events: readonly ChaosEvent[]): void {
    for (const e of events) this.world.sim.scheduleAt(e.atMs, ChaosTimeline.apply, { t: this, e });
  }

  private static apply({ t, e }: { t: ChaosTimeline; e: ChaosEvent }): void {
    const revert = t.applyEvent(e);
    if (revert !== undefined && e.forMs > 0) t.world.sim.schedule(e.forMs, (fn: () => void) => fn(), revert);
    t.world.recorder.onChaos(t.world.sim.now, e);
  }

  /** Applies one event and returns how to undo it. */
  private applyEvent(e: ChaosEvent): (() => void) | undefined {
    const w = this.world;
    const a = e.action;
    // A waypoint's Deployment is no app workload: only `crash` reaches its pods (ambient.ts waypointRuntime).
    const rt =
      e.target !== undefined
        ? (w.workloads.get(e.target) ??
          (a.kind === 'crash' ? w.ambient.waypointRuntime(e.target) : undefined))
        : undefined;
    switch (a.kind) {
      case 'set': {
        if (rt === undefined) return undefined;
        const before = rt.behaviour;
        this.setBehaviour(rt, { ...before, ...a.patch });
        return () => this.setBehaviour(rt, before);
      }
      case 'crash': {
        if (rt === undefined) return undefined;
        const pods = rt.pods.filter((p) => p.state === PodState.Running).slice(0, a.pods);
        for (const p of pods) this.crash(p);
        return () => {
          for (const p of pods) this.restart(p);
        };
      }
      case 'crash-container': {
        if (rt === undefined) return undefined;
        const pods = rt.pods.filter((p) => p.state === PodState.Running).slice(0, a.pods);
        for (const p of pods) this.crashContainer(p);
        return () => {
          for (const p of pods) this.restartContainer(p);
        };
      }
      case 'remove-endpoints': {
        if (rt === undefined) return undefined;
        const pods = rt.pods.filter((p) => !p.endpointsRemoved && p.ready).slice(0, a.pods);
        for (const p of pods) p.endpointsRemoved = true;
        w.refreshEndpoints();
        return () => {
          for (const p of pods) p.endpointsRemoved = false;
          w.refreshEndpoints();
        };
      }
      case 'scale': {
        if (rt === undefined) return undefined;
        const before = liveReplicas(rt);
        this.scale(rt, a.replicas);
        return () => this.scale(rt, before);
      }
      case 'zone-down': {
        // NOTE: simplification: load generators stand for traffic entering the mesh and keep sending;
        // only workload pods in the zone go down.
        const pods = w.pods.filter(
          (p) => p.locality.zone === a.zone && p.state !== PodState.Gone && w.appOf(p) !== undefined,
        );
        for (const p of pods) this.vanish(p);
        return () => {
          for (const p of pods) this.restart(p);
        };
      }
      case 'delay': {
        w.network.addDelay(a.zones[0], a.zones[1], a.extraMs);
        return () => w.network.addDelay(a.zones[0], a.zones[1], -a.extraMs);
      }
    }
  }

  private setBehaviour(rt: WorkloadRuntime, b: WorkloadBehaviour): void {
    rt.behaviour = b;
    for (const p of rt.pods) {
      const app = this.world.appOf(p);
      if (app !== undefined) app.setBehaviour(b);
    }
  }

  /**
   * The pod's containers die, its sidecar with them: connections are refused and existing ones reset;
   * endpoints drop after the readiness delay.
   */
  private crash(p: Pod): void {
    const w = this.world;
    p.transition(PodState.Crashed);
    w.appOf(p)?.crash();
    proxyDown(p);
    w.ambient.onPodDown(p);
    w.closeConnectionsTo(p);
    w.sim.schedule(w.opts.scenario.kubernetes.readinessDelayMs, ChaosTimeline.markUnready, { w, p });
  }

  /**
   * Only the app container dies (Kubernetes restarts it; the istio-proxy container keeps running): the
   * pod still accepts connections, the sidecar answers the requests the app held with 503 UC and new
   * ones with 503 UF after its inbound retries (its connects to the app on localhost are refused);
   * endpoints drop after the readiness delay, as for a crash.
   */
  private crashContainer(p: Pod): void {
    const w = this.world;
    p.transition(PodState.ContainerCrashed);
    w.appOf(p)?.crash();
    if (p.inbound !== null) for (const ic of p.inbound.clusters()) ic.onAppDown();
    w.sim.schedule(w.opts.scenario.kubernetes.readinessDelayMs, ChaosTimeline.markUnready, { w, p });
  }

  /** Scaled away or its zone went down: the IP stops answering at all (a black hole). */
  private vanish(p: Pod): void {
    const w = this.world;
    p.transition(PodState.Gone);
    w.appOf(p)?.crash();
    proxyDown(p);
    w.sim.schedule(w.opts.scenario.kubernetes.readinessDelayMs, ChaosTimeline.markUnready, { w, p });
  }

  private restart(p: Pod): void {
    startPod(this.world, p);
  }

  /**
   * The app container restarts in its running pod: it listens and is ready `startupDelay` later; until
   * then the sidecar keeps answering 503 (connects to the app refused).
   */
  private restartContainer(p: Pod): void {
    const w = this.world;
    if (p.state !== PodState.ContainerCrashed) return;
    w.sim.schedule(w.opts.scenario.kubernetes.startupDelayMs, ChaosTimeline.markContainerReady, { w, p });
  }

  private static markContainerReady({ w, p }: { w: World; p: Pod }): void {
    if (p.state !== PodState.ContainerCrashed) return;
    p.transition(PodState.Running);
    p.setReady(true, w.sim.now);
    w.appOf(p)?.resume();
    w.refreshEndpoints();
  }

  private scale(rt: WorkloadRuntime, replicas: number): void {
    scaleWorkload(this.world, rt, replicas);
  }

  private static markUnready({ w, p }: { w: World; p: Pod }): void {
    if (p.state === PodState.Running || !p.ready) return;
    p.setReady(false, w.sim.now);
    w.refreshEndpoints();
  }
}
