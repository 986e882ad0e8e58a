import { describe, expect, it } from 'vitest';
import { MemberTableCache } from '../../../../src/envoy/upstream/load-balancers/member-table-cache.js';
import { hosts } from './fixtures.js';

describe('MemberTableCache', () => {
  it('builds once per (members in order, weights, parameters) and keeps 8 per first member', () => {
    const hs = hosts(3);
    const w = (ws: number[]) => hs.map((host, i) => ({ host, weight: ws[i]! }));
    const cache = new MemberTableCache<number>();
    let builds = 0;
    const get = (ws: number[], params: number[]) => cache.get(w(ws), params, () => ++builds);
    expect(get([0.2, 0.3, 0.5], [7])).toBe(1);
    expect(get([0.2, 0.3, 0.5], [7])).toBe(1); // same input: cached
    expect(get([0.2, 0.3, 0.5], [8])).toBe(2); // another parameter
    expect(get([0.2, 0.5, 0.3], [7])).toBe(3); // another weight
    // Another order of the same members: another first member, another entry.
    expect(cache.get([...w([0.2, 0.3, 0.5])].reverse(), [7], () => ++builds)).toBe(4);
    expect(cache.get(w([0.2, 0.3, 0.5]).slice(0, 2), [7], () => ++builds)).toBe(5); // fewer members
    // Entries 1, 2, 3 and 5 are under hs[0]; five more (9 in all) push out the oldest, entry 1.
    for (let p = 100; p < 105; p++) get([0.2, 0.3, 0.5], [p]);
    expect(builds).toBe(10);
    expect(get([0.2, 0.3, 0.5], [8])).toBe(2); // the second oldest is still there
    expect(get([0.2, 0.3, 0.5], [7])).toBe(11); // the oldest was rebuilt
  });

  it('no members: built each time, nothing kept', () => {
    const cache = new MemberTableCache<number>();
    let builds = 0;
    cache.get([], [1], () => ++builds);
    cache.get([], [1], () => ++builds);
    expect(builds).toBe(2);
  });
});
