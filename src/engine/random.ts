import { Xor4096, Xor4096Slab } from './xor4096.js';

/** A seeded uniform source: `next()` in [0, 1), `uint32()` like Envoy's `random()` for `% n` picks. */
export interface Rng {
  next(): number;
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * Independent named random streams derived from one master seed (seedrandom xor4096, seeded with
 * "<seed>/<name>"). Each entity draws from its own stream (`arrivals/frontend`, `lb/<client>/<cluster>`),
 * so changing one parameter does not reshuffle every other draw: common random numbers make what-if
 * comparisons fair. The same name always yields the same stream object.
 */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();
  /** Every stream's state in one slab (xor4096.ts: a draw from a cold stream misses fewer lines). */
  private readonly slab = new Xor4096Slab();
  constructor(readonly seed: number | string) {}

  stream(name: string): Rng {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new Xor4096(`${this.seed}/${name}`, this.slab);
      this.streams.set(name, s);
    }
    return s;
  }
}
