import { Session } from 'node:inspector/promises';
import { buildRun, collectResult, type LoadedScenario, runToEnd } from '../../src/run/index.js';
import { VERSION } from '../../src/version.js';

/** What measureAllocation finds: heap allocated by the run, garbage included, per hop. */
export interface AllocationFigures {
  /** Bytes allocated on the JS heap per hop over the run (V8's sampling heap profiler, every object). */
  allocatedBytesPerHop: number;
  /** The functions that allocate most, bytes per hop each (`name file`). */
  top: { fn: string; bytesPerHop: number }[];
}

/** One sample per this many bytes allocated on average: small enough for ~1 % on a 5-s case. */
const SAMPLING_INTERVAL = 16 * 1024;

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Allocation per hop, every object counted whether it lives or dies (issue #14: GC is the copying of
 * what survives and the scanning of what is allocated, so bytes per hop are the figure that does not
 * depend on the machine's load). The sampling heap profiler keeps samples of objects collected by
 * either GC; its sizes are already scaled to estimates of all allocation. In its own process: the
 * profiler slows the run.
 */
export async function measureAllocation(loaded: LoadedScenario, topN = 8): Promise<AllocationFigures> {
  const session = new Session();
  session.connect();
  const { world, recorder } = buildRun(loaded);
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  runToEnd(world, {});
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
    profile: { head: ProfileNode };
  };
  session.disconnect();
  const r = collectResult(world, recorder, loaded.scenario, VERSION);
  const hops = r.services.reduce((s, c) => s + c.requests, 0);
  const byFn = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode) => {
    const file = n.callFrame.url.split('/').slice(-2).join('/');
    const k = `${n.callFrame.functionName || '(anonymous)'} ${file}`.trim();
    byFn.set(k, (byFn.get(k) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  const perHop = (b: number) => (hops > 0 ? Math.round(b / hops) : 0);
  return {
    allocatedBytesPerHop: perHop(total),
    top: [...byFn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([fn, b]) => ({ fn, bytesPerHop: perHop(b) })),
  };
}
