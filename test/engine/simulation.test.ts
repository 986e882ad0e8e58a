import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinaryHeapQueue,
  type EventQueueKind,
  NO_TIMER,
  RandomStreams,
  SdslQueue,
  Simulation,
} from '../../src/engine/index.js';

const log = (trace: string[]) => (label: string) => trace.push(label);

describe('Simulation ordering', () => {
  it('runs events by time, then in scheduling order at the same instant', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const push = (label: string) => trace.push(`${sim.now}:${label}`);
    sim.schedule(5, push, 'b');
    sim.schedule(1, push, 'a');
    sim.schedule(5, push, 'c');
    sim.schedule(5, push, 'd');
    sim.run();
    expect(trace).toEqual(['1:a', '5:b', '5:c', '5:d']);
  });

  it('an event scheduled with delay 0 from a callback runs after what is already queued for that instant', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    sim.schedule(
      1,
      () => {
        trace.push('first');
        sim.schedule(0, log(trace), 'zero-delay');
      },
      undefined,
    );
    sim.schedule(1, log(trace), 'second');
    sim.run();
    expect(trace).toEqual(['first', 'second', 'zero-delay']);
  });

  it('scheduleAt rejects the past and accepts now', () => {
    const sim = new Simulation();
    sim.runUntil(10);
    expect(() => sim.scheduleAt(9.999, () => {}, undefined)).toThrow(RangeError);
    const trace: string[] = [];
    sim.scheduleAt(10, log(trace), 'now');
    sim.run();
    expect(trace).toEqual(['now']);
  });
});

describe('Simulation.cancel', () => {
  it('cancels once, never fires, and a stale handle cannot cancel the slot new occupant', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    const h = sim.schedule(3, log(trace), 'cancelled');
    expect(sim.pending).toBe(1);
    expect(sim.cancel(h)).toBe(true);
    expect(sim.cancel(h)).toBe(false);
    expect(sim.pending).toBe(0);
    sim.run();
    // The slot is free again; the next event reuses it with a new generation.
    const h2 = sim.schedule(1, log(trace), 'kept');
    expect(sim.cancel(h)).toBe(false);
    sim.run();
    expect(trace).toEqual(['kept']);
    expect(sim.cancel(h2)).toBe(false); // already fired
    expect(sim.cancel(NO_TIMER)).toBe(false);
  });

  it('compacts once more than 4,096 entries and more than a quarter of the queue are cancelled', () => {
    const noop = () => {};
    // A quarter: 20,000 entries, compacted at the 5,001st cancel (5,001 x 4 > 20,000), not the 5,000th.
    const a = new Simulation();
    const ha = Array.from({ length: 20_000 }, (_, i) => a.schedule(1000 + i, noop, null));
    for (let i = 0; i < 5000; i++) a.cancel(ha[i]!);
    expect(a.queued).toBe(20_000);
    expect(a.pending).toBe(15_000);
    a.cancel(ha[5000]!);
    expect(a.queued).toBe(14_999);
    expect(a.pending).toBe(14_999);
    // The floor: 10,000 entries, a quarter is passed early, but 4,096 cancelled entries are tolerated.
    const b = new Simulation();
    const hb = Array.from({ length: 10_000 }, (_, i) => b.schedule(1000 + i, noop, null));
    for (let i = 0; i < 4096; i++) b.cancel(hb[i]!);
    expect(b.queued).toBe(10_000);
    b.cancel(hb[4096]!);
    expect(b.queued).toBe(10_000 - 4097);
    // The survivors still fire in order, and a cancelled handle stays dead after its slot is reused.
    const fired: number[] = [];
    b.schedule(0.5, (x: number) => fired.push(x), -1);
    b.runUntil(1000 + 4099);
    expect(b.cancel(hb[0]!)).toBe(false);
    expect(b.executed).toBe(1 + 3); // the one at 0.5 ms and those at 5,097, 5,098 and 5,099 ms
    expect(fired).toEqual([-1]);
  });

  it('compacts when most entries are cancelled and keeps the survivors in order', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const handles: number[] = [];
    for (let i = 0; i < 20_000; i++)
      handles.push(sim.schedule(1 + (i % 97), (x: number) => fired.push(x), i));
    for (let i = 0; i < 20_000; i++) if (i % 10 !== 0) sim.cancel(handles[i]!);
    expect(sim.pending).toBe(2000);
    sim.run();
    const expected = Array.from({ length: 2000 }, (_, k) => k * 10).sort(
      (a, b) => (a % 97) - (b % 97) || a - b,
    );
    expect(fired).toEqual(expected);
  });
});

