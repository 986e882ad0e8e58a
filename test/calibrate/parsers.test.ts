import { describe, expect, it } from 'vitest';
import { parseExposition, parsePrometheusJson, parseSampleLine } from '../../src/calibrate/index.js';

const L = 'reporter="destination",destination_workload="b",response_code="200"';

describe('exposition text', () => {
  it('reads Prometheus text: counters, buckets with le, timestamps in ms, escapes', () => {
    const text = [
      '# HELP istio_requests_total Total requests.',
      '# TYPE istio_requests_total counter',
      `istio_requests_total{${L},path="a\\"b\\\\c\\nd"} 42 1700000000000`,
      `istio_request_duration_milliseconds_bucket{${L},le="5"} 10`,
      `istio_request_duration_milliseconds_bucket{${L},le="+Inf"} 12`,
      'other_metric{x="1"} 3',
      '',
    ].join('\n');
    const p = parseExposition('a.prom', text);
    expect(p.diagnostics).toEqual([]);
    expect(p.series).toHaveLength(3);
    expect(p.series[0]).toMatchObject({
      metric: 'requests',
      kind: 'counter',
      labels: { reporter: 'destination', destination_workload: 'b', response_code: '200', path: 'a"b\\c\nd' },
      points: [{ t: 1700000000, v: 42 }],
      where: 'a.prom:3:1',
    });
    expect(p.series[1]).toMatchObject({ metric: 'bucket', le: 5, points: [{ t: undefined, v: 10 }] });
    expect(p.series[2]!.le).toBe(Number.POSITIVE_INFINITY);
    expect(p.series[1]!.labels).not.toHaveProperty('le');
  });

  it('reads OpenMetrics: timestamps in seconds, exemplars skipped, one series over several lines', () => {
    const text = [
      '# TYPE istio_requests counter',
      `istio_requests_total{${L}} 1 1700000000.5 # {trace_id="x"} 1 1700000000.4`,
      `istio_requests_total{${L}} 4 1700000001.5`,
      '# EOF',
    ].join('\n');
    const p = parseExposition('a.om', text);
    expect(p.diagnostics).toEqual([]);
    expect(p.series).toHaveLength(1);
    expect(p.series[0]!.points).toEqual([
      { t: 1700000000.5, v: 1 },
      { t: 1700000001.5, v: 4 },
    ]);
  });

  it("reads meshsim's window comment as a hint", () => {
    const p = parseExposition(
      'a.prom',
      '# meshsim window: requests started 5000ms..60000ms, drained until 60115.8ms\n',
    );
    expect(p.windowMsHint).toBe(55000);
  });

  it.each([
    ['istio_requests_total{a="1" 3', 'expected , or } after a label', 28],
    ['istio_requests_total{a=1} 3', 'expected a quoted value for label a', 24],
    ['istio_requests_total{a="1} 3', 'unterminated value of label a', 24],
    ['istio_requests_total{a="\\q"} 3', 'invalid escape \\q in label a', 25],
    ['istio_requests_total{a="1"} x', 'expected a number, got "x"', 29],
    ['istio_requests_total 3 1 2', 'unexpected text after the timestamp', 26],
    ['istio_requests_total 3 abc', 'expected a timestamp, got "abc"', 24],
    ['{a="1"} 3', 'expected a metric name', 1],
    ['istio_requests_total{a="1",a="2"} 3', 'label a given twice', 28],
  ])('%s -> %s at column %i', (line, message, col) => {
    expect(parseSampleLine(line)).toEqual({ error: message, col });
    const p = parseExposition('bad.prom', `# ok\n${line}\n`);
    expect(p.diagnostics).toEqual([
      { severity: 'error', code: 'MSIM3180', message, file: 'bad.prom', line: 2, column: col },
    ]);
  });

  it('a bucket without a numeric le is positioned at its labels', () => {
    const p = parseExposition('b.prom', 'istio_request_duration_milliseconds_bucket{le="x"} 1\n');
    expect(p.diagnostics[0]).toMatchObject({ code: 'MSIM3180', line: 1, column: 43 });
  });
});

