import { Exponential, type Rng } from '../src/engine/index.js';

/**
 * The yardsticks: the same models as bench/models, written as one tight loop over an inline typed-array
 * binary heap keyed by time (no sequence numbers, no cancellation, no callbacks). The engine's figures
 * are reported as a ratio to these, measured in the same process.
 */
class MinHeap {
  t = new Float64Array(1 << 12);
  v = new Int32Array(1 << 12);
  n = 0;
  push(time: number, value: number): void {
    if (this.n === this.t.length) {
      const t = new Float64Array(this.n * 2);
      t.set(this.t);
      const v = new Int32Array(this.n * 2);
      v.set(this.v);
      this.t = t;
      this.v = v;
    }
    const t = this.t;
    const v = this.v;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p]! <= time) break;
      t[i] = t[p]!;
      v[i] = v[p]!;
      i = p;
    }
    t[i] = time;
    v[i] = value;
  }
  /** Pops the minimum; its time is left in `lastTime`. */
  lastTime = 0;
  pop(): number {
    const t = this.t;
    const v = this.v;
    this.lastTime = t[0]!;
    const top = v[0]!;
    const n = --this.n;
    const lt = t[n]!;
    const lv = v[n]!;
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < n && t[c + 1]! < t[c]!) c++;
      if (lt <= t[c]!) break;
      t[i] = t[c]!;
      v[i] = v[c]!;
      i = c;
    }
    t[i] = lt;
    v[i] = lv;
    return top;
  }
}

const ARRIVAL = 0;
const DEPARTURE = 1;

/** M/M/c, the same draws as bench/models/mgc.ts. Returns the number of events executed. */
export function handwrittenMmc(
  lambda: number,
  meanService: number,
  c: number,
  customers: number,
  arrivals: Rng,
  services: Rng,
): number {
  const inter = new Exponential(1 / lambda);
  const svc = new Exponential(meanService);
  const heap = new MinHeap();
  let queue = new Float64Array(1024);
  let head = 0;
  let tail = 0;
  let busy = 0;
  let arrived = 0;
  let events = 0;
  let waitSum = 0;
  heap.push(inter.sample(arrivals), ARRIVAL);
  while (heap.n > 0) {
    const kind = heap.pop();
    const now = heap.lastTime;
    events++;
    if (kind === ARRIVAL) {
      if (++arrived < customers) heap.push(now + inter.sample(arrivals), ARRIVAL);
      if (busy < c) {
        busy++;
        heap.push(now + svc.sample(services), DEPARTURE);
      } else {
        if (tail - head === queue.length) {
          const q = new Float64Array(queue.length * 2);
          for (let i = head; i < tail; i++) q[i - head] = queue[i & (queue.length - 1)]!;
          tail -= head;
          head = 0;
          queue = q;
        }
        queue[tail++ & (queue.length - 1)] = now;
      }
    } else if (head < tail) {
      waitSum += now - queue[head++ & (queue.length - 1)]!;
      heap.push(now + svc.sample(services), DEPARTURE);
    } else {
      busy--;
    }
  }
  // waitSum is checked so the queue bookkeeping cannot be optimised away.
  return Number.isFinite(waitSum) ? events : -1;
}

/** Classic hold model: `pending` events; each pops and re-inserts itself an exponential time later. */
export function handwrittenHold(pending: number, total: number, rng: Rng): number {
  const d = new Exponential(pending);
  const heap = new MinHeap();
  for (let i = 0; i < pending; i++) heap.push(d.sample(rng), i);
  for (let k = 0; k < total; k++) {
    const id = heap.pop();
    heap.push(heap.lastTime + d.sample(rng), id);
  }
  return total;
}
