import type { EventQueue } from './event-queue.js';

/** Each entry is three consecutive doubles: time, sequence number, slot. */
const W = 3;

/**
 * A binary min-heap of (time, seq, slot) entries interleaved in one Float64Array, so comparing an entry
 * and moving it touch one cache line. No object per entry: push and pop allocate nothing once the array
 * has grown; sifting moves a "hole" instead of swapping. See docs/performance.md for the layouts measured.
 */
export class BinaryHeapQueue implements EventQueue {
  private heap: Float64Array;
  private n = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new Float64Array(initialCapacity * W);
  }

  get size(): number {
    return this.n;
  }

  push(timeMs: number, seq: number, slot: number): void {
    if (this.n * W === this.heap.length) this.grow();
    const heap = this.heap;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = parent * W;
      const pt = heap[p]!;
      if (pt < timeMs || (pt === timeMs && heap[p + 1]! < seq)) break;
      const h = i * W;
      heap[h] = pt;
      heap[h + 1] = heap[p + 1]!;
      heap[h + 2] = heap[p + 2]!;
      i = parent;
    }
    const h = i * W;
    heap[h] = timeMs;
    heap[h + 1] = seq;
    heap[h + 2] = slot;
  }

  peekTime(): number {
    return this.n > 0 ? this.heap[0]! : Number.POSITIVE_INFINITY;
  }

  peekSlot(): number {
    return this.heap[2]!;
  }

  peekSeq(): number {
    return this.heap[1]!;
  }

  pop(): number {
    const heap = this.heap;
    const top = heap[2]!;
    const last = --this.n;
    if (last > 0) {
      const l = last * W;
      this.siftDown(0, heap[l]!, heap[l + 1]!, heap[l + 2]!, last);
    }
    return top;
  }

  retain(isLive: (slot: number) => boolean): void {
    const heap = this.heap;
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const rr = r * W;
      if (!isLive(heap[rr + 2]!)) continue;
      const ww = w * W;
      heap[ww] = heap[rr]!;
      heap[ww + 1] = heap[rr + 1]!;
      heap[ww + 2] = heap[rr + 2]!;
      w++;
    }
    this.n = w;
    // Floyd's bottom-up heapify: O(n).
    for (let i = (w >> 1) - 1; i >= 0; i--) {
      const h = i * W;
      this.siftDown(i, heap[h]!, heap[h + 1]!, heap[h + 2]!, w);
    }
  }

  clear(): void {
    this.n = 0;
  }

  /** Places (t, s, slot) at hole `i` and sifts it down within [0, n). */
  private siftDown(i: number, t: number, s: number, slot: number, n: number): void {
    const heap = this.heap;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let cc = c * W;
      let ct = heap[cc]!;
      if (c + 1 < n) {
        const rr = cc + W;
        const rt = heap[rr]!;
        if (rt < ct || (rt === ct && heap[rr + 1]! < heap[cc + 1]!)) {
          c++;
          cc = rr;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < heap[cc + 1]!)) break;
      const h = i * W;
      heap[h] = ct;
      heap[h + 1] = heap[cc + 1]!;
      heap[h + 2] = heap[cc + 2]!;
      i = c;
    }
    const h = i * W;
    heap[h] = t;
    heap[h + 1] = s;
    heap[h + 2] = slot;
  }

  private grow(): void {
    const heap = new Float64Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
