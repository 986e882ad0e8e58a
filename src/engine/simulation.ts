import { BinaryHeapQueue } from './binary-heap-queue.js';
import type { EventQueue, EventQueueKind } from './event-queue.js';
import { FixedDelayTimers } from './fixed-delay-timers.js';
import { SdslQueue } from './sdsl-queue.js';

/**
 * A scheduled callback. Callbacks take one argument so the caller can pass the entity record
 * instead of allocating a closure per event (ARCHITECTURE rule 9).
 */
export type EventFn<A> = (arg: A) => void;

/**
 * Opaque handle to a scheduled event: `generation * SLOT_SPACE + slot`. A handle whose event has fired or
 * been cancelled is stale; cancelling it is a harmless no-op because the slot's generation has moved on.
 */
export type TimerHandle = number;

/** No event; `cancel(NO_TIMER)` is a no-op. Handy as the initial value of a timer field. */
export const NO_TIMER: TimerHandle = -1;

/**
 * A pending event named by its slot alone: a small integer, so a field holding it is not a boxed double
 * (a handle's generation makes it one once a slot has been reused 32 times). Valid only together with
 * the event's argument (cancelOwned), for an owner that is the argument of at most one pending event.
 */
export type TimerSlot = number;

/** No event: `cancelOwned(NO_SLOT, x)` is a no-op. */
export const NO_SLOT: TimerSlot = -1;

// Slot lifecycle: FREE -> PENDING (scheduled) -> FREE (fired) or CANCELLED -> FREE (entry left the heap);
// FREE -> LISTED (in a fixed-delay list, scheduleFixed) -> FREE (fired) or DROPPED -> FREE (its entry left
// the list): a listed slot stays its entry's until then, so a generation check on the entry is exact. A
// PROXY slot is a fixed-delay list's one heap entry, never freed.
const FREE = 0;
const PENDING = 1;
const CANCELLED = 2;
const LISTED = 3;
const PROXY = 4;
const DROPPED = 5;
/** Bits of a slot's state below its generation. */
const STATE_BITS = 3;
const STATE_MASK = 7;

const SLOT_SPACE = 2 ** 26; // at most 67 million events pending at once
const GEN_SPACE = 2 ** 26; // generations wrap after 67 million reuses of one slot (gen << 3 fits 32 bits)
/** Cancelled entries tolerated in the queue before a compaction is considered. */
const COMPACT_MIN = 4096;
/** Distinct delays given fixed-delay lists; a delay beyond them is scheduled on the heap (same order). */
const MAX_FIXED_LISTS = 256;

export type StopReason = 'empty' | 'until' | 'max-events' | 'max-time' | 'stopped';

export interface RunOutcome {
  reason: StopReason;
  /** Events executed by this call. */
  events: number;
  nowMs: number;
  /** Human-readable explanation, set when the run was cut short by a safety limit. */
  message?: string;
}

export interface SimulationOptions {
  /** Safety net against models that never go quiet: stop after this many events in total. */
  maxEvents?: number;
  /** Safety net: never advance the clock past this simulated time. */
  maxTimeMs?: number;
  queue?: EventQueueKind;
}

/**
 * The discrete-event kernel: a clock in simulated milliseconds and a queue of callbacks ordered by
 * (time, insertion sequence). It knows nothing about meshes. In the spirit of SimPy's `Environment`,
 * with the caller owning the loop (`step`, `runUntil`) as d3-force's `tick` does.
 */
export class Simulation {
  /** Current simulated time in ms. */
  now = 0;
  /** Events executed since construction. */
  executed = 0;

  private readonly queue: EventQueue;
  /**
   * Per slot s, three adjacent elements so that firing an event touches one cache line:
   * rec[3s] = callback, rec[3s+1] = argument (a PROXY's list), rec[3s+2] = generation << 3 | state.
   */
  private rec: unknown[] = [];
  private free: Int32Array = new Int32Array(1024);
  private freeTop = 0;
  private nextSlot = 0;
  private seq = 0;
  private cancelledPending = 0;
  /** The fixed-delay lists by delay (scheduleFixed), their live timers, and their entries in the heap. */
  private readonly fixed = new Map<number, FixedDelayTimers>();
  private listedLive = 0;
  private proxiesQueued = 0;
  /**
   * Where the run is in (time, seq) order, for reserved places (reserve): every seq below
   * `instantFirstSeq` was issued at an earlier instant, `firedSeq` is the seq of the event fired last.
   */
  private instantFirstSeq = 0;
  private firedSeq = -1;
  private stopRequested = false;
  private readonly maxEvents: number;
  private readonly maxTimeMs: number;
  /** For a list's compaction: keeps a live entry, frees the slot of a cancelled one. */
  private readonly keepListed = (handle: number): boolean => this.keepOrRelease(handle);
  private readonly isLive = (slot: number): boolean => {
    const st = this.stateOf(slot);
    return st === PENDING || st === PROXY;
  };

