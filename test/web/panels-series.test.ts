import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { yDomain } from '../../web/src/charts/scales.js';
import { chartData, timeAxis } from '../../web/src/charts/series.js';
import { formatDurationMs, formatTick } from '../../web/src/charts/units.js';
import { legendRows } from '../../web/src/export/panel-image.js';
import { checkModel } from '../../web/src/worker/check.js';
import type { RunOutput } from '../../web/src/worker/protocol.js';
import { simulate } from '../../web/src/worker/simulate.js';
import { findKnobs } from '../../web/src/yaml/knobs.js';

const QUEUE = 'test/web/fixtures/canary-queue.scenario.yaml';

let cached: RunOutput | undefined;
async function queueRun(): Promise<RunOutput> {
  if (cached) return cached;
  const checked = checkModel({ scenario: { file: QUEUE, text: readFileSync(QUEUE, 'utf8') }, manifests: [] });
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  cached = await simulate(checked.loaded!, checked.size!, undefined);
  return cached;
}

const panel = (out: RunOutput, id: string) => chartData(out).find((c) => c.id === id)!;

describe('panel series (the canary whose v2 slows for 10 s)', () => {
  it('the by-code lines add up to the request volume in every interval', async () => {
    const out = await queueRun();
    const volume = panel(out, 'volume');
    const codes = panel(out, 'codes');
    expect(volume.lines.map((l) => l.label)).toEqual(['reviews.shop']);
    expect(codes.lines.map((l) => l.label)).toEqual(['frontend.shop : 200', 'frontend.shop : 503']);
    const v = volume.lines[0]!.points;
    expect(v.length).toBeGreaterThan(30);
    v.forEach(([t, rate], i) => {
      const sum = codes.lines.reduce((n, l) => n + (l.points.find((p) => p[0] === t)?.[1] ?? 0), 0);
      expect(sum, `interval ${i} at ${t} s`).toBe(rate);
    });
  });

  it('counts exactly what the Result counts per hop (reporter=source, requests started after the warm-up)', async () => {
    const out = await queueRun();
    const byCode = new Map<string, number>();
    for (const t of out.timeline.panels.requests) {
      const k = `${t.source} ${t.service} ${t.code}`;
      byCode.set(k, (byCode.get(k) ?? 0) + t.counts.reduce((a, b) => a + b, 0));
    }
    const fromHops = new Map<string, number>();
    for (const h of out.result.hops)
      for (const [code, n] of Object.entries(h.byStatus)) {
        const k = `${h.source} ${h.service} ${code}`;
        fromHops.set(k, (fromHops.get(k) ?? 0) + n);
      }
    expect(byCode).toEqual(fromHops);
    expect(fromHops.get('shop/frontend reviews.shop.svc.cluster.local 503')).toBeGreaterThan(0);
  });

  it('no panel has a point inside the warm-up, and every panel shares the run as its x domain', async () => {
    const out = await queueRun();
    const axis = timeAxis(out);
    expect(axis).toEqual({
      domain: [0, out.result.simulatedMs / 1000],
      warmupS: 5,
      loadEndS: 40,
      // The fixture's chaos event (v2 slows at 20 s for 10 s) and its revert, marked on every panel.
      markers: [
        { s: 20, kind: 'chaos', title: '20 s · chaos → shop/reviews-v2: set latency' },
        { s: 30, kind: 'chaos-revert', title: '30 s · chaos → shop/reviews-v2: revert set latency' },
      ],
    });
    for (const c of chartData(out))
      for (const l of c.lines)
        for (const [t] of l.points) expect(t, `${c.id} ${l.key}`).toBeGreaterThanOrEqual(5);
    // Rates stop with the load (40 s): the drain's ~0.1 s tail is not drawn as a fall to 0 requests/s.
    const last = panel(out, 'volume').lines[0]!.points.at(-1)!;
    expect(last[0]).toBe(39);
    expect(last[1]).toBeGreaterThan(200);
    // The first measured interval starts exactly at the warm-up's end.
    expect(panel(out, 'volume').lines[0]!.points[0]![0]).toBe(5);
    expect(panel(out, 'success').lines[0]!.points[0]![0]).toBe(5);
  });

  it('success stays within 0..100 % and its axis is capped at 100 %', async () => {
    const out = await queueRun();
    const s = panel(out, 'success');
    const ys = s.lines.flatMap((l) => l.points.map((p) => p[1]));
    expect(Math.max(...ys)).toBeLessThanOrEqual(100);
    const [lo, hi] = yDomain(s.lines, 'percent');
    expect(hi).toBe(100);
    expect(lo).toBeLessThanOrEqual(Math.min(...ys));
  });

  it('the v2 app queue builds while v2 is slow (20..30 s) and is empty before', async () => {
    const out = await queueRun();
    const q = panel(out, 'queue');
    const v2 = q.lines.find((l) => l.key === 'shop/reviews-v2')!.points;
    const at = (t: number) => v2.find((p) => p[0] === t)![1];
    expect(at(10)).toBe(0);
    expect(at(20)).toBe(0);
    expect(at(25)).toBeGreaterThan(100);
    expect(Math.max(...v2.map((p) => p[1]))).toBe(
      Math.max(...out.timeline.panels.appQueue['shop/reviews-v2']!),
    );
    // The workloads table's longest queue (one pod) bounds the scraped sum from below.
    const w = out.result.workloads.find((x) => x.workload === 'shop/reviews-v2')!;
    expect(w.maxQueueLength).toBeGreaterThanOrEqual(Math.max(...v2.map((p) => p[1])));
    expect(q.lines.find((l) => l.key === 'shop/reviews-v1')!.points.every((p) => p[1] < 10)).toBe(true);
  });

  it('a run without response flags says so instead of drawing an empty panel silently', async () => {
    const out = await queueRun();
    const f = panel(out, 'flags');
    expect(f.lines).toEqual([]);
    expect(f.empty).toMatch(/no response flags/);
  });
});

