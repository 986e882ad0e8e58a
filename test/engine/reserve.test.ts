import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventQueueKind, NO_TIMER, Simulation } from '../../src/engine/index.js';

/**
 * Simulation.reserve (issue #14): a place in event order kept for an event that may not be needed. Queued
 * later with scheduleReserved it runs exactly where `schedule(0, ...)` at reservation time would have.
 */
describe.each<EventQueueKind>(['binary-heap', 'js-sdsl'])('Simulation.reserve (%s)', (queue) => {
  it('queued before its turn, the reserved event runs at the reserved place, not at the end', () => {
    const sim = new Simulation({ queue });
    const trace: string[] = [];
    const push = (l: string) => trace.push(`${sim.now}:${l}`);
    let token = 0;
    sim.schedule(
      5,
      () => {
        push('x');
        sim.schedule(0, push, 'before');
        token = sim.reserve();
        sim.schedule(
          0,
          () => {
            push('y');
            expect(sim.isReservedAhead(token)).toBe(false); // y is after the reserved place
          },
          null,
        );
      },
      null,
    );
    sim.schedule(
      5,
      () => {
        push('w');
        expect(sim.isReservedAhead(token)).toBe(true);
        sim.scheduleReserved(token, push, 'reserved');
      },
      null,
    );
    sim.run();
    expect(trace).toEqual(['5:x', '5:w', '5:before', '5:reserved', '5:y']);
  });

  it('a token is below NO_TIMER and cancelling it is a no-op', () => {
    const sim = new Simulation({ queue });
    const t = sim.reserve();
    expect(t).toBeLessThan(NO_TIMER);
    expect(sim.cancel(t)).toBe(false);
  });

  it('a place whose turn passed at the same instant, at a later instant, or in a finished run is not ahead', () => {
    const sim = new Simulation({ queue });
    let sameInstant = 0;
    sim.schedule(
      1,
      () => {
        sameInstant = sim.reserve();
        sim.schedule(0, () => expect(sim.isReservedAhead(sameInstant)).toBe(false), null);
      },
      null,
    );
    let earlier = 0;
    sim.schedule(
      2,
      () => {
        earlier = sim.reserve();
      },
      null,
    );
    // Scheduled before the reservations, at a later time, with a lower sequence number.
    sim.schedule(3, () => expect(sim.isReservedAhead(earlier)).toBe(false), null);
    sim.run();
    expect(() => sim.scheduleReserved(earlier, () => {}, null)).toThrow(RangeError);
    // runUntil ran every event up to its limit: a place reserved in its last instant has passed too...
    let last = 0;
    sim.schedule(
      0,
      () => {
        last = sim.reserve();
      },
      null,
    );
    expect(sim.runUntil(10).events).toBe(1);
    expect(sim.isReservedAhead(last)).toBe(false);
    // ...while one reserved after it returned is still ahead, and runs on the next call.
    const after = sim.reserve();
    expect(sim.isReservedAhead(after)).toBe(true);
    const ran: number[] = [];
    sim.scheduleReserved(after, (n: number) => ran.push(n), 7);
    sim.run();
    expect(ran).toEqual([7]);
  });

  it('gives the same order as scheduling at once, for any mix of needed and unneeded reservations', () => {
    // Each step at time `t` schedules a labelled event and, if `reserve`, an optional one that is needed
    // (`need`) by a later step at the same instant. Reference: the optional events queued at once, the
    // unneeded ones doing nothing.
    const steps = fc.array(
      fc.record({ t: fc.integer({ min: 0, max: 3 }), reserve: fc.boolean(), need: fc.boolean() }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(steps, (ss) => {
        const run = (lazy: boolean) => {
          const sim = new Simulation({ queue });
          const trace: string[] = [];
          const pendingTokens: { token: number; label: string; need: boolean }[] = [];
          const needed = new Set<string>();
          ss.forEach((s, i) => {
            sim.schedule(
              s.t,
              () => {
                trace.push(`${sim.now}:e${i}`);
                // Earlier reservations needed now, while still ahead.
                for (const p of pendingTokens.splice(0)) {
                  if (!p.need) continue;
                  if (!lazy) needed.add(p.label);
                  else if (sim.isReservedAhead(p.token))
                    sim.scheduleReserved(p.token, (l: string) => trace.push(`${sim.now}:${l}`), p.label);
                }
                if (s.reserve) {
                  const label = `r${i}`;
                  if (lazy) pendingTokens.push({ token: sim.reserve(), label, need: s.need });
                  else {
                    // Eager: always queued; it records itself only if some later step at this instant needs it.
                    const rec = { token: 0, label, need: s.need };
                    sim.schedule(
                      0,
                      () => {
                        if (needed.has(label)) trace.push(`${sim.now}:${label}`);
                      },
                      null,
                    );
                    pendingTokens.push(rec);
                  }
                }
              },
              null,
            );
          });
          sim.run();
          return trace;
        };
        expect(run(true)).toEqual(run(false));
      }),
    );
  });
});
