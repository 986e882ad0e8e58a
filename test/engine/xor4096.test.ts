import fc from 'fast-check';
import xor4096 from 'seedrandom/lib/xor4096.js';
import { describe, expect, it } from 'vitest';
import { Xor4096, Xor4096Slab } from '../../src/engine/xor4096.js';

/** The typed-array xor4096 must give seedrandom's numbers exactly: every model's output depends on them. */
describe('Xor4096 (seedrandom 3.0.5 xor4096, state in an Int32Array)', () => {
  const same = (seed: string, draws: number) => {
    const ours = new Xor4096(seed);
    const ref = xor4096(seed);
    for (let k = 0; k < draws; k++) {
      // Alternate the two outputs, as streams do (next for draws, int32 for picks).
      if (k % 3 === 2) expect(ours.int32()).toBe(ref.int32());
      else expect(ours.next()).toBe(ref());
    }
  };

  it('the seeds meshsim uses: "<seed>/<name>" over several thousand draws (the state wraps many times)', () => {
    for (const seed of ['1/router/pod-a-0', '42/lb/client-0/outbound|8080||svc.ns.svc.cluster.local', '0/'])
      same(seed, 5000);
  });

  it('edges of the string mixing: empty, one character, exactly 127 and 128 characters, longer than the state', () => {
    for (const seed of ['', 'x', 'a'.repeat(127), 'b'.repeat(128), 'c'.repeat(129), 'é漢\u0000z'.repeat(200)])
      same(seed, 600);
  });

  it('any string seed (property, 200 seeds x 300 draws)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (seed) => {
        same(seed, 300);
      }),
      { numRuns: 200 },
    );
  });

  it('streams sharing one slab, created while others draw and across its growth, keep their own numbers', () => {
    // A slab for 2 streams grows five times for 40; draws interleave by a fixed pattern.
    const slab = new Xor4096Slab(2);
    const ours: Xor4096[] = [];
    const refs: ReturnType<typeof xor4096>[] = [];
    for (let n = 0; n < 40; n++) {
      ours.push(new Xor4096(`7/stream-${n}`, slab));
      refs.push(xor4096(`7/stream-${n}`));
      for (let k = 0; k < 3 * ours.length; k++) {
        const j = (k * 7 + n) % ours.length;
        if (k % 2 === 0) expect(ours[j]!.int32()).toBe(refs[j]!.int32());
        else expect(ours[j]!.next()).toBe(refs[j]!());
      }
    }
    expect(slab.data.length).toBe(64 * 130);
  });

  it('uint32() and int(n) are the unsigned word and floor(next() * n), as Envoy-style picks use them', () => {
    const a = new Xor4096('picks');
    const ref = xor4096('picks');
    for (let k = 0; k < 1000; k++) {
      expect(a.uint32()).toBe(ref.int32() >>> 0);
      expect(a.int(7)).toBe(Math.floor(ref() * 7));
    }
  });

  it('next() is in [0, 1) and int32() is a signed 32-bit integer', () => {
    const g = new Xor4096('range');
    for (let k = 0; k < 10_000; k++) {
      const u = g.next();
      expect(u >= 0 && u < 1).toBe(true);
      const v = g.int32();
      expect(v === (v | 0)).toBe(true);
    }
  });
});
