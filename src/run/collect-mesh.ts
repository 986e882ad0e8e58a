import { formatResponseFlags } from '../envoy/index.js';
import type { Recorder } from '../mesh/recorder.js';
import type { World } from '../mesh/world.js';
import { cmp, round, sortedRecord } from './collect.js';
import { cpuThrottlingOf } from './cpu-throttling.js';
import type { HopResult, WorkloadResult } from './result.js';

/** The hop table, sorted by source, service, subset. */
export function hopResults(rec: Recorder): HopResult[] {
  return [...rec.hops.values()]
    .map((h) => ({
      source: h.source,
      service: h.service,
      subset: h.subset,
      requests: h.requests,
      byStatus: sortedRecord(h.byStatus),
      byFlag: byFlagNames(h.byFlags),
    }))
    .sort((a, b) => cmp(a.source, b.source) || cmp(a.service, b.service) || cmp(a.subset, b.subset));
}

/**
 * Per workload: served, rejected and queue waits of requests arriving in the window (the recorder's
 * figures); the longest queue and the saturation from the pods' gauges, which integrate from the end of
 * the warm-up to the end of the drain.
 */
export function workloadResults(world: World, rec: Recorder, endMs: number): WorkloadResult[] {
  const out: WorkloadResult[] = [];
  for (const [key, rt] of world.workloads) {
    let busy = 0;
    let slots = 0;
    let maxQueue = 0;
    for (const p of rt.pods) {
      const app = world.appOf(p);
      if (app === undefined) continue;
      busy += app.busySlots.area(endMs);
      slots += app.capacity.area(endMs);
      if (app.queueLength.max > maxQueue) maxQueue = app.queueLength.max;
    }
    const w = rec.workload(key);
    out.push({
      workload: key,
      pods: rt.pods.length,
      served: w.served,
      rejected: w.rejected,
      queueWaitMs: {
        mean: w.served === 0 ? 0 : round(w.waitSumMs / w.served, 3),
        p99: round(w.wait.percentile(99), 3),
        max: round(w.waitMaxMs, 3),
      },
      maxQueueLength: maxQueue,
      saturation: slots > 0 ? round(busy / slots, 4) : 0,
      ...cpuThrottlingOf(rt, endMs),
    });
  }
  return out.sort((a, b) => cmp(a.workload, b.workload));
}

/** Flag sets by their names (`UH`, `UF,URX`, `-`); different bit sets never share a name. */
export function byFlagNames(m: Iterable<[number, number]>): Record<string, number> {
  const named = new Map<string, number>();
  for (const [flags, n] of m) named.set(formatResponseFlags(flags), n);
  return sortedRecord(named);
}
