import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventQueueKind, NO_SLOT, RandomStreams, Simulation } from '../../src/engine/index.js';

describe('Simulation.scheduleFixed', () => {
  it('fires at now + delay in (time, seq) order with the events of the heap', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const push = (label: string) => trace.push(`${sim.now}:${label}`);
    sim.scheduleFixed(5, push, 'fixed-a');
    sim.schedule(5, push, 'heap-b');
    sim.scheduleFixed(5, push, 'fixed-c');
    sim.schedule(2, push, 'heap-early');
    sim.runUntil(3);
    sim.scheduleFixed(5, push, 'fixed-at-8');
    sim.schedule(5, push, 'heap-at-8');
    sim.run();
    expect(trace).toEqual([
      '2:heap-early',
      '5:fixed-a',
      '5:heap-b',
      '5:fixed-c',
      '8:fixed-at-8',
      '8:heap-at-8',
    ]);
    expect(sim.executed).toBe(6);
  });

  it('a cancelled front is skipped without counting an event; pending counts live timers only', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const push = (label: string) => trace.push(`${sim.now}:${label}`);
    const a = sim.scheduleFixed(10, push, 'a');
    sim.runUntil(1);
    const b = sim.scheduleFixed(10, push, 'b');
    sim.runUntil(2);
    sim.scheduleFixed(10, push, 'c');
    expect(sim.pending).toBe(3);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    expect(sim.cancel(b)).toBe(true);
    expect(sim.pending).toBe(1);
    expect(sim.peek()).toBe(12);
    expect(sim.runUntil(11.999)).toMatchObject({ reason: 'until', events: 0 });
    expect(sim.runUntil(12)).toMatchObject({ reason: 'empty', events: 1 });
    expect(trace).toEqual(['12:c']);
    expect(sim.pending).toBe(0);
  });

  it('a stale handle (fired, or its slot reused) cancels nothing', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const h = sim.scheduleFixed(1, (l: string) => trace.push(l), 'first');
    sim.run();
    const reused = sim.scheduleFixed(1, (l: string) => trace.push(l), 'second');
    expect(sim.cancel(h)).toBe(false);
    sim.run();
    expect(trace).toEqual(['first', 'second']);
    expect(sim.cancel(reused)).toBe(false);
  });

  it('step and stop see a fixed-delay timer as one event', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const first = sim.scheduleFixed(3, (l: string) => trace.push(l), 'cancelled');
    sim.scheduleFixed(
      3,
      (l: string) => {
        trace.push(l);
        sim.stop();
      },
      'stops',
    );
    sim.schedule(4, (l: string) => trace.push(l), 'later');
    sim.cancel(first);
    expect(sim.run()).toMatchObject({ reason: 'stopped', events: 1, nowMs: 3 });
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(trace).toEqual(['stops', 'later']);
  });

  it('keeps order past the ring buffer growing while it wraps, and through a compaction', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const handles: number[] = [];
    // 16 fit the first ring; shifting 5 and pushing 40 more wraps it, then grows it twice.
    for (let i = 0; i < 16; i++) handles.push(sim.scheduleFixed(100, (n: number) => fired.push(n), i));
    for (let i = 0; i < 5; i++) sim.cancel(handles[i]!);
    sim.runUntil(0.5);
    for (let i = 16; i < 56; i++) handles.push(sim.scheduleFixed(100, (n: number) => fired.push(n), i));
    // Enough cancelled heap entries for a compaction, which must keep the list's entry.
    const dead: number[] = [];
    for (let i = 0; i < 6000; i++) dead.push(sim.schedule(50, () => fired.push(-1), undefined));
    for (const d of dead) sim.cancel(d);
    expect(sim.queued).toBeLessThan(6000);
    sim.run();
    expect(fired).toEqual(Array.from({ length: 51 }, (_, i) => i + 5));
  });

  it('holds O(live) entries when each timer is cancelled long before its time', () => {
    const sim = new Simulation();
    const trace: number[] = [];
    const live: number[] = [];
    // A 10 s connect timeout cancelled one round trip later, 100,000 times, 5 connecting at once.
    const connect = (i: number) => {
      live.push(sim.scheduleFixed(10_000, (n: number) => trace.push(n), i));
      if (live.length > 5) sim.cancel(live.shift()!);
      if (i < 100_000) sim.schedule(0.05, connect, i + 1);
    };
    sim.schedule(0, connect, 0);
    let most = 0;
    while (sim.step()) most = Math.max(most, sim.queued);
    // 6 live at most, one heap event, a ring that compacts before it grows: at most 4x live plus a few.
    expect(most).toBeLessThanOrEqual(32);
    expect(trace).toEqual([99_996, 99_997, 99_998, 99_999, 100_000]);
  });

  it('a cancelled entry keeps its slot until it leaves the list, so no reuse can revive it', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    const dead = sim.scheduleFixed(100, (l: string) => fired.push(l), 'cancelled');
    sim.cancel(dead);
    // Many events come and go meanwhile, none of them in the cancelled entry's slot.
    const slots = new Set<number>();
    const churn = (n: number) => {
      if (n > 0) slots.add(sim.slotOf(sim.schedule(0.01, churn, n - 1)));
    };
    sim.schedule(0, churn, 5000);
    sim.scheduleFixed(100, (l: string) => fired.push(l), 'live');
    sim.run();
    expect(slots.has(sim.slotOf(dead))).toBe(false);
    expect(fired).toEqual(['live']);
  });

  it('maxTimeMs never moves the clock back after step() went past it', () => {
    const sim = new Simulation({ maxTimeMs: 10 });
    sim.schedule(20, () => {}, undefined);
    sim.step();
    expect(sim.now).toBe(20);
    sim.schedule(5, () => {}, undefined);
    expect(sim.runUntil(Number.POSITIVE_INFINITY).reason).toBe('max-time');
    expect(sim.now).toBe(20);
  });

  it('rejects a negative or NaN delay', () => {
    const sim = new Simulation();
    expect(() => sim.scheduleFixed(-1, () => {}, undefined)).toThrow(RangeError);
    expect(() => sim.scheduleFixed(Number.NaN, () => {}, undefined)).toThrow(RangeError);
  });

  it('any model gives the trace and counts of the same model on schedule() alone', () => {
    // Timers of a few shared delays, armed and cancelled at random from callbacks: scheduleFixed must
    // change nothing observable (order, clock, executed and pending counts), on either queue.
    const run = (seed: number, fixed: boolean, kind: EventQueueKind) => {
      const sim = new Simulation({ queue: kind });
      const rng = new RandomStreams(seed).stream('model');
      const out: string[] = [];
      const handles: number[] = [];
      const delays = [0, 1, 2.5, 7];
      const fire = (id: number) => {
        out.push(`${sim.now}:${id}:${sim.pending}`);
        if (out.length > 3000) return;
        const d = delays[rng.int(delays.length)]!;
        handles.push(fixed ? sim.scheduleFixed(d, fire, id * 2) : sim.schedule(d, fire, id * 2));
        handles.push(sim.schedule(rng.next() * 4, fire, id * 2 + 1));
        if (rng.next() < 0.4) sim.cancel(handles[rng.int(handles.length)]!);
        if (rng.next() < 0.05) sim.step();
      };
      sim.schedule(0, fire, 1);
      sim.runUntil(50);
      out.push(`until:${sim.now}:${sim.pending}:${sim.executed}`);
      sim.run();
      out.push(`end:${sim.now}:${sim.executed}`);
      return out;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const ref = run(seed, false, 'binary-heap');
        expect(ref.length).toBeGreaterThan(100);
        expect(run(seed, true, 'binary-heap')).toEqual(ref);
        expect(run(seed, true, 'js-sdsl')).toEqual(ref);
      }),
      { numRuns: 25 },
    );
  });
});

