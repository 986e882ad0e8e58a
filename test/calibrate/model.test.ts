import { describe, expect, it } from 'vitest';
import { buildModel, calibrate, parseExposition, parseInput, toRates } from '../../src/calibrate/index.js';
import { shareWeights } from '../../src/calibrate/manifests-out.js';

const lbl = (o: Record<string, string>) =>
  Object.entries({ reporter: 'destination', response_flags: '-', ...o })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
const edge = (src: string, svc: string, dst: string, code = '200') => ({
  source_workload: src,
  source_workload_namespace: 'ns',
  destination_workload: dst,
  destination_workload_namespace: 'ns',
  destination_service_name: svc,
  destination_service_namespace: 'ns',
  destination_app: svc,
  destination_version: dst.endsWith('v2') ? 'v2' : 'v1',
  response_code: code,
});

describe('rates from counters', () => {
  it('increase over the span counts resets from 0, and a series created inside the window from 0', () => {
    const text = [
      `istio_requests_total{${lbl({ a: '1' })}} 10 1000`,
      `istio_requests_total{${lbl({ a: '1' })}} 30 6000`,
      `istio_requests_total{${lbl({ a: '1' })}} 5 11000`,
      `istio_requests_total{${lbl({ a: '2' })}} 4 6000`,
      `istio_requests_total{${lbl({ a: '2' })}} 9 11000`,
    ].join('\n');
    const r = toRates([{ file: 'x', parsed: parseExposition('x', text) }], undefined);
    expect(r.windowS).toBe(10);
    // a=1: (30-10) + 5 after the reset = 25 in 10 s; a=2: created at 6 s, so 9 from 0.
    expect(r.series.map((s) => s.ratePerS)).toEqual([2.5, 0.9]);
  });

  it('totals without timestamps need --window (MSIM3184), and use it when given', () => {
    const parsed = parseExposition('t.prom', `istio_requests_total{${lbl({})}} 600\n`);
    expect(toRates([{ file: 't.prom', parsed }], undefined).diagnostics).toMatchObject([
      { code: 'MSIM3184', severity: 'error', file: 't.prom' },
    ]);
    expect(toRates([{ file: 't.prom', parsed }], 60_000).series[0]!.ratePerS).toBe(10);
  });

  it('a series in two files is read once, with a warning naming the first (MSIM3185)', () => {
    const text = `istio_requests_total{${lbl({})}} 600\n`;
    const r = toRates(
      [
        { file: 'a', parsed: parseExposition('a', text) },
        { file: 'b', parsed: parseExposition('b', text) },
      ],
      60_000,
    );
    expect(r.series).toHaveLength(1);
    expect(r.diagnostics).toMatchObject([
      { code: 'MSIM3185', file: 'b', message: 'series given twice (first at a:1:1): the first is used' },
    ]);
  });
});

