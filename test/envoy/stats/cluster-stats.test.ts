import { describe, expect, it } from 'vitest';
import {
  CLUSTER_COUNTERS,
  CLUSTER_GAUGES,
  ClusterCounters,
  ClusterStats,
} from '../../../src/envoy/stats/cluster-stats.js';

/** Stats objects are copies of one zeroed template (issue #14): each must be its own, in list order. */
describe('ClusterStats', () => {
  it('every counter and gauge at 0, keyed in list order, each instance its own', () => {
    const a = new ClusterStats();
    const b = new ClusterStats();
    expect(Object.keys(a.counters)).toEqual([...CLUSTER_COUNTERS]);
    expect(Object.keys(a.gauges)).toEqual([...CLUSTER_GAUGES]);
    expect(Object.values(a.counters).every((v) => v === 0)).toBe(true);
    expect(Object.values(a.gauges).every((v) => v === 0)).toBe(true);
    a.counters.upstream_rq_total++;
    a.gauges.upstream_rq_active = 3;
    a.chargeResponse(503);
    expect([b.counters.upstream_rq_total, b.gauges.upstream_rq_active, b.counters.upstream_rq_5xx]).toEqual([
      0, 0, 0,
    ]);
    expect([a.counters.upstream_rq_total, a.counters.upstream_rq_5xx, a.byCode.get(503)]).toEqual([1, 1, 1]);
    expect(new ClusterCounters().counters.upstream_rq_total).toBe(0);
    // Own property order of the instance (what a structured clone or JSON sees) is unchanged.
    expect(Object.keys(a)).toEqual(['byCode', 'retryByCode', 'counters', 'gauges']);
    a.resetCounters();
    expect([a.counters.upstream_rq_total, a.gauges.upstream_rq_active, a.byCode.size]).toEqual([0, 3, 0]);
  });
});
