import type { EdgeTrack } from './protocol.js';

/** Graph node ids of a cluster, parsed once per cluster name. */
export class ClusterNodes {
  private readonly cache = new Map<string, { svc: string; subset: string } | null>();

  of(cluster: string): { svc: string; subset: string } | null {
    let n = this.cache.get(cluster);
    if (n === undefined) {
      const c = parseClusterName(cluster);
      n = c ? { svc: `svc:${c.fqdn}`, subset: `subset:${c.fqdn}/${c.subset}` } : null;
      this.cache.set(cluster, n);
    }
    return n;
  }
}

/** Parses `outbound|PORT|SUBSET|FQDN` (Envoy's cluster naming as Istio builds it). */
export function parseClusterName(name: string): { port: string; subset: string; fqdn: string } | undefined {
  const p = name.split('|');
  if (p.length !== 4 || p[0] !== 'outbound') return undefined;
  return { port: p[1]!, subset: p[2] || '(default)', fqdn: p[3]! };
}

/** Counts requests and errors per edge and interval; an edge's arrays grow as time goes. */
export class EdgeCounter {
  /** from → to → track: two lookups, no key string built per event (this runs for every request). */
  private readonly byFrom = new Map<string, Map<string, EdgeTrack>>();

  constructor(private readonly intervalMs: number) {}

  add(from: string, to: string, timeMs: number, error: boolean): void {
    let m = this.byFrom.get(from);
    if (m === undefined) this.byFrom.set(from, (m = new Map()));
    let e = m.get(to);
    if (e === undefined) m.set(to, (e = { from, to, requests: [], errors: [] }));
    const i = Math.floor(timeMs / this.intervalMs);
    while (e.requests.length <= i) {
      e.requests.push(0);
      e.errors.push(0);
    }
    e.requests[i]!++;
    if (error) e.errors[i]!++;
  }

  tracks(intervals: number): EdgeTrack[] {
    return [...this.byFrom.values()]
      .flatMap((m) => [...m.values()])
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
