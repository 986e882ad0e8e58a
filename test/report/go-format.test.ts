import { describe, expect, it } from 'vitest';
import { goDuration, goG } from '../../src/report/go-format.js';

describe("Go's %g as fortio prints with it", () => {
  it('matches the figures of real fortio output', () => {
    // From fortio runs: "count 100 avg 0.04016697 +/- 0.02429 min 0.005016411 max 0.079055158 sum 4.01669697"
    expect(goG(0.04016697, 8)).toBe('0.04016697');
    expect(goG(0.024292, 4)).toBe('0.02429');
    expect(goG(0.005016411)).toBe('0.005016411');
    expect(goG(4.01669697, 9)).toBe('4.01669697');
    // "avg 10990596 +/- 3.493e+06 min 2.883584e+06 max 1.2716293e+07 sum 109905960"
    expect(goG(10990596, 8)).toBe('10990596');
    expect(goG(3493012, 4)).toBe('3.493e+06');
    expect(goG(2883584)).toBe('2.883584e+06');
    expect(goG(12716293)).toBe('1.2716293e+07');
    expect(goG(109905960, 9)).toBe('109905960');
  });
  it('switches to the exponent form below 1e-4 and at the precision; drops trailing zeros', () => {
    expect(goG(0.0001)).toBe('0.0001');
    expect(goG(0.00001234)).toBe('1.234e-05');
    expect(goG(999999)).toBe('999999');
    expect(goG(1000000)).toBe('1e+06');
    expect(goG(0.5, 6)).toBe('0.5');
    expect(goG(100, 6)).toBe('100');
    expect(goG(0)).toBe('0');
    expect(goG(-2.5)).toBe('-2.5');
  });
});

describe("Go's time.Duration.String()", () => {
  it('formats like fortio\'s "Ended after" lines', () => {
    expect(goDuration(100_026.212379)).toBe('1m40.026212379s');
    expect(goDuration(5098.196115)).toBe('5.098196115s');
    expect(goDuration(455.218)).toBe('455.218ms');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(3 * 3_600_000 + 2)).toBe('3h0m0.002s');
    expect(goDuration(0.0015)).toBe('1.5µs');
    expect(goDuration(0)).toBe('0s');
  });
});