describe('the calibrated model', () => {
  const text = [
    // 100/s from the load generator lg to web; web calls db 1.5 times per request.
    `istio_requests_total{${lbl(edge('lg', 'web', 'web'))}} 5940`,
    `istio_requests_total{${lbl(edge('lg', 'web', 'web', '503'))}} 60`,
    `istio_requests_total{${lbl({ ...edge('lg', 'web', 'web', '503'), response_flags: 'UO' })}} 100`,
    `istio_requests_total{${lbl(edge('web', 'db', 'db-v1'))}} 6300`,
    `istio_requests_total{${lbl(edge('web', 'db', 'db-v2'))}} 2850`,
    `istio_requests_total{${lbl({ ...edge('web', 'db', 'db-v1'), reporter: 'source' })}} 1`,
  ].join('\n');
  const model = buildModel(
    toRates([{ file: 'm', parsed: parseExposition('m', text) }], 60_000),
    'destination',
  );

  it('load generators are the sources nobody calls; calls per request = edge rate / rate the app answered', () => {
    expect(model.generators).toEqual([
      {
        namespace: 'ns',
        name: 'lg',
        ratePerS: 101 + 2 / 3,
        requests: [{ service: 'ns/web', ratePerS: 101 + 2 / 3 }],
      },
    ]);
    const web = model.workloads.get('ns/web')!;
    expect(web.calls.map((c) => [c.service, +c.probability.toFixed(6)])).toEqual([['ns/db', 1.525]]);
  });

  it('errors are the 5xx share of what the app answered; proxy-answered (UO) requests are not app errors', () => {
    const web = model.workloads.get('ns/web')!;
    expect(web.errors).toEqual([{ status: 503, rate: 60 / 6000 }]);
    expect(web.proxyAnsweredPerS).toBeCloseTo(100 / 60, 9);
  });

  it('a service with two workloads gets a DestinationRule and a VirtualService split by the observed shares', () => {
    const c = calibrate([{ file: 'm.prom', text }], { windowMs: 60_000 });
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(c.manifestsYaml).toContain('kind: VirtualService');
    expect(c.manifestsYaml).toContain('weight: 688525');
    expect(c.manifestsYaml).toContain('weight: 311475');
    expect(c.scenarioYaml).toContain('url: http://db.ns:8080/');
    expect(c.scenarioYaml).toContain('probability: 0.525');
    expect(shareWeights([1, 0, 3])).toEqual([250000, 1, 750000]);
  });

  it('no requests at all is an error (MSIM3186), not an empty scenario', () => {
    const c = calibrate([{ file: 'e.prom', text: '# nothing\n' }], { windowMs: 60_000 });
    expect(c.scenarioYaml).toBeUndefined();
    expect(c.diagnostics).toMatchObject([{ code: 'MSIM3186', severity: 'error' }]);
  });

  it('detects JSON and text by the first character', () => {
    expect(
      parseInput({ file: 'a', text: '  {"status":"success","data":{"resultType":"vector","result":[]}}' })
        .diagnostics,
    ).toEqual([]);
    expect(parseInput({ file: 'b', text: 'x{' }).diagnostics[0]!.code).toBe('MSIM3180');
  });
});

describe('compareModels tolerances', () => {
  const obs = (ok: number, bad: number) =>
    buildModel(
      toRates(
        [
          {
            file: 'c',
            parsed: parseExposition(
              'c',
              `istio_requests_total{${lbl(edge('lg', 'web', 'web'))}} ${ok}\nistio_requests_total{${lbl(edge('lg', 'web', 'web', '500'))}} ${bad}\n`,
            ),
          },
        ],
        60_000,
      ),
      'destination',
    );
  it('passes inside Poisson / binomial noise and fails just outside it', async () => {
    const { compareModels } = await import('../../src/calibrate/index.js');
    const base = obs(5940, 60);
    // Rate: 100/s over 60 s, tolerance 4 * sqrt(2 * 6000) / 60 = 7.30/s: 107/s passes, 108/s fails.
    const rate = (total: number) =>
      compareModels(base, obs(total - 60, 60)).find((c) => c.figure === 'edge rate')!;
    expect(rate(6000).tolerance).toBeCloseTo((4 * Math.sqrt(12000)) / 60, 9);
    expect(rate(6420).ok).toBe(true);
    expect(rate(6480).ok).toBe(false);
    // Error share 1 %: tolerance about 4 * sqrt(0.01 * 0.99 * 2 / 6000) = 0.0073.
    const share = (bad: number) =>
      compareModels(base, obs(6000 - bad, bad)).find((c) => c.figure === 'error share')!;
    expect(share(90).ok).toBe(true);
    expect(share(120).ok).toBe(false);
  });
});

describe('reporter fallback', () => {
  it('with only reporter="source" series the source view is used, with a warning (MSIM3189)', () => {
    const text = `istio_requests_total{${lbl({ ...edge('lg', 'web', 'web'), reporter: 'source' })}} 600\n`;
    const m = buildModel(toRates([{ file: 's', parsed: parseExposition('s', text) }], 60_000), 'destination');
    expect(m.reporter).toBe('source');
    expect(m.diagnostics.map((d) => [d.code, d.severity])).toContainEqual(['MSIM3189', 'warning']);
    expect(m.workloads.get('ns/web')!.inboundPerS).toBe(10);
  });
});
