/**
 * Counts by key (a response code, a flag set), for the per-request path: nearly every request repeats the
 * key of the one before (200, no flags), so the last key's slot is kept and such a count is one compare
 * and one add, with no map lookup or map write (issue #14). Other keys find their slot in a map once per
 * change of key. Iterates as [key, count] in first-seen order, like a Map; readers sort.
 */
export class Tally<K> implements Iterable<[K, number]> {
  private readonly slots = new Map<K, number>();
  private readonly keyList: K[] = [];
  private readonly counts: number[] = [];
  /** The slot of the key counted last, or -1 before the first count. */
  private lastSlot = -1;
  private lastKey: K | undefined = undefined;

  add(key: K, n = 1): void {
    let slot = this.lastSlot;
    if (slot < 0 || key !== this.lastKey) {
      const found = this.slots.get(key);
      if (found === undefined) {
        slot = this.keyList.length;
        this.slots.set(key, slot);
        this.keyList.push(key);
        this.counts.push(0);
      } else slot = found;
      this.lastSlot = slot;
      this.lastKey = key;
    }
    this.counts[slot]! += n;
  }

  get(key: K): number | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.counts[slot];
  }

  get size(): number {
    return this.keyList.length;
  }

  *[Symbol.iterator](): IterableIterator<[K, number]> {
    for (let i = 0; i < this.keyList.length; i++) yield [this.keyList[i]!, this.counts[i]!];
  }

  entries(): IterableIterator<[K, number]> {
    return this[Symbol.iterator]();
  }
}
