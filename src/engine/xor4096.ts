/**
 * Richard Brent's xorgens xor4096 generator, exactly as seedrandom 3.0.5 implements it
 * (seedrandom/lib/xor4096.js: the same string-seed mixing, 512 warm-up rounds and output), with its
 * state in a shared Int32Array slab instead of a JS array and closures: the same numbers for every seed,
 * in a fraction of the memory per stream. A large mesh holds a stream per pod and per (sidecar, cluster),
 * tens of thousands of them, and most draws come from a stream nobody touched for a while (issue #14):
 * a draw reads the generator (its slab offset and index), then two or three lines of the slab that do
 * not depend on each other, instead of walking generator -> typed array -> backing store -> index ->
 * state one cache miss after another, and no ArrayBuffer per stream is left for the GC to track.
 * test/engine/xor4096.test.ts compares it with seedrandom.
 */
import type { Rng } from './random.js';

const N = 128;
/** A stream's block in the slab: X at [0, 128), the Weyl word w at 128 (the index lives on the generator). */
const W = 128;
const STRIDE = 130;

/** Where the streams of one RandomStreams keep their state: one Int32Array, doubled when full. */
export class Xor4096Slab {
  data: Int32Array;
  private used = 0;

  constructor(streams = 64) {
    this.data = new Int32Array(Math.max(1, streams) * STRIDE);
  }

  /** A fresh zeroed block; its offset stays valid when the slab grows (the data is copied). */
  alloc(): number {
    const off = this.used;
    if (off + STRIDE > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, off + STRIDE));
      grown.set(this.data);
      this.data = grown;
    }
    this.used = off + STRIDE;
    return off;
  }
}

export class Xor4096 implements Rng {
  private readonly off: number;
  /** seedrandom's `i`: the index of the last word written (0..127, a small integer on the object). */
  private i: number;

  /**
   * A string seed is mixed in one character at a time (seedrandom's init for non-integer seeds). Without
   * a slab the generator has one of its own.
   */
  constructor(
    seed: string,
    private readonly slab: Xor4096Slab = new Xor4096Slab(1),
  ) {
    const o = slab.alloc();
    this.off = o;
    const S = slab.data;
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
        t = S[o + (j & 127)]! ^ (v + w);
        S[o + (j & 127)] = t;
        i = t === 0 ? i + 1 : 0;
      }
    }
    // All zeroes: make the key nonzero.
    if (i >= N) S[o + (key.length & 127)] = -1;
    // 512 rounds to mix the state; the Weyl generator does not advance while warming up.
    i = 127;
    for (let j = 4 * N; j > 0; --j) {
      let a = S[o + ((i + 34) & 127)]!;
      i = (i + 1) & 127;
      let b = S[o + i]!;
      a ^= a << 13;
      b ^= b << 17;
      a ^= a >>> 15;
      b ^= b >>> 12;
      S[o + i] = a ^ b;
    }
    S[o + W] = w;
    this.i = i;
  }

  /** The next signed 32-bit output (seedrandom's `int32()`). */
  int32(): number {
    const S = this.slab.data;
    const o = this.off;
    const w = (S[o + W]! + 0x61c88647) | 0;
    S[o + W] = w;
    let i = this.i;
    let v = S[o + ((i + 34) & 127)]!;
    i = (i + 1) & 127;
    let t = S[o + i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = v ^ t;
    S[o + i] = v;
    this.i = i;
    return (v + (w ^ (w >>> 16))) | 0;
  }

  /** Uniform in [0, 1) with 32 bits (seedrandom's `prng()`). */
  next(): number {
    return (this.int32() >>> 0) / 0x100000000;
  }

  /** Like Envoy's `random()`, for `% n` picks. */
  uint32(): number {
    return this.int32() >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
