import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../src/engine/duration.js';

/** Go's time.ParseDuration (golang/go src/time/format.go): what it accepts, meshsim accepts. */
describe('parseDurationMs follows Go time.ParseDuration', () => {
  it.each([
    ['1s', 1000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1.s', 1000],
    ['1h30m', 5_400_000],
    ['1h1m1s1ms1us1ns', 3_661_001.001001],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['100μs', 0.1],
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['+5s', 5000],
    ['0s', 0],
    ['0000000000000000000000001s', 1000],
    ['1.0000000000000000000000001s', 1000],
    ['2562047h', 9_223_369_200_000],
    ['9223372036854775807ns', 9_223_372_036_854.775],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['', 'empty'],
    ['+', 'empty'],
    ['1s ', 'spaces are not allowed'],
    [' 1s', 'spaces are not allowed'],
    ['1h 30m', 'spaces are not allowed'],
    ['60', 'a unit is required'],
    ['1.5', 'a unit is required'],
    ['.s', 'a number is required before the unit'],
    ['s', 'expected a number at "s"'],
    ['1x', 'unknown unit "x"'],
    ['1e3s', 'unknown unit "e"'],
    ['1sec', 'unknown unit "sec"'],
    ['-1s', 'negative durations are not allowed'],
    ['2562048h', 'overflow'],
    ['9223372036854775808ns', 'overflow'],
    ['99999999999999999999ns', 'overflow'],
    [`1${'0'.repeat(400)}s`, 'overflow'],
    ['1.7976931348623157e308s', 'unknown unit'],
  ])('%j is refused: %s', (text, why) => {
    const r = parseDurationMs(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });

  it('is linear on a huge input (no regex backtracking)', () => {
    const t = `${'1'.repeat(200_000)}.${'0'.repeat(1_000_000)}`;
    const r = parseDurationMs(`0.${'0'.repeat(1_000_000)}1s${t}`);
    expect(r.ok).toBe(false);
  });
});