  constructor(options: SimulationOptions = {}) {
    this.queue = options.queue === 'js-sdsl' ? new SdslQueue() : new BinaryHeapQueue();
    this.maxEvents = options.maxEvents ?? 2_000_000_000;
    this.maxTimeMs = options.maxTimeMs ?? Number.POSITIVE_INFINITY;
  }

  /** Events scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.queue.size - this.cancelledPending - this.proxiesQueued + this.listedLive;
  }

  /** Entries the queue and the fixed-delay lists hold: the pending events and the cancelled ones not dropped yet. */
  get queued(): number {
    let n = this.queue.size - this.proxiesQueued;
    for (const list of this.fixed.values()) n += list.size; // fixed-delay entries, cancelled ones included
    return n;
  }

  /**
   * Whether an event `delayMs` from now would be due by maxTimeMs: run and runUntil never fire one that
   * is not (step(), one event at a time, ignores the limit). A timer that could never fire need not be
   * kept: a connection's one-hour idle timeout in a run of seconds (issue #14).
   */
  firesByMaxTime(delayMs: number): boolean {
    return this.now + delayMs <= this.maxTimeMs;
  }

  /** Schedules `fn(arg)` to run `delayMs` from now (0 = later in this same instant, after what is queued). */
  schedule<A>(delayMs: number, fn: EventFn<A>, arg: A): TimerHandle {
    if (!(delayMs >= 0))
      throw new RangeError(`schedule: delay must be a non-negative number, got ${delayMs}`);
    return this.enqueue(this.now + delayMs, fn as EventFn<unknown>, arg);
  }

  /** Schedules `fn(arg)` at absolute simulated time `timeMs` (not in the past). */
  scheduleAt<A>(timeMs: number, fn: EventFn<A>, arg: A): TimerHandle {
    if (!(timeMs >= this.now)) throw new RangeError(`scheduleAt: ${timeMs} is before now (${this.now})`);
    return this.enqueue(timeMs, fn as EventFn<unknown>, arg);
  }

  /**
   * `schedule(delayMs, fn, arg)` for a delay many timers share (a connect or idle timeout, a route
   * timeout): the same event at the same place in (time, seq) order, kept in a FIFO list of that delay
   * (fixed-delay-timers.ts) behind one heap entry instead of an entry of its own. Cancelling is O(1);
   * the entry leaves the list at its front or when the list compacts. For timers that are mostly cancelled or outlive the run, so that the
   * heap holds what is about to happen and not one dead or distant entry per connection (issue #14).
   * Beyond MAX_FIXED_LISTS distinct delays it is plain `schedule`, with the same result. One difference:
   * a cancelled timer leaves no heap entry, so the maxEvents safety limit, checked on the heap's head,
   * may stop a run one cancelled entry later than with `schedule`.
   */
  scheduleFixed<A>(delayMs: number, fn: EventFn<A>, arg: A): TimerHandle {
    if (!(delayMs >= 0))
      throw new RangeError(`scheduleFixed: delay must be a non-negative number, got ${delayMs}`);
    let list = this.fixed.get(delayMs);
    if (list === undefined) {
      // Delays drawn per timer (a header's timeout) must not grow the map without end.
      if (this.fixed.size >= MAX_FIXED_LISTS)
        return this.enqueue(this.now + delayMs, fn as EventFn<unknown>, arg);
      const proxy = this.freeTop > 0 ? this.free[--this.freeTop]! : this.newSlot();
      list = new FixedDelayTimers(delayMs, proxy);
      this.rec[3 * proxy + 1] = list;
      this.rec[3 * proxy + 2] = PROXY; // generation 0: no handle ever names it
      this.fixed.set(delayMs, list);
    }
    // The slot is taken as enqueueWithSeq takes it, written out again: a shared helper measured ~3 %
    // slower on the engine bench's hold model (a second generation read on every schedule).
    const slot = this.freeTop > 0 ? this.free[--this.freeTop]! : this.newSlot();
    const rec = this.rec;
    rec[3 * slot] = fn;
    rec[3 * slot + 1] = arg;
    const gen = (rec[3 * slot + 2] as number) >>> STATE_BITS;
    rec[3 * slot + 2] = (gen << STATE_BITS) | LISTED;
    const handle = gen * SLOT_SPACE + slot;
    list.push(this.now + delayMs, this.seq++, handle, this.keepListed);
    this.listedLive++;
    if (!list.queued) this.queueProxy(list);
    return handle;
  }

