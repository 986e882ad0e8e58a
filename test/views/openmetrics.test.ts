import { describe, expect, it } from 'vitest';
import type { Recorder } from '../../src/mesh/recorder.js';
import { openMetricsChunks, renderOpenMetrics } from '../../src/report/openmetrics.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { SIM_EPOCH_MS, unixSeconds } from '../../src/report/sim-time.js';
import { runScenario } from '../../src/run/index.js';
import { cli } from '../support/cli.js';
import { IstioHistory } from '../../src/run/istio-history.js';
import { runWithViews } from '../../src/run/views-run.js';
import { loadModel } from '../support/run-model.js';

/**
 * A small OpenMetrics 1.0 text validator (the rules `promtool tsdb create-blocks-from openmetrics` relies
 * on): every line is a `# TYPE`/`# HELP` descriptor, a sample with a timestamp, or `# EOF` (last, once);
 * a family's descriptors come before its samples and a family never reappears; sample names belong to
 * their family (counter: `_total`; histogram: `_bucket`, `_count`, `_sum`); within a series timestamps
 * strictly increase and counters never decrease; a histogram point's buckets are cumulative up to
 * `le="+Inf"`, which equals its `_count`.
 */
function validateOpenMetrics(text: string): { samples: number; series: Map<string, [number, number][]> } {
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines[lines.length - 1]).toBe('# EOF');
  const families = new Map<string, string>();
  let family: { name: string; type: string } | undefined;
  const series = new Map<string, [number, number][]>();
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+]+|\+Inf|NaN) ([0-9]+(\.[0-9]+)?)$/;
  let samples = 0;
  let lastBucket: { key: string; ts: number; v: number } | undefined;
  lines.forEach((line, i) => {
    if (line === '# EOF') {
      expect(i, 'EOF only last').toBe(lines.length - 1);
      return;
    }
    const type =
      /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|info|stateset|unknown)$/.exec(
        line,
      );
    if (type) {
      expect(families.has(type[1]!), `family ${type[1]} appears once`).toBe(false);
      families.set(type[1]!, type[2]!);
      family = { name: type[1]!, type: type[2]! };
      return;
    }
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$/.exec(line);
    if (help) {
      expect(help[1]).toBe(family?.name);
      return;
    }
    const m = SAMPLE.exec(line);
    expect(m, `line ${i + 1} is a sample with a timestamp: ${line.slice(0, 120)}`).not.toBeNull();
    samples++;
    const name = m![1]!;
    const suffix = name.slice(family!.name.length);
    expect(name.startsWith(family!.name), `${name} in family ${family!.name}`).toBe(true);
    const allowed =
      family!.type === 'counter'
        ? ['_total']
        : family!.type === 'histogram'
          ? ['_bucket', '_count', '_sum']
          : [''];
    expect(allowed).toContain(suffix);
    const labels = m![3] ?? '';
    expect(labels).not.toMatch(/(^|,)([a-z_]+)=.*,\2=/); // no label twice
    const value = Number(m![4] === '+Inf' ? Number.POSITIVE_INFINITY : m![4]);
    const ts = Number(m![5]);
    const key = `${name}{${labels}}`;
    let pts = series.get(key);
    if (pts === undefined) series.set(key, (pts = []));
    const prev = pts[pts.length - 1];
    if (prev !== undefined) {
      expect(ts, `${key}: timestamps increase`).toBeGreaterThan(prev[0]);
      if (suffix !== '_sum' || family!.type === 'histogram')
        expect(value, `${key}: counters never decrease`).toBeGreaterThanOrEqual(prev[1]);
    }
    pts.push([ts, value]);
    if (suffix === '_bucket') {
      const base = labels.replace(/,le="[^"]*"$/, '');
      if (lastBucket && lastBucket.key === base && lastBucket.ts === ts)
        expect(value).toBeGreaterThanOrEqual(lastBucket.v);
      lastBucket = { key: base, ts, v: value };
    }
    if (suffix === '_count') {
      expect(lastBucket?.key).toBe(labels);
      expect(lastBucket?.ts).toBe(ts);
      expect(value, 'le="+Inf" = _count').toBe(lastBucket?.v);
    }
  });
  return { samples, series };
}

