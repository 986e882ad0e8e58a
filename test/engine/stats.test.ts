import { describe, expect, it } from 'vitest';
import {
  LatencyHistogram,
  meanWithCi,
  tCritical95,
  TimeSeries,
  TimeWeightedGauge,
} from '../../src/engine/index.js';

describe('LatencyHistogram', () => {
  it('reports percentiles within HDR precision (3 significant digits) in ms', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i); // 1..1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(s.max - 1000) / 1000).toBeLessThan(0.001);
    expect(s.min).toBe(1);
    expect(s.mean).toBeCloseTo(500.5, 0);
  });
  it('merges and keeps sub-millisecond resolution', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(0.25);
    b.record(0.75);
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.summary().min).toBe(0.25);
    expect(a.summary().max).toBe(0.75);
  });
  it('an empty histogram summarises to zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      mean: 0,
      min: 0,
      p50: 0,
      p75: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
  });
});

describe('TimeWeightedGauge', () => {
  it('weights each value by how long it held', () => {
    const g = new TimeWeightedGauge();
    g.set(0, 2); // 2 for 10 ms
    g.set(10, 4); // 4 for 30 ms
    g.add(40, -4); // 0 for 60 ms
    expect(g.mean(100)).toBeCloseTo((2 * 10 + 4 * 30) / 100, 12);
    expect(g.max).toBe(4);
    g.restart(100);
    g.set(150, 1);
    expect(g.mean(200)).toBeCloseTo(0.5, 12);
  });
});

describe('TimeSeries', () => {
  it('sums per interval and pads to a horizon', () => {
    const ts = new TimeSeries(1000);
    ts.add(0);
    ts.add(999.9);
    ts.add(1000, 5);
    ts.add(3500);
    expect(ts.values()).toEqual([2, 5, 0, 1]);
    expect(ts.values(6000)).toEqual([2, 5, 0, 1, 0, 0]);
  });
});

describe('confidence intervals', () => {
  it('t critical values', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(30)).toBe(2.042);
    expect(tCritical95(60)).toBeCloseTo(2.0003, 2);
    expect(tCritical95(1e6)).toBeCloseTo(1.96, 3);
  });
  it('mean and half-width', () => {
    const e = meanWithCi([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.halfWidth).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
  });
});
