import * as Int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';

// hdr-histogram-js ships CommonJS; Node's ESM loader and bundlers disagree on where the default export
// lands, so accept both shapes. Importing only Int32Histogram keeps the web worker bundle small.
type HdrCtor = new (lowest: number, highest: number, digits: number) => HdrHistogram;
interface HdrHistogram {
  autoResize: boolean;
  readonly totalCount: number;
  readonly mean: number;
  maxValue: number;
  minNonZeroValue: number;
  recordValue(v: number): void;
  getValueAtPercentile(p: number): number;
  add(other: HdrHistogram): void;
  reset(): void;
}
const mod = Int32HistogramModule as unknown as { default: HdrCtor | { default: HdrCtor } };
const Int32Histogram: HdrCtor = typeof mod.default === 'function' ? mod.default : mod.default.default;

/** Resolution of recorded latencies: values are kept in microseconds, reported in milliseconds. */
const UNITS_PER_MS = 1000;

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * HDR histogram of durations in ms (1 µs resolution, 3 significant digits, grows as needed).
 * Percentiles are HDR's "highest equivalent value" of the bucket, as fortio and wrk2 report them.
 */
export class LatencyHistogram {
  private readonly h: HdrHistogram;
  constructor() {
    this.h = new Int32Histogram(1, 2, 3);
    this.h.autoResize = true;
  }
  get count(): number {
    return this.h.totalCount;
  }
  record(ms: number): void {
    this.h.recordValue(Math.max(0, Math.round(ms * UNITS_PER_MS)));
  }
  /** Adds every value of `other` into this histogram. */
  merge(other: LatencyHistogram): void {
    this.h.add(other.h);
  }
  percentile(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p) / UNITS_PER_MS;
  }
  summary(): LatencySummary {
    const h = this.h;
    if (h.totalCount === 0)
      return { count: 0, mean: 0, min: 0, p50: 0, p75: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const pct = (p: number) => h.getValueAtPercentile(p) / UNITS_PER_MS;
    return {
      count: h.totalCount,
      mean: round3(h.mean / UNITS_PER_MS),
      min: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / UNITS_PER_MS,
      p50: pct(50),
      p75: pct(75),
      p90: pct(90),
      p99: pct(99),
      p999: pct(99.9),
      max: h.maxValue / UNITS_PER_MS,
    };
  }
  reset(): void {
    this.h.reset();
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