describe('Simulation limits', () => {
  it('runUntil runs events at exactly the horizon and leaves the clock there', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    sim.schedule(10, log(trace), 'at-10');
    sim.schedule(10.001, log(trace), 'after');
    const out = sim.runUntil(10);
    expect(trace).toEqual(['at-10']);
    expect(out).toMatchObject({ reason: 'until', events: 1, nowMs: 10 });
    expect(sim.peek()).toBe(10.001);
  });

  it('step executes one event at a time', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    sim.schedule(2, log(trace), 'x');
    sim.schedule(1, log(trace), 'y');
    expect(sim.step()).toBe(true);
    expect(trace).toEqual(['y']);
    expect(sim.now).toBe(1);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
  });

  it('stops a model that never goes quiet with a clear message, and can resume', () => {
    const sim = new Simulation({ maxEvents: 1000 });
    const tick = () => sim.schedule(1, tick, undefined);
    sim.schedule(1, tick, undefined);
    const out = sim.run();
    expect(out.reason).toBe('max-events');
    expect(out.events).toBe(1000);
    expect(out.message).toMatch(/stopped after 1000 events at t=1000 ms \(maxEvents=1000\)/);
    expect(sim.pending).toBe(1);
  });

  it('maxTimeMs caps the clock', () => {
    const sim = new Simulation({ maxTimeMs: 50 });
    const tick = () => sim.schedule(20, tick, undefined);
    sim.schedule(0, tick, undefined);
    const out = sim.run();
    expect(out.reason).toBe('max-time');
    expect(out.nowMs).toBe(50);
    expect(out.events).toBe(3); // t = 0, 20, 40
  });

  it('firesByMaxTime: an event due at maxTimeMs fires, one due after it never does', () => {
    const sim = new Simulation({ maxTimeMs: 50 });
    sim.runUntil(20);
    expect([sim.firesByMaxTime(29.999), sim.firesByMaxTime(30), sim.firesByMaxTime(30.001)]).toEqual([
      true,
      true,
      false,
    ]);
    const fired: number[] = [];
    for (const d of [29.999, 30, 30.001]) sim.schedule(d, () => fired.push(d), undefined);
    sim.run();
    expect(fired).toEqual([29.999, 30]);
    expect(new Simulation().firesByMaxTime(1e300)).toBe(true);
  });

  it('stop() returns after the current event', () => {
    const sim = new Simulation();
    const trace: string[] = [];
    sim.schedule(
      1,
      () => {
        trace.push('a');
        sim.stop();
      },
      undefined,
    );
    sim.schedule(2, log(trace), 'b');
    expect(sim.run().reason).toBe('stopped');
    expect(trace).toEqual(['a']);
    expect(sim.run().reason).toBe('empty');
    expect(trace).toEqual(['a', 'b']);
  });
});

describe('event queues', () => {
  const impls = [
    ['binary-heap', () => new BinaryHeapQueue(2)],
    ['js-sdsl', () => new SdslQueue()],
  ] as const;
  for (const [name, make] of impls) {
    it(`${name} pops in (time, seq) order for any push/pop sequence`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }),
          (ops) => {
            const q = make();
            const ref: [number, number, number][] = [];
            let seq = 0;
            for (const op of ops) {
              if (op >= 0) {
                q.push(op, seq, seq);
                ref.push([op, seq, seq]);
                seq++;
              } else if (ref.length > 0) {
                ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
                expect(q.peekTime()).toBe(ref[0]![0]);
                expect(q.pop()).toBe(ref.shift()![2]);
              }
            }
            expect(q.size).toBe(ref.length);
          },
        ),
      );
    });
  }

  it('a random model produces the identical event trace on both queues', () => {
    const trace = (kind: EventQueueKind) => {
      const sim = new Simulation({ queue: kind });
      const rng = new RandomStreams(42).stream('model');
      const out: string[] = [];
      const handles: number[] = [];
      const fire = (id: number) => {
        out.push(`${sim.now.toFixed(6)}:${id}`);
        if (out.length < 5000) {
          handles.push(sim.schedule(Math.floor(rng.next() * 5), fire, id * 2));
          handles.push(sim.schedule(rng.next() * 5, fire, id * 2 + 1));
          if (rng.next() < 0.3) sim.cancel(handles[rng.int(handles.length)]!);
        }
      };
      sim.schedule(0, fire, 1);
      sim.run();
      return out;
    };
    const a = trace('binary-heap');
    expect(a.length).toBeGreaterThan(5000);
    expect(trace('js-sdsl')).toEqual(a);
  });
});
