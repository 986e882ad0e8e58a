import { PriorityQueue } from 'js-sdsl';
import type { EventQueue } from './event-queue.js';

interface Entry {
  timeMs: number;
  seq: number;
  slot: number;
}

const earlierFirst = (a: Entry, b: Entry): number => a.timeMs - b.timeMs || a.seq - b.seq;

/** js-sdsl's PriorityQueue behind the kernel's queue interface; kept for measurement (bench/run.ts). */
export class SdslQueue implements EventQueue {
  private pq = new PriorityQueue<Entry>([], earlierFirst, false);

  get size(): number {
    return this.pq.size();
  }

  push(timeMs: number, seq: number, slot: number): void {
    this.pq.push({ timeMs, seq, slot });
  }

  peekTime(): number {
    const top = this.pq.top();
    return top === undefined ? Number.POSITIVE_INFINITY : top.timeMs;
  }

  peekSlot(): number {
    return (this.pq.top() as Entry).slot;
  }

  peekSeq(): number {
    return (this.pq.top() as Entry).seq;
  }

  pop(): number {
    return (this.pq.pop() as Entry).slot;
  }

  retain(isLive: (slot: number) => boolean): void {
    const kept: Entry[] = [];
    while (this.pq.size() > 0) {
      const e = this.pq.pop() as Entry;
      if (isLive(e.slot)) kept.push(e);
    }
    this.pq = new PriorityQueue<Entry>(kept, earlierFirst, false);
  }

  clear(): void {
    this.pq.clear();
  }
}
