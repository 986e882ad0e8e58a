import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { compare, formatParseError, parseAssertion, parseMetric } from '../../src/run/index.js';
import { checkGateTargets } from '../../src/run/study/gate-check.js';

describe('gate assertions', () => {
  it('parses the three forms of the issue, with units', () => {
    expect(parseAssertion('success_rate(frontend) >= 0.999')).toEqual({
      ok: true,
      value: {
        source: 'success_rate(frontend) >= 0.999',
        metric: { fn: 'success_rate', args: ['frontend'] },
        op: '>=',
        threshold: 0.999,
      },
    });
    const p99 = parseAssertion('p99(product-service) < 250ms');
    expect(p99.ok && p99.value.threshold).toBe(250);
    const s = parseAssertion('p99(product-service)<0.25s');
    expect(s.ok && s.value.threshold).toBe(250);
    const pct = parseAssertion('error_rate(frontend) <= 0.5%');
    expect(pct.ok && pct.value.threshold).toBe(0.005);
    const c = parseAssertion('count(UO) == 0');
    expect(c.ok && c.value).toMatchObject({ metric: { fn: 'count', args: ['UO'] }, op: '==', threshold: 0 });
    const two = parseAssertion("stat(upstream_rq_pending_overflow, 'backend.production') != 1e3");
    expect(two.ok && two.value).toMatchObject({
      metric: { fn: 'stat', args: ['upstream_rq_pending_overflow', 'backend.production'] },
      threshold: 1000,
    });
    expect(parseAssertion('ejections() == 0').ok).toBe(true);
  });

  it.each([
    ['p99(frontend) <> 3', 16, 'expected a number'],
    ['p99(frontend) = 3', 15, 'use "=="'],
    ['p99(frontend) 3', 15, 'expected a comparison operator'],
    ['p98(frontend) < 3', 1, 'unknown metric "p98"; did you mean "p90"?'],
    ['p99 frontend < 3', 5, 'expected "(" after p99'],
    ['p99(frontend < 3', 14, 'expected "," or ")"'],
    ['p99(frontend', 13, 'missing ")"'],
    ['p99() < 3', 1, 'p99 takes 1 argument, got 0'],
    ['success_rate(frontend) > 99ms', 28, 'not a latency'],
    ['count(UO) < 5%', 14, 'not a ratio'],
    ['p99(frontend) < 3min', 18, 'latency unit must be ms or s'],
    ['p99(frontend) < 3 parsecs', 19, 'latency unit must be ms or s'],
    ['count(UO) < 3 and more', 15, 'unexpected text after the threshold'],
    ['', 1, 'expected a metric'],
  ])('%j fails at column %i: %s', (text, column, message) => {
    const r = parseAssertion(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.column).toBe(column);
    expect(r.error.message).toContain(message);
  });

  it('formats errors with a caret under the column', () => {
    const r = parseAssertion('p99(frontend) 3');
    if (r.ok) throw new Error('expected an error');
    expect(formatParseError('p99(frontend) 3', r.error)).toBe(
      'assertion "p99(frontend) 3": column 15: expected a comparison operator (>=, <=, >, <, ==, !=)\n  p99(frontend) 3\n                ^',
    );
  });

  it('compares at, just below and just above a threshold; NaN never passes', () => {
    expect([compare(0.999, '>=', 0.999), compare(0.9989, '>=', 0.999), compare(0.9991, '>=', 0.999)]).toEqual(
      [true, false, true],
    );
    expect([compare(250, '<', 250), compare(249.9, '<', 250), compare(250, '<=', 250)]).toEqual([
      false,
      true,
      true,
    ]);
    expect([compare(0, '==', 0), compare(1, '==', 0), compare(1, '!=', 0), compare(1, '>', 1)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(compare(Number.NaN, '!=', 0)).toBe(false);
  });

  it('parses bare metrics for sweeps and objectives', () => {
    expect(parseMetric(' amplification( backend ) ')).toEqual({
      ok: true,
      value: { fn: 'amplification', args: ['backend'] },
    });
    expect(parseMetric('p99(a) > 1').ok).toBe(false);
  });
});

describe('gate names checked against the scenario before the run', () => {
  const manifests = (ns: string) => `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: ${ns}}
spec: {ports: [{port: 9080}], selector: {app: reviews}}
`;
  const text = `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: g}
spec:
  duration: 10s
  traffic: [{name: frontend, namespace: a, rate: 1/s, requests: [{url: "http://reviews:9080/"}]}]
`;
  const load = loadScenarioFromTexts({ file: 's.yaml', text }, [
    { file: 'a.yaml', text: manifests('a') },
    { file: 'b.yaml', text: `---\n${manifests('b')}` },
  ]);
  const { scenario, config } = load.loaded!;
  const check = (...asserts: string[]) =>
    checkGateTargets(
      asserts.map((a, i) => {
        const p = parseAssertion(a);
        if (!p.ok) throw new Error(a);
        return { source: { text: a, origin: { flag: `--assert[${i + 1}]` } }, assertion: p.value };
      }),
      scenario,
      config,
    ).map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);

  it('accepts a client, a service by FQDN or name.namespace, and arguments that are not names', () => {
    expect(
      check(
        'success_rate(frontend) >= 0.9',
        'p99(reviews.a.svc.cluster.local) < 1s',
        'p99(reviews.b) < 1s',
        'count(UO, frontend) == 0',
        'count(503) == 0',
        'stat(upstream_rq_pending_overflow) == 0',
        'ejected_healthy() <= 0.01',
        'ejections() == 0',
      ),
    ).toEqual([]);
  });

  it('a short name in two namespaces is ambiguous; a client where a service is needed is not a service', () => {
    expect(check('p99(reviews) < 1s', 'amplification(frontend) < 2', 'timeouts(reviews.a) == 0')).toEqual([
      '--assert[1]:1:5 MSIM2012 gate "p99(reviews) < 1s": "reviews" matches reviews.a.svc.cluster.local and reviews.b.svc.cluster.local; use the FQDN',
      '--assert[2]:1:15 MSIM2012 gate "amplification(frontend) < 2": no service "frontend" in the manifests (known: reviews)',
      '--assert[3]:1:10 MSIM2012 gate "timeouts(reviews.a) == 0": no client "reviews.a" in the scenario (spec.traffic) (known: frontend)',
    ]);
  });

  it('points at the argument, past spaces, with a suggestion one edit away', () => {
    expect(check('count(UH,  frontnd) == 0')).toEqual([
      '--assert[1]:1:12 MSIM2012 gate "count(UH,  frontnd) == 0": no client "frontnd" in the scenario (spec.traffic); did you mean "frontend"? (known: frontend)',
    ]);
  });
});
