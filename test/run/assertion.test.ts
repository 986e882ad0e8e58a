import { describe, expect, it } from 'vitest';
import { compare, formatParseError, parseAssertion, parseMetric } from '../../src/run/index.js';

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