describe('units and axes', () => {
  it('durations read in ms below one second and in s from there (never a bare "12k")', () => {
    expect(formatDurationMs(0)).toBe('0');
    expect(formatDurationMs(250)).toBe('250 ms');
    expect(formatDurationMs(999)).toBe('999 ms');
    expect(formatDurationMs(999.5)).toBe('1 s');
    expect(formatDurationMs(1000)).toBe('1 s');
    expect(formatDurationMs(12_000)).toBe('12 s');
    expect(formatDurationMs(1500)).toBe('1.5 s');
    expect(formatTick('percent', 99.5)).toBe('99.5 %');
    expect(formatTick('req/s', 999)).toBe('999/s');
    expect(formatTick('req/s', 1200)).toBe('1.2k/s');
    expect(formatTick('requests', 12)).toBe('12');
  });

  it('a success axis starts a round step under the lowest point: 1 % steps near 100, coarser further down', () => {
    const at = (...ys: number[]) => [
      { key: 'a', label: 'a', points: ys.map((y, i) => [i, y] as [number, number]) },
    ];
    expect(yDomain(at(100), 'percent')).toEqual([99, 100]);
    expect(yDomain(at(97, 100), 'percent')).toEqual([96, 100]);
    expect(yDomain(at(96, 100), 'percent')).toEqual([95, 100]);
    expect(yDomain(at(50, 100), 'percent')).toEqual([40, 100]);
    expect(yDomain(at(0, 100), 'percent')).toEqual([0, 100]);
    expect(yDomain([], 'percent')).toEqual([0, 100]);
    expect(yDomain([], 'ms')).toEqual([0, 1]);
  });

  it('an exported legend wraps into rows that fit the plot width', () => {
    const item = (label: string) => ({ label, color: '#000', style: 'solid' });
    const rows = legendRows([item('P50'), item('P90'), item('x'.repeat(60))], 420);
    expect(rows.map((r) => r.row)).toEqual([0, 0, 1]);
    expect(rows[2]!.x).toBe(0);
    expect(legendRows([], 420)).toEqual([]);
  });
});

describe('knob labels name the resource and the route', () => {
  it("uses the HTTPRoute's name when it has one, its index always", () => {
    const knobs = findKnobs([{ path: QUEUE, text: readFileSync(QUEUE, 'utf8') }]);
    const labels = knobs.map((k) => k.label);
    expect(labels).toContain("VirtualService reviews, route 'canary' (http[0]) weight → v1");
    expect(labels).toContain("VirtualService reviews, route 'canary' (http[0]) retries.attempts");
    expect(labels).toContain('DestinationRule reviews outlierDetection.consecutive5xxErrors');
    const groups = [...new Set(knobs.map((k) => k.group))];
    expect(groups).toEqual([
      'Scenario load',
      'Scenario failures',
      'VirtualService shop/reviews',
      'DestinationRule shop/reviews',
    ]);
  });
});
