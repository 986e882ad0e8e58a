import type { ChaosEvent, WorkloadBehaviour } from '../config/scenario/index.js';
import { PodState, type Pod } from './pod.js';
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
    const rt = e.target !== undefined ? w.workloads.get(e.target) : undefined;
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
        const before = rt.pods.filter((p) => p.state !== PodState.Gone).length;
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

  /** The container dies: connections are refused; endpoints drop after the readiness delay. */
  private crash(p: Pod): void {
    const w = this.world;
    p.transition(PodState.Crashed);
    w.appOf(p)?.crash();
    w.closeConnectionsTo(p);
    w.sim.schedule(w.opts.scenario.kubernetes.readinessDelayMs, ChaosTimeline.markUnready, { w, p });
  }

  /** Scaled away or its zone went down: the IP stops answering at all (a black hole). */
  private vanish(p: Pod): void {
    const w = this.world;
    p.transition(PodState.Gone);
    w.appOf(p)?.crash();
    w.sim.schedule(w.opts.scenario.kubernetes.readinessDelayMs, ChaosTimeline.markUnready, { w, p });
  }

  private restart(p: Pod): void {
    const w = this.world;
    if (p.state === PodState.Running || p.state === PodState.Starting) return;
    p.transition(PodState.Starting);
    w.sim.schedule(w.opts.scenario.kubernetes.startupDelayMs, ChaosTimeline.markReady, { w, p });
  }

  private scale(rt: WorkloadRuntime, replicas: number): void {
    const alive = rt.pods.filter((p) => p.state !== PodState.Gone);
    if (replicas < alive.length) {
      // Scale-down removes the newest pods: out of endpoints first, then gone.
      for (const p of alive.slice(replicas).reverse()) {
        p.ready = false;
        p.transition(PodState.Gone);
        this.world.appOf(p)?.crash();
      }
      this.world.refreshEndpoints();
      return;
    }
    const gone = rt.pods.filter((p) => p.state === PodState.Gone);
    let missing = replicas - alive.length;
    for (const p of gone) {
      if (missing-- <= 0) break;
      this.restart(p);
    }
    for (; missing > 0; missing--) {
      const p = this.world.addWorkloadPod(rt, false);
      this.world.sim.schedule(this.world.opts.scenario.kubernetes.startupDelayMs, ChaosTimeline.markReady, {
        w: this.world,
        p,
      });
    }
  }

  private static markUnready({ w, p }: { w: World; p: Pod }): void {
    if (p.state === PodState.Running || !p.ready) return;
    p.ready = false;
    w.refreshEndpoints();
  }

  private static markReady({ w, p }: { w: World; p: Pod }): void {
    if (p.state !== PodState.Starting) return;
    p.transition(PodState.Running);
    p.ready = true;
    w.appOf(p)?.resume();
    w.refreshEndpoints();
  }
}
