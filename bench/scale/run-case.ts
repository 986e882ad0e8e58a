import { PerformanceObserver } from 'node:perf_hooks';
import { loadScenarioFromTexts } from '../../src/config/scenario/load.js';
import type { World } from '../../src/mesh/world.js';
import { buildRun, collectResult, runToEnd } from '../../src/run/index.js';
import { VERSION } from '../../src/version.js';
import { type AllocationFigures, measureAllocation } from './allocation.js';
import { generateMesh, type MeshParams } from './generate-mesh.js';

/** What one scaling case measures (bench/scale-bench.ts prints it). */
export interface ScaleFigures {
  /** Upstream requests (every try) through client sidecars. */
  hops: number;
  clientRequests: number;
  events: number;
  buildMs: number;
  runMs: number;
  collectMs: number;
  /** Hops per wall second over build + run + collect (as `meshsim run --timing` counts). */
  hopsPerSec: number;
  /**
   * Hops per second of this process's CPU time (user + system, GC threads included) over the same span:
   * on a shared machine this is what ratios between cases should use, since wall time also counts the
   * time the process waited for a core.
   */
  hopsPerCpuSec: number;
  engineEventsPerSec: number;
  /** (sidecar, endpoint) pairs: Host members of clusters the sidecars created. */
  pairs: number;
  /** Pairs with a connection pool (actually used by a request). */
  usedPairs: number;
  /** Retained heap per pair once every cluster the call graph needs exists, before any request
   * (measured in a second process: measureIdlePairs). */
  idleBytesPerPair: number | null;
  /** Retained heap per pod (measureIdlePairs), with idleBytesPerPair. */
  bytesPerPod?: number;
  /** measureRetained, for the cases that measure idle pairs. */
  retained?: RetainedFigures;
  /** measureAllocation: bytes allocated per hop, garbage included (in a process of its own). */
  allocation?: AllocationFigures;
  /** Main-thread GC pause time over wall time of the run. */
  gcShare: number;
  peakRssMiB: number;
  /** Heap used (MiB, no forced GC) at 25 %, 50 %, 75 % and 100 % of simulated time. */
  heapMiBOverTime: number[];
  /** Wall ms spent on each quarter of simulated time (flat when the cost per hop does not grow). */
  wallMsPerQuarter: number[];
  /** CPU ms (user + system) of each quarter of simulated time; the first also holds the build. */
  cpuMsPerQuarter: number[];
  /** Hops finished in each quarter of simulated time. */
  hopsPerQuarter: number[];
  /**
   * Hops per CPU second over the last three quarters: the cost per hop once the JIT has warmed up and
   * the start-up (route tables, first clusters) is behind, which in a 5-s run is up to half its time.
   */
  steadyHopsPerCpuSec: number;
  conservationHolds: boolean;
  /** With `--repeat=N`: every run's hopsPerCpuSec, in run order (these figures are the median run's). */
  runsHopsPerCpuSec?: number[];
}

const MiB = 1024 * 1024;

