import type { Endpoint } from '../host.js';
import type { NormalizedHostWeight } from './thread-aware.js';

/** A built structure with what it was built from: member endpoints and weights in order, and parameters. */
interface Built<T> {
  readonly endpoints: readonly Endpoint[];
  readonly weights: Float64Array;
  readonly params: readonly number[];
  readonly value: T;
}

/** Structures kept per first member: the same endpoints in other subsets, weights or membership versions. */
const PER_KEY = 8;

/**
 * Hash structures (Maglev tables, hash rings) that are a function of their members' endpoints and
 * weights, in order, and a few numbers alone, shared by every sidecar whose cluster has those members.
 * Each Envoy builds its own, but in one process 3,000 sidecars of 1,000 endpoints each built the same
 * few structures 3,000 times: ~1 GiB and ~40 s of CPU with Maglev at 3 x 1,000 pods (issue #14). What
 * a sidecar keeps of its own are its Hosts, in the same order. Keyed by the first member's Endpoint
 * (the control plane's object, shared by every sidecar, gone with the world): no key strings, and
 * a lookup compares the members one by one.
 */
export class MemberTableCache<T> {
  private readonly byFirst = new WeakMap<Endpoint, Built<T>[]>();

  get(members: readonly NormalizedHostWeight[], params: readonly number[], build: () => T): T {
    if (members.length === 0) return build();
    const first = members[0]!.host.endpoint;
    let built = this.byFirst.get(first);
    if (built !== undefined) for (const b of built) if (sameInput(b, members, params)) return b.value;
    const value = build();
    if (built === undefined) this.byFirst.set(first, (built = []));
    if (built.length === PER_KEY) built.shift();
    built.push({
      endpoints: members.map((m) => m.host.endpoint),
      weights: Float64Array.from(members, (m) => m.weight),
      params: [...params],
      value,
    });
    return value;
  }
}

function sameInput<T>(
  b: Built<T>,
  members: readonly NormalizedHostWeight[],
  params: readonly number[],
): boolean {
  if (b.endpoints.length !== members.length || b.params.length !== params.length) return false;
  for (let i = 0; i < params.length; i++) if (b.params[i] !== params[i]) return false;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (b.endpoints[i] !== m.host.endpoint || b.weights[i] !== m.weight) return false;
  }
  return true;
}
