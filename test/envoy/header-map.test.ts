import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedHeaders } from '../../src/envoy/header-map.js';
import { HeaderMutations } from '../../src/envoy/router/header-operations.js';

type Op = { kind: 'set'; name: string; value: string } | { kind: 'delete'; name: string };

const NAMES = ['a', 'b', 'c', 'x-envoy-attempt-count', 'cookie'];
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), name: fc.constantFrom(...NAMES), value: fc.string() }),
  fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
);

/** Everything a reader can see of a header map. */
function view(h: {
  size: number;
  get(n: string): string | undefined;
  has(n: string): boolean;
  entries(): Iterable<[string, string]>;
}) {
  return {
    size: h.size,
    entries: [...h.entries()],
    gets: NAMES.map((n) => [h.get(n), h.has(n)]),
  };
}

describe('SharedHeaders', () => {
  it('reads, size and iteration order are those of a Map copied from the base, after any writes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.string()), { selector: (e) => e[0] }),
        fc.array(op, { maxLength: 12 }),
        (baseEntries, ops) => {
          const base = new Map(baseEntries);
          const frozen = [...base];
          const shared = new SharedHeaders(base);
          const copy = new Map(base);
          expect(view(shared)).toEqual(view(copy));
          for (const o of ops) {
            if (o.kind === 'set') {
              expect(shared.set(o.name, o.value)).toBe(shared);
              copy.set(o.name, o.value);
            } else {
              expect(shared.delete(o.name)).toBe(copy.delete(o.name));
            }
            expect(view(shared)).toEqual(view(copy));
            expect([...shared]).toEqual([...copy]);
          }
          // The base is never written to: other requests share it.
          expect([...base]).toEqual(frozen);
        },
      ),
    );
  });

  it('keeps one added header without copying the base, and copies on the next write', () => {
    const base = new Map([['x-a', '1']]);
    const h = new SharedHeaders(base);
    h.set('x-envoy-attempt-count', '1');
    h.set('x-envoy-attempt-count', '2');
    expect([...h]).toEqual([
      ['x-a', '1'],
      ['x-envoy-attempt-count', '2'],
    ]);
    expect(h.size).toBe(2);
    expect(h.delete('nope')).toBe(false);
    h.set('x-a', '3');
    expect([...h]).toEqual([
      ['x-a', '3'],
      ['x-envoy-attempt-count', '2'],
    ]);
    expect([...base]).toEqual([['x-a', '1']]);
  });

  it('route header operations apply to it as to a Map', () => {
    const ops = HeaderMutations.compile({ set: { 'x-b': 'v' }, add: { 'x-a': 'w' }, remove: ['x-c'] })!;
    const base = new Map([
      ['x-a', '1'],
      ['x-c', '2'],
    ]);
    const h = new SharedHeaders(base);
    const m = new Map(base);
    ops.apply(h);
    ops.apply(m);
    expect([...h]).toEqual([...m]);
    expect([...h]).toEqual([
      ['x-a', '1,w'],
      ['x-b', 'v'],
    ]);
  });
});
