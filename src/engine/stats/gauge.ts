/**
 * A gauge whose value holds between changes (queue depth, active requests), integrated over simulated
 * time so its mean is time-weighted: the L in Little's law.
 */
export class TimeWeightedGauge {
  value = 0;
  max = 0;
  private accumulated = 0;
  private lastMs: number;
  private startMs: number;

  constructor(startMs = 0, initial = 0) {
    this.startMs = startMs;
    this.lastMs = startMs;
    this.value = initial;
    this.max = initial;
  }

  set(nowMs: number, value: number): void {
    this.accumulated += this.value * (nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.value = value;
    if (value > this.max) this.max = value;
  }

  add(nowMs: number, delta: number): void {
    this.set(nowMs, this.value + delta);
  }

  /** Time-weighted mean over [start, nowMs]. */
  mean(nowMs: number): number {
    const span = nowMs - this.startMs;
    if (span <= 0) return this.value;
    return (this.accumulated + this.value * (nowMs - this.lastMs)) / span;
  }

  /** The integral of the value over [start, nowMs] (value x ms). */
  area(nowMs: number): number {
    return this.accumulated + this.value * (nowMs - this.lastMs);
  }

  /** Restarts integration at `nowMs` keeping the current value (end of a warm-up period). */
  restart(nowMs: number): void {
    this.startMs = nowMs;
    this.lastMs = nowMs;
    this.accumulated = 0;
    this.max = this.value;
  }
}
