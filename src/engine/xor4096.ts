/**
 * Richard Brent's xorgens xor4096 generator, exactly as seedrandom 3.0.5 implements it
 * (seedrandom/lib/xor4096.js: the same string-seed mixing, 512 warm-up rounds and output), with its
 * state in one Int32Array instead of a JS array and closures: the same numbers for every seed, in about
 * a third of the memory per stream. A large mesh holds a stream per pod and per (sidecar, cluster),
 * tens of thousands of them (issue #14). test/engine/xor4096.test.ts compares it with seedrandom.
 */
const N = 128;
/** state[0..127] = X, state[128] = w (Weyl), state[129] = i (index). */
const W = 128;
const I = 129;

export class Xor4096 {
  private readonly s = new Int32Array(N + 2);

  /** A string seed is mixed in one character at a time (seedrandom's init for non-integer seeds). */
  constructor(seed: string) {
    const X = this.s;
    const key = `${seed}\0`;
    const limit = Math.max(N, key.length);
    let v = 0;
    let w = 0;
    let t = 0;
    let i = 0;
    for (let j = -32; j < limit; ++j) {
      v ^= key.charCodeAt((j + 32) % key.length);
      if (j === 0) w = v;
      v ^= v << 10;
      v ^= v >>> 15;
      v ^= v << 4;
      v ^= v >>> 13;
      if (j >= 0) {
        w = (w + 0x61c88647) | 0;
        t = X[j & 127]! ^ (v + w);
        X[j & 127] = t;
        i = t === 0 ? i + 1 : 0;
      }
    }
    // All zeroes: make the key nonzero.
    if (i >= N) X[key.length & 127] = -1;
    // 512 rounds to mix the state; the Weyl generator does not advance while warming up.
    i = 127;
    for (let j = 4 * N; j > 0; --j) {
      let a = X[(i + 34) & 127]!;
      i = (i + 1) & 127;
      let b = X[i]!;
      a ^= a << 13;
      b ^= b << 17;
      a ^= a >>> 15;
      b ^= b >>> 12;
      X[i] = a ^ b;
    }
    X[W] = w;
    X[I] = i;
  }

  /** The next signed 32-bit output (seedrandom's `int32()`). */
  int32(): number {
    const X = this.s;
    const w = (X[W]! + 0x61c88647) | 0;
    X[W] = w;
    let i = X[I]!;
    let v = X[(i + 34) & 127]!;
    i = (i + 1) & 127;
    let t = X[i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = v ^ t;
    X[i] = v;
    X[I] = i;
    return (v + (w ^ (w >>> 16))) | 0;
  }

  /** Uniform in [0, 1) with 32 bits (seedrandom's `prng()`). */
  next(): number {
    return (this.int32() >>> 0) / 0x100000000;
  }
}
