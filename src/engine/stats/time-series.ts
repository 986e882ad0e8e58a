/**
 * Sums per fixed interval of simulated time (e.g. requests per second). Buckets are created on demand;
 * values before `startMs` are ignored.
 */
export class TimeSeries {
  private sums: Float64Array;
  private n = 0;

  constructor(
    readonly intervalMs: number,
    readonly startMs = 0,
  ) {
    this.sums = new Float64Array(64);
  }

  add(nowMs: number, value = 1): void {
    if (nowMs < this.startMs) return;
    const i = Math.floor((nowMs - this.startMs) / this.intervalMs);
    if (i >= this.sums.length) {
      let cap = this.sums.length * 2;
      while (cap <= i) cap *= 2;
      const next = new Float64Array(cap);
      next.set(this.sums);
      this.sums = next;
    }
    this.sums[i]! += value;
    if (i >= this.n) this.n = i + 1;
  }

  /** Bucket sums from the first interval to the last one touched (or to `untilMs` when given). */
  values(untilMs?: number): number[] {
    const len =
      untilMs === undefined
        ? this.n
        : Math.max(this.n, Math.ceil((untilMs - this.startMs) / this.intervalMs));
    const out = new Array<number>(len);
    for (let i = 0; i < len; i++) out[i] = i < this.sums.length ? this.sums[i]! : 0;
    return out;
  }
}
