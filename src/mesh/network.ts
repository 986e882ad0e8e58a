import type { Distribution, Rng } from '../engine/index.js';
import type { NetworkSpec } from '../config/scenario/index.js';
import type { Pod } from './pod.js';

/**
 * One-way latency between pods: same zone, cross zone, cross region, plus any extra delay a chaos event
 * put between two zones.
 */
export class Network {
  private readonly extra = new Map<string, number>();

  constructor(
    private readonly spec: NetworkSpec,
    private readonly rng: Rng,
  ) {}

  /** `rng`: the stream to draw from (PINGs draw from their own). */
  oneWayMs(from: Pod, to: Pod, rng: Rng = this.rng): number {
    const a = from.locality;
    const b = to.locality;
    let d: Distribution;
    if (a.zone === b.zone) d = this.spec.sameZone;
    else if (a.region === b.region) d = this.spec.crossZone;
    else d = this.spec.crossRegion;
    const base = d.sample(rng);
    if (this.extra.size === 0 || a.zone === b.zone) return base;
    return base + (this.extra.get(key(a.zone, b.zone)) ?? 0);
  }

  addDelay(zoneA: string, zoneB: string, extraMs: number): void {
    const k = key(zoneA, zoneB);
    this.extra.set(k, (this.extra.get(k) ?? 0) + extraMs);
  }
}

function key(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