describe('Prometheus HTTP API JSON', () => {
  it('reads a vector of rate() results (no __name__): requests, and buckets by le', () => {
    const doc = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { destination_workload: 'b', response_code: '200' }, value: [1700000000, '12.5'] },
          { metric: { destination_workload: 'b', le: '25' }, value: [1700000000, '3'] },
          {
            metric: { __name__: 'istio_request_duration_milliseconds_sum', destination_workload: 'b' },
            value: [1700000000, '7'],
          },
          { metric: { __name__: 'up' }, value: [1700000000, '1'] },
        ],
      },
    };
    const p = parsePrometheusJson('q.json', JSON.stringify(doc));
    expect(p.diagnostics).toEqual([]);
    expect(p.series.map((s) => [s.metric, s.kind, s.le, s.points[0]!.v])).toEqual([
      ['requests', 'rate', undefined, 12.5],
      ['bucket', 'rate', 25, 3],
      ['sum', 'counter', undefined, 7],
    ]);
    expect(p.series[0]!.where).toBe('q.json (data.result[0])');
  });

  it('reads a matrix (query_range) and the bare data object', () => {
    const data = {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'istio_requests_total', reporter: 'source' },
          values: [
            [10, '1'],
            [20, '5'],
          ],
        },
      ],
    };
    const p = parsePrometheusJson('r.json', JSON.stringify(data));
    expect(p.series[0]!.points).toEqual([
      { t: 10, v: 1 },
      { t: 20, v: 5 },
    ]);
  });

  it.each([
    [
      { status: 'error', errorType: 'bad_data', error: 'parse error' },
      'MSIM3182',
      'status',
      'the query failed: bad_data parse error',
    ],
    [
      { status: 'success', data: { resultType: 'scalar', result: [1, '1'] } },
      'MSIM3188',
      'data.resultType',
      'a scalar result has no series: ignored',
    ],
    [
      { status: 'success', data: { resultType: 'tensor', result: [] } },
      'MSIM3181',
      'data.resultType',
      'resultType must be vector or matrix, got "tensor"',
    ],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } },
      'MSIM3181',
      'data.result[0].value',
      'expected a sample [unix seconds, "value"]',
    ],
    [
      {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {},
              values: [
                [1, '1'],
                [2, 'x'],
              ],
            },
          ],
        },
      },
      'MSIM3181',
      'data.result[0].values[1][1]',
      'expected a number as a string, got "x"',
    ],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] } },
      'MSIM3181',
      'data.result[0].metric.a',
      'label values are strings',
    ],
    [[1, 2], 'MSIM3181', '$', 'expected a Prometheus API response object {status, data}'],
  ])('%j -> %s at %s', (doc, code, path, message) => {
    const p = parsePrometheusJson('e.json', JSON.stringify(doc));
    expect(p.diagnostics).toEqual([
      {
        severity: code === 'MSIM3188' ? 'warning' : 'error',
        code,
        message,
        file: 'e.json',
        line: 0,
        column: 0,
        path,
      },
    ]);
  });

  it('a JSON syntax error is positioned at its line and column', () => {
    const p = parsePrometheusJson('s.json', '{\n  "status": "success",\n  "data": }\n');
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({ code: 'MSIM3181', line: 3, column: 11 });
  });
});

describe('limits keep memory bounded', () => {
  const limits = { maxFileBytes: 1e9, maxSeries: 2, maxSamples: 3, maxLineChars: 80 };
  it('text: one series too many is MSIM3183 at the line that crossed the limit', () => {
    const text = ['a', 'b', 'c'].map((x) => `istio_requests_total{x="${x}"} 1`).join('\n');
    const p = parseExposition('big.prom', text, limits);
    expect(p.diagnostics).toMatchObject([{ code: 'MSIM3183', severity: 'error', line: 3, column: 1 }]);
    expect(parseExposition('ok.prom', text, { ...limits, maxSeries: 3 }).diagnostics).toEqual([]);
  });
  it('text: a line above the length limit is refused before it is parsed', () => {
    const p = parseExposition('long.prom', `istio_requests_total{x="${'y'.repeat(80)}"} 1`, limits);
    expect(p.diagnostics).toMatchObject([
      { code: 'MSIM3183', line: 1, message: 'line longer than 80 characters' },
    ]);
  });
  it('JSON: too many series or samples is MSIM3183 with the path', () => {
    const result = (n: number) => ({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: Array.from({ length: n }, (_, i) => ({
          metric: { x: String(i) },
          values: [
            [1, '1'],
            [2, '2'],
          ],
        })),
      },
    });
    expect(parsePrometheusJson('s.json', JSON.stringify(result(3)), limits).diagnostics).toMatchObject([
      {
        code: 'MSIM3183',
        path: 'data.result',
        message: '3 series: more than 2; aggregate in PromQL first (sum by the workload labels)',
      },
    ]);
    expect(parsePrometheusJson('p.json', JSON.stringify(result(2)), limits).diagnostics).toMatchObject([
      { code: 'MSIM3183', path: 'data.result[1]', message: 'more than 3 samples: use a coarser step' },
    ]);
  });
});
