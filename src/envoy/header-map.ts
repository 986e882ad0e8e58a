/**
 * What the data plane needs of a request's headers: a Map<string, string> has all of it, so a Map is a
 * HeaderMap (tests and cloned requests use plain Maps). Names are lower-case; iteration is in insertion
 * order, as a Map's.
 */
export interface HeaderMap extends Iterable<[string, string]> {
  readonly size: number;
  get(name: string): string | undefined;
  has(name: string): boolean;
  set(name: string, value: string): unknown;
  delete(name: string): boolean;
  entries(): IterableIterator<[string, string]>;
}

/**
 * A request's headers as a shared, never mutated base map (a request template's fixed headers, a
 * downstream call's) plus this request's own changes, copied on first write (issue #14: a Map copied per
 * request was ~100 bytes and an iterator walk for every request, and almost every request only ever gets
 * one header added: the router's `x-envoy-attempt-count`).
 *
 * One header whose name is not in the base is kept in a slot of its own without copying anything; any
 * other write copies the base (and the slot, at its place: last) into a Map of its own first. Every read,
 * the size and the iteration order are exactly those of a Map that had been copied from the base and
 * then written to in the same order.
 */
export class SharedHeaders implements HeaderMap {
  /** This request's own Map once a write needed one; null while the base (and the slot) say it all. */
  private own: Map<string, string> | null = null;
  /** The one header added on top of the base (null: none). Its name is never in the base. */
  private slotName: string | null = null;
  private slotValue = '';

  constructor(private readonly base: ReadonlyMap<string, string>) {}

  get size(): number {
    if (this.own !== null) return this.own.size;
    return this.slotName === null ? this.base.size : this.base.size + 1;
  }

  get(name: string): string | undefined {
    if (this.own !== null) return this.own.get(name);
    if (name === this.slotName) return this.slotValue;
    return this.base.get(name);
  }

  has(name: string): boolean {
    if (this.own !== null) return this.own.has(name);
    return name === this.slotName || this.base.has(name);
  }

  set(name: string, value: string): this {
    if (this.own === null) {
      if (name === this.slotName) {
        this.slotValue = value;
        return this;
      }
      if (this.slotName === null && !this.base.has(name)) {
        this.slotName = name;
        this.slotValue = value;
        return this;
      }
    }
    this.writable().set(name, value);
    return this;
  }

  delete(name: string): boolean {
    if (!this.has(name)) return false;
    return this.writable().delete(name);
  }

  entries(): IterableIterator<[string, string]> {
    if (this.own !== null) return this.own.entries();
    return this.sharedEntries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  private *sharedEntries(): IterableIterator<[string, string]> {
    yield* this.base.entries();
    if (this.slotName !== null) yield [this.slotName, this.slotValue];
  }

  /** The request's own Map: the base, then the slot, copied once. */
  private writable(): Map<string, string> {
    let own = this.own;
    if (own === null) {
      own = new Map(this.base);
      if (this.slotName !== null) own.set(this.slotName, this.slotValue);
      this.own = own;
      this.slotName = null;
      this.slotValue = '';
    }
    return own;
  }
}