  /**
   * Reserves the place in event order that `schedule(0, ...)` would take now, for an event that only
   * matters if something happens before its turn (a callback that would find nothing to do otherwise).
   * Nothing is queued; `scheduleReserved` queues the event at exactly that place if it turns out to be
   * needed, so the run is the same as if it had been scheduled now, minus the events that did nothing.
   * Returns a token below NO_TIMER (cancelling it is a no-op).
   */
  reserve(): number {
    return -2 - this.seq++;
  }

  /** Whether a reserved place is still ahead of the run (its event, had it been queued, has not run). */
  isReservedAhead(token: number): boolean {
    const seq = -2 - token;
    return seq >= 0 && seq >= this.instantFirstSeq && seq > this.firedSeq;
  }

  /** Queues `fn(arg)` at a reserved place that is still ahead (isReservedAhead); returns its handle. */
  scheduleReserved<A>(token: number, fn: EventFn<A>, arg: A): TimerHandle {
    if (!this.isReservedAhead(token))
      throw new RangeError(`scheduleReserved: the reserved place ${token} has already had its turn`);
    return this.enqueueWithSeq(this.now, -2 - token, fn as EventFn<unknown>, arg);
  }

  /**
   * Cancels a pending event in O(1): the slot is emptied and its heap entry is skipped when it surfaces.
   * Returns false for a handle that already fired, was cancelled, or is NO_TIMER.
   */
  cancel(handle: TimerHandle): boolean {
    if (handle < 0) return false;
    const slot = handle % SLOT_SPACE;
    const gen = (handle - slot) / SLOT_SPACE;
    if (slot >= this.nextSlot) return false;
    const st = this.rec[3 * slot + 2];
    if (st === ((gen << STATE_BITS) | LISTED)) {
      // Its list entry is dropped, and the slot freed, when it reaches the front or the list compacts.
      this.rec[3 * slot + 2] = (gen << STATE_BITS) | DROPPED;
      this.rec[3 * slot + 1] = undefined;
      this.listedLive--;
      return true;
    }
    if (st !== ((gen << STATE_BITS) | PENDING)) return false;
    this.rec[3 * slot + 2] = (gen << STATE_BITS) | CANCELLED;
    this.rec[3 * slot + 1] = undefined;
    this.cancelledPending++;
    // Lazy deletion keeps cancel O(1); compact once dead entries are a quarter of the queue, so the
    // heap stays small (timers that are mostly cancelled belong in scheduleFixed's lists). Compaction
    // costs O(queue) per quarter of it dropped: amortized O(1) per cancel.
    if (this.cancelledPending > COMPACT_MIN && this.cancelledPending * 4 > this.queue.size) this.compact();
    return true;
  }

  /** The slot of a handle's event (NO_SLOT for NO_TIMER or a reserved place), for cancelOwned. */
  slotOf(handle: TimerHandle): TimerSlot {
    return handle < 0 ? NO_SLOT : (handle % SLOT_SPACE) | 0; // an int32: a small integer in a field
  }

