import type { EnvoyObserver } from '../envoy/index.js';
import type { Pod } from '../mesh/pod.js';
import type { World } from '../mesh/world.js';
import { VERSION } from '../version.js';
import { collectResult } from './collect.js';
import { CfsHistory } from './cfs-history.js';
import { IstioHistory } from './istio-history.js';
import { fanOutObservers } from './observers.js';
import { buildRun, type LoadedScenario, type RunOptions } from './run-scenario.js';
import { HostStatsObserver, SidecarViews, selectPods } from './sidecar-views.js';
import { healthyPods } from './study/observed-run.js';
import type { Observation } from './study/metrics.js';

/** What a run collects besides its Result; each view is subscribed only when asked for. */
export interface RunViews {
  /** One sidecar (pod name) for `sidecars` and the views that take one; all when absent. */
  pod?: string;
  /** Snapshot the selected sidecars' admin views (`/stats`, `/clusters`) at the end. */
  sidecars?: boolean;
  /** Scrape Istio's standard metrics every series interval (OpenMetrics with timestamps). */
  istioHistory?: boolean;
  /** Extra observers (access logs); `world` gives them the pods' facts once it exists. */
  observers?: (world: World) => EnvoyObserver[];
}

export type ViewsRun =
  | {
      kind: 'ran';
      observation: Observation;
      /** The selected sidecars' admin views, built one at a time as they are iterated. */
      sidecars?: SidecarViews;
      istioHistory?: IstioHistory;
      /** cAdvisor's CFS counters of containers with a CPU limit, scraped with istioHistory. */
      cfsHistory?: CfsHistory;
      /** The selected pods (for views that filter by sidecar). */
      pods: readonly Pod[];
    }
  | { kind: 'unknown-pod'; name: string; closeNames: string[] };

/**
 * Runs a scenario like runObserved (same steps, same Result bytes) with the views a command asked for.
 * The Istio scrape steps the clock to every series interval (runUntil boundaries never change what
 * happens: events carry their own times) and once more at the end of the drain.
 */
export function runWithViews(loaded: LoadedScenario, opts: RunOptions, views: RunViews): ViewsRun {
  const extra: EnvoyObserver[] = [];
  let world: World | undefined;
  const lazy = views.observers
    ? lazyObservers(
        (w) => views.observers!(w),
        () => world!,
      )
    : undefined;
  if (lazy) extra.push(lazy.observer);
  const hostStats = views.sidecars
    ? new HostStatsObserver(views.pod === undefined ? null : new Set([views.pod]))
    : undefined;
  if (hostStats) extra.push(hostStats);
  if (opts.observer) extra.push(opts.observer);
  const observer = fanOutObservers(extra);
  const built = buildRun(loaded, { ...opts, ...(observer ? { observer } : {}) });
  world = built.world;
  const selected = selectPods(world, views.pod);
  if ('unknown' in selected)
    return { kind: 'unknown-pod', name: selected.unknown, closeNames: selected.closeNames };
  lazy?.init();
  const history = views.istioHistory ? new IstioHistory() : undefined;
  const cfs = views.istioHistory ? new CfsHistory(world) : undefined;
  const recorder = built.recorder;
  runSampled(
    world,
    opts,
    history && cfs
      ? (t) => {
          history.scrape(recorder, t);
          cfs.scrape(t);
        }
      : undefined,
  );
  const observation: Observation = {
    result: collectResult(world, built.recorder, loaded.scenario, VERSION),
    healthyPods: healthyPods(world, loaded.scenario),
  };
  return {
    kind: 'ran',
    observation,
    pods: selected.pods,
    ...(hostStats ? { sidecars: new SidecarViews(world, selected.pods, hostStats) } : {}),
    ...(history ? { istioHistory: history } : {}),
    ...(cfs ? { cfsHistory: cfs } : {}),
  };
}

/** runToEnd with a scrape (Istio metrics, CFS counters) at every series interval of the load and of the drain, and at its end. */
function runSampled(world: World, opts: RunOptions, scrape: ((tMs: number) => void) | undefined): void {
  const end = world.endMs;
  const every = scrape
    ? world.opts.scenario.seriesIntervalMs
    : (opts.progressEveryMs ?? Math.max(1000, end / 100));
  world.start();
  for (let t = every; t < end; t += every) {
    world.sim.runUntil(t);
    scrape?.(t);
    opts.onProgress?.(t / end);
  }
  world.sim.runUntil(end);
  scrape?.(end);
  if (world.beginDrain()) {
    for (let t = end + every; ; t += every) {
      const until = Math.min(t, world.drainLimitMs);
      const o = world.sim.runUntil(until);
      if (o.reason !== 'until' && o.reason !== 'empty') break;
      if (until >= world.drainLimitMs) break;
      scrape?.(until);
    }
  }
  scrape?.(world.sim.now);
  opts.onProgress?.(1);
}

/** Observers built once the world exists, subscribed before it does (the world takes its observer at construction). */
function lazyObservers(
  make: (w: World) => EnvoyObserver[],
  world: () => World,
): { observer: EnvoyObserver; init(): void } {
  let inner: EnvoyObserver | undefined;
  return {
    init() {
      inner = fanOutObservers(make(world()));
    },
    observer: {
      onRequestComplete: (e) => inner?.onRequestComplete(e),
      onEjection: (e) => inner?.onEjection(e),
      onUnejection: (e) => inner?.onUnejection(e),
      onUpstreamAttempt: (e) => inner?.onUpstreamAttempt(e),
    },
  };
}
