import { RandomStreams, type Rng } from '../../../../src/engine/index.js';
import { HealthFlag, Host, type Locality } from '../../../../src/envoy/upstream/host.js';
import {
  groupByLocality,
  type LocalityLbEndpoints,
  PrioritySet,
} from '../../../../src/envoy/upstream/host-set.js';
import type { LbParams } from '../../../../src/envoy/upstream/load-balancers/index.js';
import type { LbContext } from '../../../../src/envoy/upstream/load-balancers/load-balancer.js';

export const EAST_1: Locality = { region: 'us-east', zone: 'us-east-1', subZone: '' };
export const EAST_2: Locality = { region: 'us-east', zone: 'us-east-2', subZone: '' };
export const WEST_1: Locality = { region: 'us-west', zone: 'us-west-1', subZone: '' };

let nextId = 0;

/** A host on a fresh endpoint `10.0.0.<n>:8080`. */
export function host(
  opts: { locality?: Locality; weight?: number; labels?: Record<string, string>; name?: string } = {},
): Host {
  const id = nextId++;
  return new Host({
    id,
    address: `10.0.${id >> 8}.${id & 255}:8080`,
    podName: opts.name ?? `pod-${id}`,
    labels: opts.labels ?? {},
    locality: opts.locality ?? EAST_1,
    weight: opts.weight ?? 1,
    addedAtMs: 0,
  });
}

export function hosts(n: number, opts: Parameters<typeof host>[0] = {}): Host[] {
  return Array.from({ length: n }, () => host(opts));
}

export function eject(h: Host): void {
  h.healthFlags |= HealthFlag.FAILED_OUTLIER_CHECK;
}

export function uneject(h: Host): void {
  h.healthFlags &= ~HealthFlag.FAILED_OUTLIER_CHECK;
}

/** A PrioritySet with the given hosts per priority, one locality group per locality. */
export function prioritySet(...perPriority: Host[][]): PrioritySet {
  const ps = new PrioritySet();
  const groups: LocalityLbEndpoints[] = [];
  perPriority.forEach((hs, p) => {
    groups.push(...groupByLocality(hs, p));
  });
  ps.update(groups);
  return ps;
}

/** An Rng returning scripted uint32 values in order (then repeating the last), like Envoy's MockRandom. */
export class ScriptedRng implements Rng {
  draws = 0;
  constructor(private readonly values: number[]) {}
  uint32(): number {
    const v = this.values[Math.min(this.draws, this.values.length - 1)]!;
    this.draws++;
    return v;
  }
  next(): number {
    return this.uint32() / 2 ** 32;
  }
  int(n: number): number {
    return this.uint32() % n;
  }
}

export function seeded(name: string, seed = 1): Rng {
  return new RandomStreams(seed).stream(name);
}

export interface Harness extends LbParams {
  panics: number;
  clock: { now: number };
}

export function params(ps: PrioritySet, rng: Rng, over: Partial<LbParams> = {}): Harness {
  const h: Harness = {
    prioritySet: ps,
    rng,
    panicThresholdPercent: 50,
    localityWeighted: false,
    clock: { now: 0 },
    panics: 0,
    onPanic: () => {
      h.panics++;
    },
    ...over,
  } as Harness;
  return h;
}

/** An LbContext: a hash key and/or a previous_hosts predicate over `tried`. */
export function context(opts: { hashKey?: number; tried?: Host[]; maxAttempts?: number } = {}): LbContext {
  const tried = opts.tried ?? [];
  return {
    hashKey: opts.hashKey,
    hostSelectionRetryMaxAttempts: opts.maxAttempts ?? (opts.tried ? 5 : 0),
    shouldSelectAnotherHost: (h) => tried.includes(h),
  };
}

/** Counts picks per host over `n` calls. */
export function countPicks(pick: () => Host | null, n: number): Map<Host | null, number> {
  const m = new Map<Host | null, number>();
  for (let i = 0; i < n; i++) {
    const h = pick();
    m.set(h, (m.get(h) ?? 0) + 1);
  }
  return m;
}

/**
 * Binomial tolerance: successes of n trials with probability p lie within z·sqrt(n·p·(1−p)) of n·p;
 * z = 4.5 keeps a false failure below 1e-5 per check.
 */
export function binomialBand(n: number, p: number, z = 4.5): { low: number; high: number } {
  const sd = Math.sqrt(n * p * (1 - p));
  return { low: n * p - z * sd, high: n * p + z * sd };
}

/**
 * Upper critical value of chi-square with `df` degrees of freedom at tail probability ≈ 1e-5, via
 * Wilson–Hilferty: df·(1 − 2/(9df) + z·sqrt(2/(9df)))³ with z = 4.265 (the 1 − 1e-5 normal quantile).
 */
export function chiSquareCritical(df: number, z = 4.265): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

export function chiSquare(counts: readonly number[], expected: readonly number[]): number {
  let x = 0;
  counts.forEach((c, i) => {
    x += (c - expected[i]!) ** 2 / expected[i]!;
  });
  return x;
}
