import { describe, expect, it } from 'vitest';
import { ejectionBars } from '../../web/src/charts/ejection-timeline.js';
import { yDomain } from '../../web/src/charts/scales.js';
import { csvCell } from '../../web/src/export/export.js';
import { ejectedBy } from '../../web/src/graph/mesh-graph.js';
import { modelSize, refusal, scheduledRequests } from '../../web/src/model/limits.js';

describe('ejections over simulated time', () => {
  const ej = [
    {
      timeMs: 1000,
      client: 'fe-0',
      cluster: 'c',
      host: '10.0.0.1',
      pod: 'p',
      reason: 'consecutive_5xx',
      ejectionTimeMs: 3000,
      durationMs: 3000,
    },
    {
      timeMs: 2000,
      client: 'fe-1',
      cluster: 'c',
      host: '10.0.0.1',
      pod: 'p',
      reason: 'consecutive_5xx',
      ejectionTimeMs: 3000,
      durationMs: null,
    },
  ];
  it('counts the sidecars that have a pod ejected at t: from the ejection, until un-ejection (exclusive)', () => {
    expect(ejectedBy(ej, 'p', 999, 10_000)).toBe(0);
    expect(ejectedBy(ej, 'p', 1000, 10_000)).toBe(1);
    expect(ejectedBy(ej, 'p', 2000, 10_000)).toBe(2);
    expect(ejectedBy(ej, 'p', 3999, 10_000)).toBe(2);
    expect(ejectedBy(ej, 'p', 4000, 10_000)).toBe(1);
    expect(ejectedBy(ej, 'p', 10_000, 10_000)).toBe(1);
  });
  it('draws one bar per ejection; still-ejected bars run to the end', () => {
    const bars = ejectionBars(ej, 10_000);
    expect(bars.map((b) => [b.row, b.startS, b.endS, b.open])).toEqual([
      ['fe-0 → p', 1, 4, false],
      ['fe-1 → p', 2, 10, true],
    ]);
  });
});

describe('limits, scales, CSV', () => {
  it('integrates rate schedules', () => {
    expect(scheduledRequests({ kind: 'constant', perSecond: 1000 }, 60_000)).toBe(60_000);
    expect(
      scheduledRequests(
        {
          kind: 'steps',
          steps: [
            { atMs: 0, perSecond: 100 },
            { atMs: 30_000, perSecond: 500 },
          ],
        },
        60_000,
      ),
    ).toBe(18_000);
    expect(
      scheduledRequests(
        { kind: 'ramp', fromPerSecond: 0, toPerSecond: 1000, overMs: 60_000, startMs: 0 },
        60_000,
      ),
    ).toBe(30_000);
  });
  it('refuses just above 100,000 pods and accepts at it', () => {
    expect(refusal({ pods: 100_000, simulatedMs: 1000, expectedRequests: 1 })).toBeUndefined();
    expect(refusal({ pods: 100_001, simulatedMs: 1000, expectedRequests: 1 })).toMatch(/100,001 pods/);
    expect(typeof modelSize).toBe('function');
  });
  it('y domain: zero-based and nice for rates, capped at 100 % for a success rate', () => {
    const lines = [
      {
        key: 'a',
        label: 'a',
        points: [
          [0, 90],
          [10, 100],
        ] as [number, number][],
      },
    ];
    expect(yDomain(lines, 'req/s')).toEqual([0, 110]);
    // 90..100 %: 5 % steps, a round bottom a little under the lowest point, never above 100 %.
    expect(yDomain(lines, 'percent')).toEqual([85, 100]);
  });
  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
  });
});
