/**
 * Envoy's Earliest Deadline First scheduler [E:source/common/upstream/edf_scheduler.h], used for weighted
 * round robin, LEAST_REQUEST with unequal weights or slow start, and locality picks. Each pick takes the
 * entry with the earliest deadline (`deadline = current_time + 1/weight`, ties broken FIFO by insertion
 * order), advances the scheduler's clock to it and re-adds the entry with its current weight (so dynamic
 * weights such as weight/(rq_active+1) apply from the next round). Picks allocate nothing: the picked
 * entry is re-keyed in place and sifted down, which yields the same order as Envoy's pop + push.
 *
 * The heap is three parallel arrays (deadline, order, item) rather than an object per entry: a sidecar's
 * cluster keeps a schedule of every host per host source (all and healthy hosts of each priority), so at
 * 1,000 endpoints per cluster the entries were ~72 bytes each (object, boxed deadline, heap slot) and the
 * bulk of a slow-start mesh's memory (issue #14); they are 24 bytes now, and a sift reads contiguous
 * deadlines instead of one object per level.
 */
export class EdfScheduler<T> {
  private deadlines: Float64Array;
  /** Insertion order (a counter that only grows; a double keeps it exact past 2^31 picks). */
  private orders: Float64Array;
  private items: T[] = [];
  private n = 0;
  private currentTime = 0;
  private orderOffset = 0;

  /** `capacity`: entries before the arrays first grow. */
  constructor(capacity = 4) {
    this.deadlines = new Float64Array(Math.max(1, capacity));
    this.orders = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** Inserts `item` with deadline current_time + 1/weight (weight > 0). */
  add(weight: number, item: T): void {
    if (this.n === this.deadlines.length) this.grow();
    const i = this.n++;
    this.deadlines[i] = this.currentTime + 1 / weight;
    this.orders[i] = this.orderOffset++;
    this.items[i] = item;
    this.siftUp(i);
  }

  /** Picks the earliest deadline and re-adds it with `weightOf(item)` (Envoy's pickAndAdd). */
  pickAndAdd(weightOf: (item: T) => number): T | null {
    if (this.n === 0) return null;
    const item = this.items[0]!;
    this.currentTime = this.deadlines[0]!;
    this.deadlines[0] = this.currentTime + 1 / weightOf(item);
    this.orders[0] = this.orderOffset++;
    this.siftDown(0);
    return item;
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
    const s = new EdfScheduler<T>(items.length);
    if (items.length === 0) return s;
    const p = (picks >>> 0) % 429496729;
    let sum = 0;
    for (const it of items) sum += weightOf(it) + 1e-13;
    let picksSoFar = 0;
    let maxPickTime = 0;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const w = weightOf(it) + 1e-13;
      let floorPicks = Math.floor((w * p) / sum);
      // Envoy guards against floating point disagreeing with the floor (floor(A*B) > A*B).
      if (floorPicks > 0 && floorPicks / w >= p / sum) floorPicks--;
      s.deadlines[i] = (floorPicks + 1) / w;
      s.orders[i] = i;
      s.items.push(it);
      maxPickTime = Math.max(maxPickTime, floorPicks / w);
      picksSoFar += floorPicks;
    }
    s.n = items.length;
    s.currentTime = maxPickTime;
    s.orderOffset = items.length;
    for (let i = (s.n >> 1) - 1; i >= 0; i--) s.siftDown(i);
    for (; picksSoFar < p; picksSoFar++) s.pickAndAdd(weightOf);
    return s;
  }

  private grow(): void {
    const d = new Float64Array(this.deadlines.length * 2);
    d.set(this.deadlines);
    this.deadlines = d;
    const o = new Float64Array(this.orders.length * 2);
    o.set(this.orders);
    this.orders = o;
  }

  private siftUp(i: number): void {
    const dl = this.deadlines;
    const od = this.orders;
    const it = this.items;
    const d = dl[i]!;
    const o = od[i]!;
    const e = it[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(d, o, dl[parent]!, od[parent]!)) break;
      dl[i] = dl[parent]!;
      od[i] = od[parent]!;
      it[i] = it[parent]!;
      i = parent;
    }
    dl[i] = d;
    od[i] = o;
    it[i] = e;
  }

  private siftDown(i: number): void {
    const dl = this.deadlines;
    const od = this.orders;
    const it = this.items;
    const n = this.n;
    const d = dl[i]!;
    const o = od[i]!;
    const e = it[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(dl[child + 1]!, od[child + 1]!, dl[child]!, od[child]!)) child++;
      if (!before(dl[child]!, od[child]!, d, o)) break;
      dl[i] = dl[child]!;
      od[i] = od[child]!;
      it[i] = it[child]!;
      i = child;
    }
    dl[i] = d;
    od[i] = o;
    it[i] = e;
  }
}

/** Entry (d1, o1) before (d2, o2): earlier deadline, then earlier insertion. */
function before(d1: number, o1: number, d2: number, o2: number): boolean {
  return d1 < d2 || (d1 === d2 && o1 < o2);
}
