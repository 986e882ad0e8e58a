/** Doubles per entry: time, seq, handle. */
const W = 3;

/**
 * The timers that share one delay, in arming order: a FIFO ring of (time, seq, handle) entries. Each is
 * armed at `now + delay` with the next sequence number, and `now` never goes back, so arming order is
 * also (time, seq) order and the front is always the earliest: the kernel keeps one heap entry for the
 * whole list, keyed by its front (libevent's "common timeouts", for the same reason: thousands of
 * connect and idle timeouts of one length, most cancelled or outliving the run, would otherwise fill the
 * heap). A cancelled entry is not found and removed: the kernel marks its slot, which the entry keeps
 * (so the slot cannot be reused under it), and the entry is dropped when it reaches the front, or when
 * the ring is full: it is then compacted before it may grow, so it holds O(live timers) entries even
 * when each is cancelled long before its time (a 10 s connect timeout cancelled after one round trip).
 */
export class FixedDelayTimers {
  /** Whether the list's heap entry is in the queue (only while the list holds a live entry). */
  queued = false;
  private buf = new Float64Array(W * 16);
  /** Capacity in entries minus one (capacity is a power of two). */
  private mask = 15;
  private head = 0;
  private n = 0;

  constructor(
    readonly delayMs: number,
    /** The kernel slot of the list's heap entry (held for the simulation's life). */
    readonly proxySlot: number,
  ) {}

  get size(): number {
    return this.n;
  }

  /**
   * `keep(handle)`: whether an entry's timer is still armed (asked only when the ring is full; the kernel
   * frees the slot of an entry it says to drop).
   */
  push(timeMs: number, seq: number, handle: number, keep: (handle: number) => boolean): void {
    if (this.n > this.mask) {
      this.compact(keep);
      // Grow unless compaction freed half: each full scan is then paid for by as many pushes.
      if (this.n * 2 > this.mask) this.grow();
    }
    const i = ((this.head + this.n) & this.mask) * W;
    const buf = this.buf;
    buf[i] = timeMs;
    buf[i + 1] = seq;
    buf[i + 2] = handle;
    this.n++;
  }

  /** Only call when `size > 0`. */
  frontTime(): number {
    return this.buf[this.head * W]!;
  }

  frontSeq(): number {
    return this.buf[this.head * W + 1]!;
  }

  frontHandle(): number {
    return this.buf[this.head * W + 2]!;
  }

  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.n--;
  }

  /** Drops the entries that are no longer live, keeping the order of the rest (from index 0). */
  private compact(keep: (handle: number) => boolean): void {
    const buf = this.buf;
    const next = new Float64Array(buf.length);
    let w = 0;
    for (let k = 0; k < this.n; k++) {
      const i = ((this.head + k) & this.mask) * W;
      if (!keep(buf[i + 2]!)) continue;
      next[w] = buf[i]!;
      next[w + 1] = buf[i + 1]!;
      next[w + 2] = buf[i + 2]!;
      w += W;
    }
    this.buf = next;
    this.head = 0;
    this.n = w / W;
  }

  private grow(): void {
    const cap = this.mask + 1;
    const next = new Float64Array(cap * 2 * W);
    const first = cap - this.head; // entries from head to the end of the old buffer
    next.set(this.buf.subarray(this.head * W), 0);
    next.set(this.buf.subarray(0, this.head * W), first * W);
    this.buf = next;
    this.head = 0;
    this.mask = cap * 2 - 1;
  }
}
