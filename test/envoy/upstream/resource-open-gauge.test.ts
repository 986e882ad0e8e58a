import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Resource } from '../../../src/envoy/upstream/resource-manager.js';

/*
 * circuit_breakers.default.<x>_open is written only when it changes (issue #14: a keyed store on every
 * inc/dec). It must read exactly as when every inc/dec wrote it: 0 until the first inc/dec, then
 * count >= max after each.
 */
describe('Resource open gauge', () => {
  it('follows count >= max after every inc and dec, and stays 0 before the first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(fc.boolean(), { maxLength: 40 }), (max, ops) => {
        const gauges = { 'circuit_breakers.default.rq_open': 0 } as Record<string, number>;
        const r = new Resource(max, gauges as never, 'circuit_breakers.default.rq_open');
        expect(gauges['circuit_breakers.default.rq_open']).toBe(0);
        let count = 0;
        for (const up of ops) {
          if (up) {
            r.inc();
            count++;
          } else {
            r.dec();
            count--;
          }
          expect(r.count).toBe(count);
          expect(gauges['circuit_breakers.default.rq_open']).toBe(count >= max ? 1 : 0);
        }
      }),
    );
  });

  it('a resource with limit 0 reports open on its first inc, and closed again below 0', () => {
    const gauges = { 'circuit_breakers.default.cx_open': 0 } as Record<string, number>;
    const r = new Resource(0, gauges as never, 'circuit_breakers.default.cx_open');
    r.inc();
    expect(gauges['circuit_breakers.default.cx_open']).toBe(1);
    r.dec();
    expect(gauges['circuit_breakers.default.cx_open']).toBe(1);
    r.dec();
    expect(gauges['circuit_breakers.default.cx_open']).toBe(0);
  });
});
