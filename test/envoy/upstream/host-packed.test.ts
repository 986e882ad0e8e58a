import { describe, expect, it } from 'vitest';
import { HealthFlag, Host } from '../../../src/envoy/index.js';
import { endpoint } from './support.js';

/** Host keeps health flags, priority and joinUpdate in one small integer (issue #14): each is independent. */
describe('Host packed state', () => {
  it('starts healthy, at priority 0, never a member', () => {
    const h = new Host(endpoint('a'));
    expect([h.healthFlags, h.priority, h.joinUpdate, h.healthy]).toEqual([0, 0, -1, true]);
  });

  it('each field is written without touching the other two, at the bounds of its range', () => {
    const h = new Host(endpoint('a'));
    h.joinUpdate = 0;
    h.priority = 2047;
    h.healthFlags |= HealthFlag.FAILED_OUTLIER_CHECK;
    expect([h.healthFlags, h.priority, h.joinUpdate, h.healthy]).toEqual([1, 2047, 0, false]);
    h.priority = 3;
    expect([h.healthFlags, h.priority, h.joinUpdate]).toEqual([1, 3, 0]);
    h.healthFlags &= ~HealthFlag.FAILED_OUTLIER_CHECK;
    expect([h.healthFlags, h.priority, h.joinUpdate, h.healthy]).toEqual([0, 3, 0, true]);
    h.healthFlags = 15;
    expect([h.healthFlags, h.priority, h.joinUpdate]).toEqual([15, 3, 0]);
  });

  it('joinUpdate stays exact past 2^15 updates (arithmetic, not bit operations) and back to -1', () => {
    const h = new Host(endpoint('a'));
    h.priority = 7;
    h.healthFlags = 1;
    for (const u of [1, 32_767, 32_768, 65_535, 2 ** 20, 2 ** 31, -1]) {
      h.joinUpdate = u;
      expect([h.joinUpdate, h.priority, h.healthFlags]).toEqual([u, 7, 1]);
    }
  });

  it('refuses values that would spill into another field', () => {
    const h = new Host(endpoint('a'));
    expect(() => {
      h.priority = 2048;
    }).toThrow(RangeError);
    expect(() => {
      h.healthFlags = 16;
    }).toThrow(RangeError);
    expect([h.priority, h.healthFlags]).toEqual([0, 0]);
  });
});
