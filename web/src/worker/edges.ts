import type { EdgeTrack } from './protocol.js';

/** Parses `outbound|PORT|SUBSET|FQDN` (Envoy's cluster naming as Istio builds it). */
export function parseClusterName(name: string): { port: string; subset: string; fqdn: string } | undefined {
  const p = name.split('|');
  if (p.length !== 4 || p[0] !== 'outbound') return undefined;
  return { port: p[1]!, subset: p[2] || '(default)', fqdn: p[3]! };
}

/** Counts requests and errors per edge and interval; an edge's arrays grow as time goes. */
export class EdgeCounter {
  private readonly byKey = new Map<string, EdgeTrack>();

  constructor(private readonly intervalMs: number) {}

  add(from: string, to: string, timeMs: number, error: boolean): void {
    const key = `${from}\u0000${to}`;
    let e = this.byKey.get(key);
    if (e === undefined) this.byKey.set(key, (e = { from, to, requests: [], errors: [] }));
    const i = Math.floor(timeMs / this.intervalMs);
    while (e.requests.length <= i) {
      e.requests.push(0);
      e.errors.push(0);
    }
    e.requests[i]!++;
    if (error) e.errors[i]!++;
  }

  tracks(intervals: number): EdgeTrack[] {
    return [...this.byKey.values()]
      .map((e) => ({
        ...e,
        requests: pad(e.requests, intervals),
        errors: pad(e.errors, intervals),
      }))
      .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  }
}

function pad(a: number[], n: number): number[] {
  const out = a.slice(0, n);
  while (out.length < n) out.push(0);
  return out;
}

export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}
