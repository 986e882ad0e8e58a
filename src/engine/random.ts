import { Xor4096 } from './xor4096.js';

/** A seeded uniform source: `next()` in [0, 1), `uint32()` like Envoy's `random()` for `% n` picks. */
export interface Rng {
  next(): number;
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

class Xor4096Rng implements Rng {
  private readonly g: Xor4096;
  constructor(seed: string) {
    this.g = new Xor4096(seed);
  }
  next(): number {
    return this.g.next();
  }
  uint32(): number {
    return this.g.int32() >>> 0;
  }
  int(n: number): number {
    return Math.floor(this.g.next() * n);
  }
}

/**
 * Independent named random streams derived from one master seed (seedrandom xor4096, seeded with
 * "<seed>/<name>"). Each entity draws from its own stream (`arrivals/frontend`, `lb/<client>/<cluster>`),
 * so changing one parameter does not reshuffle every other draw: common random numbers make what-if
 * comparisons fair. The same name always yields the same stream object.
 */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(readonly seed: number | string) {}

  stream(name: string): Rng {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new Xor4096Rng(`${this.seed}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}
