import {
  buildRun,
  drainWorld,
  collectResult,
  type LoadedScenario,
  type RunOptions,
  VERSION,
} from '../../../src/index.js';
import { parseClusterName } from './edges.js';
import { scrapeGraphStats } from './graph-scrape.js';
import { TrafficRecorder } from './graph-traffic.js';
import { POD_STATE, type PodTrack, type Timeline, type RunOutput } from './protocol.js';
import { scrapeStats } from './scrape.js';
import { PanelRecorder } from './series-panels.js';
import type { ModelSize } from '../model/limits.js';

type Observer = NonNullable<RunOptions['observer']>;

export interface SimulateHooks {
  /** Fraction of simulated time done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Checked between chunks; true stops the run (the promise rejects with Cancelled). */
  cancelled?: () => boolean;
  /** Lets the worker's event loop deliver messages (cancel); called about every `yieldEveryMs`. */
  yieldNow?: () => Promise<void>;
  /** Wall clock for yielding and `wallMs` (the driver's: performance.now). */
  now?: () => number;
  yieldEveryMs?: number;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Runs a loaded scenario one series interval at a time (world.sim.runUntil), the way runScenario does
 * but with the caller owning the loop: between intervals it scrapes Envoy stats, samples pod states and
 * may yield so a cancel message gets through. The Result is collectResult's, byte-identical to
 * runScenario's for the same inputs and seed.
 */
export async function simulate(
  loaded: LoadedScenario,
  size: ModelSize,
  seed: number | undefined,
  hooks: SimulateHooks = {},
): Promise<RunOutput> {
  const now = hooks.now ?? (() => 0);
  const started = now();
  const intervalMs = loaded.scenario.seriesIntervalMs;
  // The graph's traffic (graph-traffic.ts); made once the world says how long the run is.
  let traffic: TrafficRecorder | undefined;
  // The dashboard panels' request counts (series-panels.ts), keyed by the service's node id.
  let panels: PanelRecorder | undefined;
  const serviceNodes = new Map<string, string>();
  const serviceNode = (cluster: string | null, authority: string): string => {
    if (cluster === null) return `svc:${authority}`;
    let n = serviceNodes.get(cluster);
    if (n === undefined) {
      const c = parseClusterName(cluster);
      serviceNodes.set(cluster, (n = c ? `svc:${c.fqdn}` : `svc:${authority}`));
    }
    return n;
  };
  // Runs for every request and every try: no strings built per event.
  const observer: Observer = {
    onRequestComplete(e) {
      panels?.request(e.sidecar, serviceNode(e.cluster, e.authority), e.startMs, e.timeMs, e.status, e.flags);
      traffic?.request(
        e.sidecar,
        e.cluster,
        e.authority,
        e.upstreamPod,
        e.status,
        e.flags,
        e.timeMs - e.startMs,
        e.timeMs,
      );
    },
    onUpstreamAttempt(e) {
      if (e.attempt !== 0) traffic?.attempt(e.cluster, e.pod, e.status, e.flags, e.latencyMs, e.timeMs);
    },
    onEjection() {},
    onUnejection() {},
  };
  const { world, recorder } = buildRun(loaded, { ...(seed !== undefined ? { seed } : {}), observer });
  const panelRecorder = new PanelRecorder(
    intervalMs,
    loaded.scenario.warmupMs,
    (p) => world.podInfo(p)?.owner ?? p,
  );
  panels = panelRecorder;
  const end = world.endMs;
  const intervals = Math.max(1, Math.ceil(end / intervalMs));
  const graph = new TrafficRecorder(intervalMs, intervals, {
    podInfo: (p) => world.podInfo(p),
    isWorkload: (o) => world.workloads.has(o),
  });
  traffic = graph;
  const perBin = graph.binMs / intervalMs;
  const tl: Timeline = {
    intervalMs,
    intervals,
    retries: [],
    pendingOverflow: [],
    retryOverflow: [],
    pendingActive: [],
    rqActive: [],
    pods: [],
    edges: [],
    panels: { requests: [], appQueue: {} },
  };
  const podStates = new Map<string, string[]>();
  let prev = scrapeStats(world);
  let lastYield = now();
  const yieldEvery = hooks.yieldEveryMs ?? 40;
  world.start();
  for (let i = 0; i < intervals; i++) {
    world.sim.runUntil(Math.min(end, (i + 1) * intervalMs));
    const s = scrapeStats(world);
    // Counters are zeroed at the end of the warm-up (as Envoy's /reset_counters): a drop is a reset.
    tl.retries.push(increase(s.retries, prev.retries));
    tl.pendingOverflow.push(increase(s.pendingOverflow, prev.pendingOverflow));
    tl.retryOverflow.push(increase(s.retryOverflow, prev.retryOverflow));
    tl.pendingActive.push(s.pendingActive);
    tl.rqActive.push(s.rqActive);
    prev = s;
    panelRecorder.scrapeApps(world, i);
    if ((i + 1) % perBin === 0 || i === intervals - 1) scrapeGraphStats(world, graph, Math.floor(i / perBin));
    for (const p of world.pods) {
      if (!world.workloads.has(p.owner)) continue;
      let a = podStates.get(p.name);
      if (a === undefined) podStates.set(p.name, (a = []));
      while (a.length < i) a.push(POD_STATE.gone);
      a.push(podState(p));
    }
    hooks.onProgress?.((i + 1) / intervals);
    if (hooks.yieldNow && now() - lastYield >= yieldEvery) {
      await hooks.yieldNow();
      lastYield = now();
    }
    if (hooks.cancelled?.()) throw new Cancelled();
  }
  world.sim.runUntil(end);
  drainWorld(world);
  const result = collectResult(world, recorder, loaded.scenario, VERSION);
  // Workload pods only: load generators are clients, drawn as client nodes.
  tl.pods = world.pods
    .filter((p) => world.workloads.has(p.owner))
    .map((p): PodTrack => ({ name: p.name, owner: p.owner, states: (podStates.get(p.name) ?? []).join('') }));
  tl.edges = graph.data().records;
  tl.panels = panelRecorder.timeline(intervals);
  return { result, timeline: tl, wallMs: now() - started, size };
}

/** A counter's increase between scrapes, as Prometheus' increase() reads a reset: the new value. */
function increase(now: number, before: number): number {
  return now >= before ? now - before : now;
}

function podState(p: { state: string; ready: boolean; endpointsRemoved: boolean }): string {
  switch (p.state) {
    case 'Running':
      return p.ready && !p.endpointsRemoved ? POD_STATE.running : POD_STATE.unready;
    case 'Starting':
      return POD_STATE.starting;
    case 'Crashed':
    // Only the app container crashed (the sidecar answers 503): drawn as crashed too.
    case 'ContainerCrashed':
      return POD_STATE.crashed;
    default:
      return POD_STATE.gone;
  }
}
