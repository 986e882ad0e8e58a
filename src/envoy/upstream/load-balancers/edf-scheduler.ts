/** One schedule entry: `deadline = current_time + 1/weight`, ties broken FIFO by `order`. */
interface EdfEntry<T> {
  deadline: number;
  order: number;
  readonly item: T;
}

/**
 * Envoy's Earliest Deadline First scheduler [E:source/common/upstream/edf_scheduler.h], used for weighted
 * round robin, LEAST_REQUEST with unequal weights and locality picks. Each pick takes the entry with the
 * earliest deadline, advances the scheduler's clock to it and re-adds the entry with its current weight
 * (so dynamic weights such as weight/(rq_active+1) apply from the next round). Picks allocate nothing: the
 * picked entry is re-keyed in place and sifted down, which yields the same order as Envoy's pop + push.
 */
export class EdfScheduler<T> {
  private readonly heap: EdfEntry<T>[] = [];
  private currentTime = 0;
  private orderOffset = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Inserts `item` with deadline current_time + 1/weight (weight > 0). */
  add(weight: number, item: T): void {
    this.heap.push({ deadline: this.currentTime + 1 / weight, order: this.orderOffset++, item });
    this.siftUp(this.heap.length - 1);
  }

  /** Picks the earliest deadline and re-adds it with `weightOf(item)` (Envoy's pickAndAdd). */
  pickAndAdd(weightOf: (item: T) => number): T | null {
    const top = this.heap[0];
    if (top === undefined) return null;
    this.currentTime = top.deadline;
    top.deadline = this.currentTime + 1 / weightOf(top.item);
    top.order = this.orderOffset++;
    this.siftDown(0);
    return top.item;
  }

  /**
   * A scheduler in the state of `picks` pickAndAdd calls with fixed weights, built in O(n) (Envoy's
   * `createWithPicks`): each entry first gets floor(picks × w_i / W) emulated picks (weights nudged by
   * 1e-13 as Envoy does so that multiples do not tie), then the remaining picks run one by one. Load
   * balancers seed it with a per-instance random so that proxies do not start in lock-step (Envoy round_robin_lb.h).
   */
  static createWithPicks<T>(
    items: readonly T[],
    weightOf: (item: T) => number,
    picks: number,
  ): EdfScheduler<T> {
    const s = new EdfScheduler<T>();
    if (items.length === 0) return s;
    const p = (picks >>> 0) % 429496729;
    let sum = 0;
    for (const it of items) sum += weightOf(it) + 1e-13;
    let picksSoFar = 0;
    let maxPickTime = 0;
    items.forEach((it, i) => {
      const w = weightOf(it) + 1e-13;
      let floorPicks = Math.floor((w * p) / sum);
      // Envoy guards against floating point disagreeing with the floor (floor(A*B) > A*B).
      if (floorPicks > 0 && floorPicks / w >= p / sum) floorPicks--;
      s.heap.push({ deadline: (floorPicks + 1) / w, order: i, item: it });
      maxPickTime = Math.max(maxPickTime, floorPicks / w);
      picksSoFar += floorPicks;
    });
    s.currentTime = maxPickTime;
    s.orderOffset = items.length;
    for (let i = (s.heap.length >> 1) - 1; i >= 0; i--) s.siftDown(i);
    for (; picksSoFar < p; picksSoFar++) s.pickAndAdd(weightOf);
    return s;
  }

  private before(a: EdfEntry<T>, b: EdfEntry<T>): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.order < b.order);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const e = h[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(h[child + 1]!, h[child]!)) child++;
      if (!this.before(h[child]!, e)) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = e;
  }
}
