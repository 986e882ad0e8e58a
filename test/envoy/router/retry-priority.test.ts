import { describe, expect, it } from 'vitest';
import { PreviousPrioritiesRetryPriority } from '../../../src/envoy/router/retry-priority.js';
import { LeastRequestLoadBalancer } from '../../../src/envoy/upstream/load-balancers/least-request.js';
import { context, eject, hosts, params, prioritySet, seeded } from '../upstream/load-balancers/fixtures.js';

describe('previous_priorities (retryRemoteLocalities, update_frequency 2)', () => {
  const p0 = hosts(3);
  const p1 = hosts(3);
  const ps = prioritySet(p0, p1);
  const original = [100, 0];

  it('keeps the original load below 2 attempts, excludes tried priorities at 2, recomputes only every 2', () => {
    const rp = new PreviousPrioritiesRetryPriority(2);
    expect(rp.determinePriorityLoad(ps, original)).toBe(original); // first try
    rp.onHostAttempted(p0[0]!);
    expect(rp.determinePriorityLoad(ps, original)).toBe(original); // 1 attempt: below the frequency
    rp.onHostAttempted(p0[1]!);
    expect(rp.determinePriorityLoad(ps, original)).toEqual([0, 100]); // P0 excluded: all load to P1
    rp.onHostAttempted(p1[0]!);
    expect(rp.determinePriorityLoad(ps, original)).toEqual([0, 100]); // 3 attempts: not an update point
    rp.onHostAttempted(p1[1]!);
    // 4 attempts: P0 and P1 both tried, nothing healthy left outside them: back to the original load.
    expect(rp.determinePriorityLoad(ps, original)).toBe(original);
  });

  it('the excluded load follows health with the 1.4 overprovisioning factor', () => {
    const a = hosts(2);
    const b = hosts(5);
    const c = hosts(5);
    eject(c[0]!);
    eject(c[1]!);
    const set = prioritySet(a, b, c);
    const rp = new PreviousPrioritiesRetryPriority(2);
    rp.onHostAttempted(a[0]!);
    rp.onHostAttempted(a[1]!);
    // P1 is fully healthy (100 after the cap), P2 has 3/5 healthy: 140 x 3 / 5 = 84 -> normalised 100,
    // so P1 takes 100 % and P2 nothing.
    expect(rp.determinePriorityLoad(set, [100, 0, 0])).toEqual([0, 100, 0]);
  });

  it('a load balancer asked through the context picks from the remaining priority', () => {
    const rp = new PreviousPrioritiesRetryPriority(2);
    const lb = new LeastRequestLoadBalancer(params(ps, seeded('rp')), undefined, 2);
    const ctx = {
      ...context(),
      determinePriorityLoad: (s: typeof ps, o: readonly number[]) => rp.determinePriorityLoad(s, o),
    };
    for (let i = 0; i < 20; i++) expect(p0).toContain(lb.chooseHost(ctx));
    rp.onHostAttempted(p0[0]!);
    rp.onHostAttempted(p0[2]!);
    for (let i = 0; i < 20; i++) expect(p1).toContain(lb.chooseHost(ctx));
  });
});
