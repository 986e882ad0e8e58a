import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawUnlessSame, forgetDrawn, remember, signature, syncChildren } from '../../web/src/ui/redraw.js';

/** The little of Element that redraw.ts uses, so the tests run without a DOM. */
class FakeElement {
  parent: FakeElement | undefined;
  readonly kids: FakeElement[] = [];
  constructor(readonly name: string) {}
  get children(): FakeElement[] {
    return this.kids;
  }
  get lastElementChild(): FakeElement | null {
    return this.kids.at(-1) ?? null;
  }
  append(c: FakeElement): void {
    c.parent = this;
    this.kids.push(c);
  }
  replaceChild(next: FakeElement, old: FakeElement): void {
    this.kids[this.kids.indexOf(old)] = next;
    next.parent = this;
  }
  remove(): void {
    this.parent!.kids.splice(this.parent!.kids.indexOf(this), 1);
  }
}
const fake = (name: string) => new FakeElement(name) as unknown as Element;
const names = (e: Element) => (e as unknown as FakeElement).kids.map((k) => k.name);

describe('drawUnlessSame', () => {
  it('draws the first time and whenever the signature changes, never twice for the same one', () => {
    const host = fake('host');
    const calls: string[] = [];
    for (const s of ['a', 'a', 'b', 'b', 'a']) drawUnlessSame(host, s, () => calls.push(s));
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it('draws again after forgetDrawn, and not after remember', () => {
    const host = fake('host');
    let n = 0;
    drawUnlessSame(host, 'x', () => n++);
    forgetDrawn(host);
    expect(drawUnlessSame(host, 'x', () => n++)).toBe(true);
    remember(host, 'y');
    expect(drawUnlessSame(host, 'y', () => n++)).toBe(false);
    expect(n).toBe(2);
  });

  it('a draw that throws is not remembered', () => {
    const host = fake('host');
    expect(() =>
      drawUnlessSame(host, 'x', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    let drew = false;
    drawUnlessSame(host, 'x', () => (drew = true));
    expect(drew).toBe(true);
  });
});

describe('syncChildren', () => {
  it('keeps children whose signature is unchanged, rebuilds the others, drops the extra ones', () => {
    const host = fake('host');
    let built = 0;
    const item = (sig: string) => ({
      signature: sig,
      make: () => {
        built++;
        return fake(sig);
      },
    });
    syncChildren(host, ['a', 'b', 'c'].map(item));
    expect(names(host)).toEqual(['a', 'b', 'c']);
    const [a, , c] = (host as unknown as FakeElement).kids;
    syncChildren(host, ['a', 'B', 'c'].map(item));
    expect(names(host)).toEqual(['a', 'B', 'c']);
    expect((host as unknown as FakeElement).kids[0]).toBe(a);
    expect((host as unknown as FakeElement).kids[2]).toBe(c);
    expect(built).toBe(4);
    syncChildren(host, ['a'].map(item));
    expect(names(host)).toEqual(['a']);
    syncChildren(host, ['a', 'd', 'e'].map(item));
    expect(names(host)).toEqual(['a', 'd', 'e']);
    expect(built).toBe(6);
  });

  it('ends with one child per item in order, as if rebuilt from scratch (property)', () => {
    const sigs = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(sigs, { minLength: 1, maxLength: 5 }), (steps) => {
        const host = fake('host');
        for (const step of steps) {
          syncChildren(
            host,
            step.map((s) => ({ signature: s, make: () => fake(s) })),
          );
          expect(names(host)).toEqual(step);
        }
      }),
    );
  });
});

describe('signature', () => {
  it('keeps apart what plain JSON merges', () => {
    const distinct = [
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      {},
      new Map([[1, 2]]),
      new Map([[1, 3]]),
      new Set([1]),
      new Set([2]),
      new Float64Array([1, 2]),
      new Float64Array([1, 3]),
      [1, 2],
    ];
    const sigs = distinct.map((v) => signature([v]));
    expect(new Set(sigs).size).toBe(distinct.length);
  });

  it('is equal exactly for equal inputs (property over JSON-like values with Maps, Sets and non-finite numbers)', () => {
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.double(),
        fc.integer(),
        fc.string({ maxLength: 4 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 2 }), tie('value'), { maxKeys: 3 }),
        fc
          .array(fc.tuple(fc.integer({ min: 0, max: 3 }), tie('value')), { maxLength: 3 })
          .map((e) => new Map(e)),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }).map((e) => new Set(e)),
        fc.array(fc.double(), { maxLength: 3 }).map((e) => Float64Array.from(e)),
      ),
    }));
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(signature(a)).toBe(signature(structuredClone(a)));
        // -0 and 0 draw the same and write the same: the one difference a signature may ignore.
        if (signature(a) === signature(b)) expect(isDeepStrictEqual(zero(a), zero(b))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Turns -0 into 0 everywhere (deep equality tells them apart; attributes and JSON do not). */
function zero(v: unknown): unknown {
  if (typeof v === 'number') return v === 0 ? 0 : v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [zero(k), zero(x)]));
  if (v instanceof Set) return new Set([...v].map(zero));
  if (v instanceof Float64Array) return Array.from(v, (x) => (x === 0 ? 0 : x));
  if (Array.isArray(v)) return v.map(zero);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, zero(x)]));
  return v;
}
