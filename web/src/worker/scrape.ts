import type { buildRun } from '../../../src/index.js';

type World = ReturnType<typeof buildRun>['world'];

export interface Scrape {
  retries: number;
  pendingOverflow: number;
  retryOverflow: number;
  pendingActive: number;
  rqActive: number;
}

/**
 * Reads every client sidecar's cluster stats, summed, the way a Prometheus scrape of each Envoy's
 * /stats would: counters (to be differenced per interval) and gauges (as they are now).
 */
export function scrapeStats(world: World): Scrape {
  const s: Scrape = { retries: 0, pendingOverflow: 0, retryOverflow: 0, pendingActive: 0, rqActive: 0 };
  for (const sidecar of world.allSidecars()) {
    for (const c of sidecar.clusters.all()) {
      s.retries += c.stats.counters.upstream_rq_retry;
      s.pendingOverflow += c.stats.counters.upstream_rq_pending_overflow;
      s.retryOverflow += c.stats.counters.upstream_rq_retry_overflow;
      s.pendingActive += c.stats.gauges.upstream_rq_pending_active;
      s.rqActive += c.stats.gauges.upstream_rq_active;
    }
  }
  return s;
}