function gcNow(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Creates, in every sidecar, the cluster of every service its pod calls (the call graph's pairs). */
export function createCallGraphClusters(world: World, layers: readonly string[][]): void {
  const next = new Map<string, string[]>();
  const first = layers[0] ?? [];
  next.set('scale/edge', first);
  for (let l = 0; l < layers.length; l++) {
    for (const s of layers[l]!) next.set(`scale/${s}`, layers[l + 1] ?? []);
  }
  for (const pod of world.pods) {
    const sidecar = world.sidecarOf(pod);
    for (const svc of next.get(pod.owner) ?? []) {
      sidecar.clusters.get(`outbound|8080||${svc}.scale.svc.cluster.local`)?.syncMembership();
    }
  }
}

export function countPairs(world: World): { pairs: number; usedPairs: number; ownHosts: number } {
  let pairs = 0;
  let usedPairs = 0;
  let ownHosts = 0;
  for (const s of world.allSidecars()) {
    for (const c of s.clusters.all()) {
      for (const h of c.prioritySet.allHosts) {
        pairs++;
        if (h.pool !== undefined) usedPairs++;
        if (!h.isIdle) ownHosts++;
      }
    }
  }
  return { pairs, usedPairs, ownHosts };
}

function loadMesh(p: MeshParams) {
  const mesh = generateMesh(p);
  const load = loadScenarioFromTexts(mesh.scenario, [mesh.manifests]);
  if (!load.loaded) throw new Error(`generated mesh does not load: ${JSON.stringify(load.diagnostics)}`);
  return { mesh, loaded: load.loaded };
}

/** What measureIdlePairs finds (retained heap, each figure a full GC apart). */
export interface IdleFigures {
  pairs: number;
  idleBytesPerPair: number | null;
  /** The world with every sidecar built, before any cluster, per pod (config and recorder included). */
  bytesPerPod: number;
}

/**
 * Retained heap per idle (sidecar, endpoint) pair: every sidecar first (its own cost is not per pair),
 * then the cluster of every service its pod calls, each a full GC apart. Run it in its own process
 * (it holds every pair at once, which would distort the run's peak RSS).
 */
export function measureIdlePairs(p: MeshParams): IdleFigures {
  const { mesh, loaded } = loadMesh(p);
  gcNow();
  const hStart = process.memoryUsage().heapUsed;
  const { world } = buildRun(loaded);
  for (const pod of world.pods) world.sidecarOf(pod);
  gcNow();
  const h0 = process.memoryUsage().heapUsed;
  createCallGraphClusters(world, mesh.layers);
  gcNow();
  const h1 = process.memoryUsage().heapUsed;
  const { pairs } = countPairs(world);
  return {
    pairs,
    idleBytesPerPair: pairs > 0 ? Math.round((h1 - h0) / pairs) : null,
    bytesPerPod: Math.round((h0 - hStart) / world.pods.length),
  };
}

/**
 * Pairs that must be used for the first time between half time and the end for bytesPerUsedPair: a
 * mesh whose pairs are nearly all in use adds a few hundred, and ~1 MiB of other heap movement divided
 * by them is no per-pair figure (3 x 100 pods gave 1,863-2,596 bytes at 5 s and -114,256 at 20 s).
 */
const MIN_ADDED_PAIRS = 10_000;

/** What measureRetained finds: the heap that survives a full GC as simulated time goes by. */
export interface RetainedFigures {
  /** Retained heap (MiB, after a full GC) at 25 %, 50 %, 75 % and 100 % of simulated time. */
  retainedMiBOverTime: number[];
  /** Pairs with the cluster's own Host (picked at least once) at the same points. */
  ownHostsOverTime: number[];
  /**
   * Retained bytes added per pair picked for the first time, between half time and the end (a used
   * pair keeps its Host, pool and idle connection: Istio's idle timeout is 1 h); null if fewer than
   * MIN_ADDED_PAIRS were added.
   */
  bytesPerUsedPair: number | null;
}

/**
 * Runs the mesh with a full GC at each quarter of simulated time: what stays live as the run goes on
 * (in its own process: the forced GCs distort the run's CPU and GC figures).
 */
export function measureRetained(p: MeshParams): RetainedFigures {
  const { world } = buildRun(loadMesh(p).loaded);
  const retained: number[] = [];
  const own: number[] = [];
  let mark = 0.25;
  runToEnd(world, {
    progressEveryMs: p.durationMs / 100,
    onProgress: (f) => {
      if (f + 1e-9 < mark) return;
      mark += 0.25;
      gcNow();
      retained.push(process.memoryUsage().heapUsed);
      own.push(countPairs(world).ownHosts);
    },
  });
  const added = (own[3] ?? 0) - (own[1] ?? 0);
  return {
    retainedMiBOverTime: retained.map((b) => Math.round((b / MiB) * 10) / 10),
    ownHostsOverTime: own,
    bytesPerUsedPair: added >= MIN_ADDED_PAIRS ? Math.round((retained[3]! - retained[1]!) / added) : null,
  };
}

/** Runs one generated mesh and measures it. */
export function runScaleCase(p: MeshParams): ScaleFigures {
  const load = { loaded: loadMesh(p).loaded };
  gcNow();

  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const heap: number[] = [];
  const quarters: number[] = [];
  const cpuQuarters: number[] = [];
  const hopQuarters: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { world, recorder } = buildRun(load.loaded);
  const t1 = performance.now();
  let mark = 0.25;
  let quarterStart: number | undefined;
  let cpuMark = 0;
  let hopMark = 0;
  runToEnd(world, {
    progressEveryMs: p.durationMs / 100,
    onProgress: (f) => {
      if (f + 1e-9 >= mark) {
        heap.push(Math.round((process.memoryUsage().heapUsed / MiB) * 10) / 10);
        const now = performance.now();
        quarters.push(Math.round(now - (quarterStart ?? t1)));
        quarterStart = now;
        const c = process.cpuUsage(cpu0);
        const cpuMs = (c.user + c.system) / 1000;
        cpuQuarters.push(Math.round(cpuMs - cpuMark));
        cpuMark = cpuMs;
        const h = hopsSoFar(recorder);
        hopQuarters.push(h - hopMark);
        hopMark = h;
        mark += 0.25;
      }
    },
  });
  const t2 = performance.now();
  const r = collectResult(world, recorder, load.loaded.scenario, VERSION);
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const { pairs, usedPairs } = countPairs(world);
  const hops = r.services.reduce((s, c) => s + c.requests, 0);
  const wallS = (t3 - t0) / 1000;
  const figures = {
    hops,
    clientRequests: r.clients.reduce((s, c) => s + c.requests, 0),
    events: r.events,
    buildMs: Math.round(t1 - t0),
    runMs: Math.round(t2 - t1),
    collectMs: Math.round(t3 - t2),
    hopsPerSec: Math.round(hops / wallS),
    hopsPerCpuSec: Math.round(hops / ((cpu.user + cpu.system) / 1e6)),
    engineEventsPerSec: Math.round(r.events / wallS),
    pairs,
    usedPairs,
    idleBytesPerPair: null,
    gcShare: 0,
    peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    heapMiBOverTime: heap,
    wallMsPerQuarter: quarters,
    cpuMsPerQuarter: cpuQuarters,
    hopsPerQuarter: hopQuarters,
    steadyHopsPerCpuSec: steadyRate(hopQuarters, cpuQuarters),
    conservationHolds: r.conservation.started === r.conservation.finished + r.conservation.inFlightAtEnd,
  };
  // GC entries arrive asynchronously: read them once the caller yields (finishGcShare).
  pendingGc = { obs, wallMs: t3 - t0, read: () => gcMs };
  return figures;
}

/** Upstream tries finished so far (the figure `hops` counts at the end), summed over the services. */
function hopsSoFar(recorder: { services: ReadonlyMap<string, { requests: number }> }): number {
  let n = 0;
  for (const s of recorder.services.values()) n += s.requests;
  return n;
}

/** Hops per CPU second over quarters 2-4 (0 when they took no measurable CPU). */
function steadyRate(hops: readonly number[], cpuMs: readonly number[]): number {
  let h = 0;
  let ms = 0;
  for (let i = 1; i < hops.length; i++) {
    h += hops[i]!;
    ms += cpuMs[i]!;
  }
  return ms > 0 ? Math.round(h / (ms / 1000)) : 0;
}

let pendingGc: { obs: PerformanceObserver; wallMs: number; read: () => number } | undefined;

/** GC share of the last runScaleCase, once queued gc entries have been delivered. */
export async function finishGcShare(): Promise<number> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const g = pendingGc;
  if (g === undefined) return 0;
  g.obs.disconnect();
  return Math.round((g.read() / g.wallMs) * 1000) / 1000;
}

// Child-process entry: `run-case.ts '<MeshParams JSON>' [idle|retained]` prints ScaleFigures (or, with
// `idle`, the idle-pair figures; with `retained`, the retained heap over time; with `alloc`, the bytes
// allocated per hop) as JSON.
if (process.argv[1]?.endsWith('run-case.ts')) {
  const params = JSON.parse(process.argv[2]!) as MeshParams;
  if (process.argv[3] === 'idle') {
    console.log(JSON.stringify(measureIdlePairs(params)));
  } else if (process.argv[3] === 'retained') {
    console.log(JSON.stringify(measureRetained(params)));
  } else if (process.argv[3] === 'alloc') {
    console.log(JSON.stringify(await measureAllocation(loadMesh(params).loaded)));
  } else {
    const figures = runScaleCase(params);
    figures.gcShare = await finishGcShare();
    console.log(JSON.stringify(figures));
  }
}
