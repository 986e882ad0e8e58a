/**
 * The narrow interface between the simulation kernel and its priority queue.
 *
 * Entries are ordered by (timeMs, seq); `seq` is unique and increasing, so ties at the same simulated
 * instant resolve in scheduling order and runs are deterministic. The queue stores only a slot index;
 * the kernel keeps what the slot means. Two implementations exist so they can be measured against each
 * other (bench/run.ts, docs/performance.md): a typed-array binary heap (the default) and js-sdsl's
 * PriorityQueue named by the design card.
 */
export interface EventQueue {
  readonly size: number;
  push(timeMs: number, seq: number, slot: number): void;
  /** Time of the earliest entry; `Infinity` when empty. */
  peekTime(): number;
  /** Slot of the earliest entry. Only call when `size > 0`. */
  peekSlot(): number;
  /** Sequence number of the earliest entry. Only call when `size > 0`. */
  peekSeq(): number;
  /** Removes the earliest entry and returns its slot. Only call when `size > 0`. */
  pop(): number;
  /** Drops every entry whose slot is not live, keeping the order of the rest. */
  retain(isLive: (slot: number) => boolean): void;
  clear(): void;
}

export type EventQueueKind = 'binary-heap' | 'js-sdsl';
