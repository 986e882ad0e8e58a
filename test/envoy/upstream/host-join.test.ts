import { describe, expect, it } from 'vitest';
import { Host } from '../../../src/envoy/index.js';
import { PrioritySet } from '../../../src/envoy/upstream/host-set.js';
import { endpoint } from './support.js';

/** Join times as update numbers (Host.joinUpdate) plus one time per update in which some host joined. */
describe('PrioritySet.joinedAtMs (issue #14: no time stored per host)', () => {
  it('never a member: 0; members of the first update: its time, kept across later updates', () => {
    const [a, b, outsider] = [new Host(endpoint('a')), new Host(endpoint('b')), new Host(endpoint('x'))];
    const ps = new PrioritySet();
    expect(ps.joinedAtMs(outsider)).toBe(0);
    ps.updateHosts([a, b], 12.5);
    expect([ps.joinedAtMs(a), ps.joinedAtMs(b), ps.joinedAtMs(outsider)]).toEqual([12.5, 12.5, 0]);
    // An update in which nobody joins (b leaves) changes nothing for the members that stay.
    ps.updateHosts([a], 20.25);
    expect(ps.joinedAtMs(a)).toBe(12.5);
    // A host that joins later gets that update's time; one that left and comes back starts again.
    const c = new Host(endpoint('c'));
    ps.updateHosts([a, c, b], 30.75);
    expect([ps.joinedAtMs(a), ps.joinedAtMs(c), ps.joinedAtMs(b)]).toEqual([12.5, 30.75, 30.75]);
    ps.updateHosts([a, c, b], 40);
    expect([ps.joinedAtMs(a), ps.joinedAtMs(c), ps.joinedAtMs(b)]).toEqual([12.5, 30.75, 30.75]);
    expect(Number.isInteger(a.joinUpdate) && Number.isInteger(c.joinUpdate)).toBe(true);
  });

  it('the first update at time 0 and an empty first update', () => {
    const ps = new PrioritySet();
    ps.updateHosts([], 5);
    const a = new Host(endpoint('a'));
    ps.updateHosts([a], 0);
    expect(ps.joinedAtMs(a)).toBe(0);
    const b = new Host(endpoint('b'));
    ps.updateHosts([a, b], 7);
    expect([ps.joinedAtMs(a), ps.joinedAtMs(b)]).toEqual([0, 7]);
  });
});
