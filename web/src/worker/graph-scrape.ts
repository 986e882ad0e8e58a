import type { buildRun } from '../../../src/index.js';
import { SCRAPED_COUNTERS } from './graph-data.js';
import type { TrafficRecorder } from './graph-traffic.js';

type World = ReturnType<typeof buildRun>['world'];

const values = new Float64Array(SCRAPED_COUNTERS.length);

/**
 * Reads every sidecar's cluster counters at a graph bin's end, the way a Prometheus scrape of each Envoy's
 * /stats would, into that (sidecar, cluster)'s source-side record: the side panel's retries, overflows and
 * ejections per edge.
 */
export function scrapeGraphStats(world: World, traffic: TrafficRecorder, bin: number): void {
  for (const sidecar of world.allSidecars()) {
    const pod = sidecar.pod.name;
    for (const c of sidecar.clusters.all()) {
      const k = c.stats.counters;
      for (let i = 0; i < SCRAPED_COUNTERS.length; i++) values[i] = k[SCRAPED_COUNTERS[i]!];
      traffic.scrape(pod, c.name, values, bin);
    }
  }
}
