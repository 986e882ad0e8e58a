import { describe, expect, it } from 'vitest';
import { FORTIO_BUCKET_BOUNDS_MS, FortioBuckets } from '../../src/engine/index.js';

describe('FortioBuckets (fortio stats.go histogramBucketValues, -r 0.001)', () => {
  it('a value on a bound belongs to the bucket it closes: ]prev, bound]', () => {
    const h = new FortioBuckets();
    for (const v of [0.999, 1, 1.001]) h.record(v);
    expect(h.export(0.999, 1.001)).toEqual([
      { fromMs: 0.999, toMs: 1, count: 2 },
      { fromMs: 1, toMs: 1.001, count: 1 },
    ]);
  });
  it('<= 0 is the first bucket; above 100 s the last, which starts at 100 s and ends at the max', () => {
    const h = new FortioBuckets();
    h.record(0);
    h.record(100_000);
    h.record(100_000.5);
    h.record(250_000);
    expect(h.export(0, 250_000)).toEqual([
      { fromMs: 0, toMs: 0, count: 1 },
      { fromMs: 75_000, toMs: 100_000, count: 1 },
      { fromMs: 100_000, toMs: 250_000, count: 2 },
    ]);
  });
  it('empty buckets are skipped but move the next start; the last bucket ends at the exact max', () => {
    const h = new FortioBuckets();
    h.record(2.5);
    h.record(13);
    expect(h.export(2.5, 13)).toEqual([
      { fromMs: 2.5, toMs: 3, count: 1 },
      { fromMs: 12, toMs: 13, count: 1 },
    ]);
    expect(FORTIO_BUCKET_BOUNDS_MS).toHaveLength(56);
  });
  it('merge adds the counts; nothing recorded exports nothing', () => {
    const a = new FortioBuckets();
    const b = new FortioBuckets();
    expect(a.export(0, 0)).toEqual([]);
    a.record(5);
    b.record(5);
    a.merge(b);
    expect(a.export(5, 5)).toEqual([{ fromMs: 5, toMs: 5, count: 2 }]);
  });
});
