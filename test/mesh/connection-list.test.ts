import { describe, expect, it } from 'vitest';
import { type Connection, ConnectionList } from '../../src/mesh/wire.js';

/** Stand-ins with just the fields the list threads through (the list touches nothing else). */
const conns = (n: number) =>
  Array.from({ length: n }, (_, id) => ({ id, facts: 0, prev: null, next: null }) as unknown as Connection);
/** The TRACKED bit (wire.ts), as Connection.tracked reads it. */
const tracked = (c: Connection) => ((c as unknown as { facts: number }).facts & 2) !== 0;
const ids = (l: ConnectionList) => {
  const out: number[] = [];
  for (let c = l.head; c !== null; c = c.next) out.push((c as unknown as { id: number }).id);
  return out;
};

describe('ConnectionList: the established connections to one pod (world.trackConnection)', () => {
  it('keeps them oldest first and removes the head, a middle one and the tail', () => {
    const l = new ConnectionList();
    const c = conns(5);
    for (const x of c) l.append(x);
    expect(ids(l)).toEqual([0, 1, 2, 3, 4]);
    l.remove(c[0]!);
    l.remove(c[2]!);
    l.remove(c[4]!);
    expect(ids(l)).toEqual([1, 3]);
    expect(l.tail).toBe(c[3]);
    expect(tracked(c[2]!)).toBe(false);
    expect(tracked(c[1]!)).toBe(true);
    l.remove(c[1]!);
    l.remove(c[3]!);
    expect([l.head, l.tail]).toEqual([null, null]);
  });

  it('drain hands over every connection in order, detached first, so untracking one mid-drain changes nothing', () => {
    const l = new ConnectionList();
    const c = conns(4);
    for (const x of c) l.append(x);
    const seen: number[] = [];
    l.drain((x) => {
      seen.push((x as unknown as { id: number }).id);
      // A callback that untracks a later connection (its client cancels it) finds it already detached.
      if (tracked(c[3]!)) l.remove(c[3]!);
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect([l.head, l.tail]).toEqual([null, null]);
    expect(c.every((x) => !tracked(x) && x.prev === null && x.next === null)).toBe(true);
  });

  it('a list drained and appended to again starts afresh', () => {
    const l = new ConnectionList();
    const [a, b] = conns(2);
    l.append(a!);
    l.drain(() => {});
    l.append(b!);
    expect(ids(l)).toEqual([1]);
  });
});