  /**
   * Cancels the event pending in `slot` if its argument is `arg`. An owner that is the argument of at
   * most one pending event at a time, and always keeps the slot of the latest, names it unambiguously
   * this way: a fired or cancelled event's slot has lost its argument, and one reused by another event
   * has that event's. Returns whether an event was cancelled.
   */
  cancelOwned(slot: TimerSlot, arg: unknown): boolean {
    if (slot < 0 || slot >= this.nextSlot || this.rec[3 * slot + 1] !== arg) return false;
    const gen = (this.rec[3 * slot + 2] as number) >>> STATE_BITS;
    return this.cancel(gen * SLOT_SPACE + slot);
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Time of the next live event, or Infinity. */
  peek(): number {
    this.skipCancelled();
    return this.queue.peekTime();
  }

  /** Executes the next event. Returns false when nothing is pending. */
  step(): boolean {
    this.skipCancelled();
    if (this.queue.size === 0) return false;
    const t = this.queue.peekTime();
    const seq = this.queue.peekSeq();
    const slot = this.queue.pop();
    // After skipCancelled a list's entry at the head is keyed by its live front: it fires.
    if (this.stateOf(slot) === PROXY) this.onProxy(slot, t, seq);
    else this.fire(t, seq, slot);
    return true;
  }

  /** Runs until no events remain (or a safety limit or `stop()` ends it). */
  run(): RunOutcome {
    return this.runUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * Executes every event with time <= `untilMs`, then sets the clock to `untilMs` (when finite).
   * Events scheduled exactly at `untilMs` do run.
   */
  runUntil(untilMs: number): RunOutcome {
    const queue = this.queue;
    const limitMs = Math.min(untilMs, this.maxTimeMs);
    const startEvents = this.executed;
    this.stopRequested = false;
    while (queue.size > 0) {
      const t = queue.peekTime();
      if (t > limitMs) break;
      // Checked on the head even if it was cancelled: a safety limit, and it keeps the entry in the queue.
      if (this.executed >= this.maxEvents) {
        return this.outcome('max-events', startEvents, this.limitMessage('max-events'));
      }
      const seq = queue.peekSeq();
      const slot = queue.pop();
      const st = this.stateOf(slot);
      if (st !== PENDING) {
        if (st === PROXY) {
          if (this.onProxy(slot, t, seq) && this.stopRequested) return this.outcome('stopped', startEvents);
          continue;
        }
        this.release(slot);
        this.cancelledPending--;
        continue;
      }
      this.fire(t, seq, slot);
      if (this.stopRequested) return this.outcome('stopped', startEvents);
    }
    // Every event up to the limit has run: so would any event at a place reserved so far.
    this.instantFirstSeq = this.seq;
    if (untilMs > this.maxTimeMs && this.peek() !== Number.POSITIVE_INFINITY) {
      if (this.maxTimeMs > this.now) this.now = this.maxTimeMs; // step() may have gone past it
      return this.outcome('max-time', startEvents, this.limitMessage('max-time'));
    }
    if (Number.isFinite(untilMs)) {
      if (untilMs > this.now) this.now = untilMs;
      return this.outcome(this.pending === 0 ? 'empty' : 'until', startEvents);
    }
    return this.outcome('empty', startEvents);
  }

  private stateOf(slot: number): number {
    return (this.rec[3 * slot + 2] as number) & STATE_MASK;
  }

  /**
   * Whether a fixed-delay list's entry is still armed; if it was cancelled, its slot (held by the entry
   * until now) is freed and the entry is to be dropped.
   */
  private keepOrRelease(handle: number): boolean {
    const slot = handle % SLOT_SPACE;
    if (this.stateOf(slot) === LISTED) return true;
    this.release(slot);
    return false;
  }

  private dropDead(list: FixedDelayTimers): void {
    while (list.size > 0 && !this.keepOrRelease(list.frontHandle())) list.shift();
  }

  /** Queues the list's heap entry, keyed by its front; the front must be live. */
  private queueProxy(list: FixedDelayTimers): void {
    list.queued = true;
    this.proxiesQueued++;
    this.queue.push(list.frontTime(), list.frontSeq(), list.proxySlot);
  }

  /**
   * A list's heap entry, keyed (t, seq), left the heap. If that is still its front, the front fires (and
   * the entry goes back keyed by the next live one); if the front was cancelled since, the entry goes
   * back keyed by the first live one, later than (t, seq), and nothing fires. Returns whether it fired.
   */
  private onProxy(proxySlot: number, t: number, seq: number): boolean {
    const list = this.rec[3 * proxySlot + 1] as FixedDelayTimers;
    list.queued = false;
    this.proxiesQueued--;
    this.dropDead(list);
    if (list.size === 0) return false;
    if (list.frontTime() !== t || list.frontSeq() !== seq) {
      this.queueProxy(list);
      return false;
    }
    const slot = list.frontHandle() % SLOT_SPACE;
    list.shift();
    this.dropDead(list);
    if (list.size > 0) this.queueProxy(list);
    this.listedLive--;
    this.fire(t, seq, slot);
    return true;
  }

  private fire(t: number, seq: number, slot: number): void {
    const rec = this.rec;
    const fn = rec[3 * slot] as EventFn<unknown>;
    const arg = rec[3 * slot + 1];
    this.release(slot);
    if (t > this.now) this.instantFirstSeq = this.seq;
    this.firedSeq = seq;
    this.now = t;
    this.executed++;
    fn(arg);
  }

  private enqueue(timeMs: number, fn: EventFn<unknown>, arg: unknown): TimerHandle {
    return this.enqueueWithSeq(timeMs, this.seq++, fn, arg);
  }

  private enqueueWithSeq(timeMs: number, seq: number, fn: EventFn<unknown>, arg: unknown): TimerHandle {
    const slot = this.freeTop > 0 ? this.free[--this.freeTop]! : this.newSlot();
    const rec = this.rec;
    rec[3 * slot] = fn;
    rec[3 * slot + 1] = arg;
    const gen = (rec[3 * slot + 2] as number) >>> STATE_BITS;
    rec[3 * slot + 2] = (gen << STATE_BITS) | PENDING;
    this.queue.push(timeMs, seq, slot);
    return gen * SLOT_SPACE + slot;
  }

  private newSlot(): number {
    const slot = this.nextSlot++;
    if (slot >= SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} events pending at once`);
    if (slot === this.free.length) {
      const free = new Int32Array(slot * 2);
      free.set(this.free);
      this.free = free;
    }
    this.rec.push(null, undefined, FREE);
    return slot;
  }

  private release(slot: number): void {
    // The callback reference is left in place (it is a long-lived function); the argument is dropped so
    // a fired event does not keep its entity alive.
    const rec = this.rec;
    rec[3 * slot + 1] = undefined;
    rec[3 * slot + 2] = ((((rec[3 * slot + 2] as number) >>> STATE_BITS) + 1) % GEN_SPACE) << STATE_BITS; // FREE, next generation
    this.free[this.freeTop++] = slot;
  }

  /** Pops cancelled entries off the head so `peekTime` is the next live event. */
  private skipCancelled(): void {
    const queue = this.queue;
    while (queue.size > 0) {
      const slot = queue.peekSlot();
      const st = this.stateOf(slot);
      if (st === CANCELLED) {
        this.release(queue.pop());
        this.cancelledPending--;
      } else if (st === PROXY) {
        const list = this.rec[3 * slot + 1] as FixedDelayTimers;
        this.dropDead(list);
        if (list.size > 0 && list.frontTime() === queue.peekTime() && list.frontSeq() === queue.peekSeq())
          return;
        // Its front was cancelled: re-key the entry by the first live one (or drop it).
        queue.pop();
        list.queued = false;
        this.proxiesQueued--;
        if (list.size > 0) this.queueProxy(list);
      } else return;
    }
  }

  private compact(): void {
    this.queue.retain(this.isLive);
    // The heap no longer refers to cancelled slots: they can be reused now.
    for (let slot = 0; slot < this.nextSlot; slot++) if (this.stateOf(slot) === CANCELLED) this.release(slot);
    this.cancelledPending = 0;
  }

  private outcome(reason: StopReason, startEvents: number, message?: string): RunOutcome {
    const o: RunOutcome = { reason, events: this.executed - startEvents, nowMs: this.now };
    if (message !== undefined) o.message = message;
    return o;
  }

  private limitMessage(reason: 'max-events' | 'max-time'): string {
    return reason === 'max-events'
      ? `simulation stopped after ${this.executed} events at t=${this.now} ms (maxEvents=${this.maxEvents}); ` +
          'the model may have an event source that never ends: give it a duration or raise the limit'
      : `simulation stopped at t=${this.maxTimeMs} ms (maxTimeMs) with ${this.pending} events still pending`;
  }
}