describe('OpenMetrics with timestamps (-f openmetrics)', () => {
  it('the validator refuses what promtool would', () => {
    const head = '# TYPE m counter\n# HELP m A counter.\n';
    expect(() => validateOpenMetrics(`${head}m_total 1 10\n# EOF\n`)).not.toThrow();
    expect(() => validateOpenMetrics(`${head}m_total 1\n# EOF\n`)).toThrow(/timestamp/);
    expect(() => validateOpenMetrics(`${head}m_total 1 10\n`)).toThrow();
    expect(() => validateOpenMetrics(`${head}m_total 2 10\nm_total 1 11\n# EOF\n`)).toThrow(/never decrease/);
    expect(() => validateOpenMetrics(`${head}m_total 1 10\nm_total 1 10\n# EOF\n`)).toThrow(/increase/);
    expect(() => validateOpenMetrics(`${head}m_total 1 10\n# free comment\n# EOF\n`)).toThrow();
    expect(() => validateOpenMetrics(`${head}m_total 1 10\n${head}# EOF\n`)).toThrow(/appears once/);
  });

  it('is valid OpenMetrics, one point per series interval, ending at the snapshot figures', async () => {
    const loaded = await loadModel('models/canary/canary.scenario.yaml');
    const ran = runWithViews(loaded, { durationMs: 8000 }, { istioHistory: true });
    if (ran.kind !== 'ran') throw new Error('ran');
    const text = renderOpenMetrics(ran.istioHistory!.series());
    const { series } = validateOpenMetrics(text);
    const r = ran.observation.result;
    // Every series of the snapshot has a counter whose last point is the snapshot's count.
    const totals = [...series.entries()].filter(([k]) => k.startsWith('istio_requests_total{'));
    expect(totals.length).toBe(r.istio.length);
    for (const s of r.istio) {
      const l = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      const pts = series.get(`istio_requests_total{${l}}`)!;
      expect(pts[pts.length - 1]![1]).toBe(s.count);
    }
    // Scrapes every second of the load (1s series interval) from the first one that saw the series, and the drain end.
    const frontendToV1 = totals.find(
      ([k]) =>
        k.includes('reporter="source"') &&
        k.includes('destination_version="v1"') &&
        k.includes('response_code="200"'),
    )!;
    const times = frontendToV1[1].map(([t]) => t);
    const start = SIM_EPOCH_MS / 1000;
    expect(times.slice(0, 3)).toEqual([start + 6, start + 7, start + 8]);
    expect(times[times.length - 1]).toBe(Number(unixSeconds(r.window.drainedUntilMs)));
  });

  it('renders one chunk per series of each family (never one string), the CLI writing exactly them', async () => {
    const loaded = await loadModel('models/canary/canary.scenario.yaml');
    const ran = runWithViews(loaded, { durationMs: 8000 }, { istioHistory: true });
    if (ran.kind !== 'ran') throw new Error('ran');
    const series = ran.istioHistory!.series();
    const chunks = [...openMetricsChunks(series)];
    // Two family heads, a chunk per series in each family, # EOF.
    expect(chunks).toHaveLength(2 + 2 * series.length + 1);
    expect(chunks[0]).toBe('# TYPE istio_requests counter\n# HELP istio_requests Total requests.\n');
    expect(chunks[chunks.length - 1]).toBe('# EOF\n');
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    expect(chunks.slice(1, 1 + series.length).every((c) => c.startsWith('istio_requests_total{'))).toBe(true);
    expect(chunks.join('')).toBe(renderOpenMetrics(series));
    const cli8 = await cli('run', 'models/canary/canary.scenario.yaml', '-d', '8s', '-f', 'openmetrics');
    expect(cli8.code).toBe(0);
    expect(cli8.out).toBe(chunks.join(''));
  });

  it('a scrape within the same millisecond replaces the previous point (no two samples at one timestamp)', () => {
    const series = { labels: { reporter: 'source' }, count: 3, sumMs: 30, buckets: [3] };
    const recorder = { istio: new Map([['k', series]]) } as unknown as Recorder;
    const h = new IstioHistory();
    h.scrape(recorder, 8000);
    series.count = 4;
    h.scrape(recorder, 8000.4);
    series.count = 5;
    h.scrape(recorder, 8001);
    expect(h.series()[0]!.points.map((p) => [p.tMs, p.count])).toEqual([
      [8000.4, 4],
      [8001, 5],
    ]);
  });

  it('does not change the run: the Result is byte-identical to runScenario', async () => {
    const loaded = await loadModel('models/canary/canary.scenario.yaml');
    const plain = runScenario(loaded, { durationMs: 6000 });
    const ran = runWithViews(loaded, { durationMs: 6000 }, { istioHistory: true, sidecars: true });
    if (ran.kind !== 'ran') throw new Error('ran');
    expect(JSON.stringify(ran.observation.result)).toBe(JSON.stringify(plain));
  });

  it('the snapshot carries the labels Istio dashboards and Kiali key on', async () => {
    const loaded = await loadModel('models/canary/canary.scenario.yaml');
    const r = runScenario(loaded, { durationMs: 6000 });
    const m = r.istio.find((s) => s.labels.reporter === 'source' && s.labels.destination_version === 'v2')!;
    expect(m.labels).toMatchObject({
      source_workload: 'frontend',
      source_canonical_service: 'frontend',
      source_canonical_revision: 'latest',
      source_principal: 'spiffe://cluster.local/ns/production/sa/default',
      source_cluster: 'Kubernetes',
      destination_workload: 'product-service-v2',
      destination_canonical_service: 'product-service',
      destination_canonical_revision: 'v2',
      destination_principal: 'spiffe://cluster.local/ns/production/sa/default',
      destination_cluster: 'Kubernetes',
      destination_service: 'product-service.production.svc.cluster.local',
      grpc_response_status: '',
      connection_security_policy: 'unknown',
    });
    expect(renderPrometheus(r)).toContain('destination_canonical_service="product-service"');
  });
});