describe('Simulation.cancelOwned', () => {
  it('cancels the pending event of a slot only while its argument is the owner', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const owner = { name: 'owner' };
    const other = { name: 'other' };
    const push = (o: { name: string }) => trace.push(`${sim.now}:${o.name}`);
    const a = sim.slotOf(sim.scheduleFixed(5, push, owner));
    expect(sim.cancelOwned(a, other)).toBe(false);
    expect(sim.cancelOwned(a, owner)).toBe(true);
    expect(sim.cancelOwned(a, owner)).toBe(false);
    // The cancelled entry holds its slot until it leaves the list (at 5); then the slot is reused by
    // another owner's event, and the first owner's stale slot cancels nothing.
    expect(sim.slotOf(sim.schedule(1, push, other))).not.toBe(a);
    sim.runUntil(6);
    const b = sim.slotOf(sim.schedule(2, push, other));
    expect(b).toBe(a);
    expect(sim.cancelOwned(a, owner)).toBe(false);
    sim.run();
    expect(trace).toEqual(['1:other', '8:other']);
    expect(sim.cancelOwned(b, other)).toBe(false); // fired
    expect(sim.cancelOwned(NO_SLOT, owner)).toBe(false);
    expect(sim.slotOf(-1)).toBe(NO_SLOT);
    expect(sim.pending).toBe(0);
  });
});
