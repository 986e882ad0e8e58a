import { canonicalService, formatResponseFlags } from '../../../src/index.js';
import { parseClusterName } from './edges.js';
import {
  type GraphData,
  LATENCY_BUCKETS,
  latencyBucket,
  graphBinning,
  type Peer,
  SCRAPED_COUNTERS,
  type TrafficRecord,
} from './graph-data.js';

/** What the recorder reads about pods (the world's podInfo and its workloads). */
export interface PodLookup {
  podInfo(
    name: string,
  ): { owner: string; namespace: string; labels: Readonly<Record<string, string>> } | undefined;
  isWorkload(owner: string): boolean;
}

const B = LATENCY_BUCKETS.length;

/** A record while it is being filled: typed arrays sized once, codes and flags found by a short scan. */
class Acc {
  readonly codes: { code: number; counts: Uint32Array }[] = [];
  readonly flags: { flags: number; counts: Uint32Array }[] = [];
  readonly latency: Uint32Array;
  envoy: Float64Array | undefined;
  last: Float64Array | undefined;

  constructor(
    readonly side: 'out' | 'in',
    readonly pod: string,
    readonly key: string,
    readonly cluster: string,
    private readonly bins: number,
  ) {
    this.latency = new Uint32Array(bins * B);
  }

  add(bin: number, status: number, flags: number, latencyMs: number): void {
    const codes = this.codes;
    let c = codes.length > 0 && codes[0]!.code === status ? codes[0] : undefined;
    if (c === undefined) {
      for (let i = 1; i < codes.length; i++) if (codes[i]!.code === status) c = codes[i];
      if (c === undefined) codes.push((c = { code: status, counts: new Uint32Array(this.bins) }));
    }
    c.counts[bin]!++;
    const fl = this.flags;
    let f = fl.length > 0 && fl[0]!.flags === flags ? fl[0] : undefined;
    if (f === undefined) {
      for (let i = 1; i < fl.length; i++) if (fl[i]!.flags === flags) f = fl[i];
      if (f === undefined) fl.push((f = { flags, counts: new Uint32Array(this.bins) }));
    }
    f.counts[bin]!++;
    this.latency[bin * B + latencyBucket(latencyMs)]!++;
  }
}

/**
 * Fills the graph's traffic records from the data plane's events: per request for the source view, per
 * try for the destination view (mirrored tries left out: NOTE: simplification, Kiali shows mirrored
 * traffic as its own edge). Two map lookups per event, no strings built (cluster names and pod names are
 * the keys the events already carry).
 */
export class TrafficRecorder {
  readonly binMs: number;
  readonly bins: number;
  private readonly out = new Map<string, Map<string, Acc>>();
  private readonly into = new Map<string, Map<string, Acc>>();
  private readonly peers = new Map<string, Peer | null>();

  constructor(
    intervalMs: number,
    intervals: number,
    private readonly pods: PodLookup,
  ) {
    const b = graphBinning(intervalMs, intervals);
    this.binMs = b.binMs;
    this.bins = b.bins;
  }

  bin(timeMs: number): number {
    const b = Math.floor(timeMs / this.binMs);
    return b < this.bins ? b : this.bins - 1;
  }

  /** A downstream request finished in a client sidecar (reporter=source). */
  request(
    sidecar: string,
    cluster: string | null,
    authority: string,
    upstreamPod: string | null,
    status: number,
    flags: number,
    latencyMs: number,
    timeMs: number,
  ): void {
    const bin = this.bin(timeMs);
    const key = cluster ?? authority;
    this.acc(this.out, sidecar, key, 'out', sidecar, cluster ?? '').add(bin, status, flags, latencyMs);
    // No host picked (no endpoints, no healthy host, overflow): the destination view of "nobody".
    if (upstreamPod === null && cluster !== null)
      this.acc(this.into, cluster, '', 'in', '', cluster).add(bin, status, flags, latencyMs);
  }

  /** A try reached an upstream pod (reporter=destination). */
  attempt(
    cluster: string,
    pod: string,
    status: number,
    flags: number,
    latencyMs: number,
    timeMs: number,
  ): void {
    this.acc(this.into, cluster, pod, 'in', pod, cluster).add(this.bin(timeMs), status, flags, latencyMs);
  }

  /** Adds one bin's increase of a sidecar's cluster counters (read at the bin's end). */
  scrape(sidecar: string, cluster: string, values: ArrayLike<number>, bin: number): void {
    let m = this.out.get(sidecar);
    let a = m?.get(cluster);
    if (a === undefined) {
      let any = false;
      for (let i = 0; i < values.length; i++) if (values[i]! > 0) any = true;
      if (!any) return;
      a = this.acc(this.out, sidecar, cluster, 'out', sidecar, cluster);
      m = this.out.get(sidecar);
    }
    const n = SCRAPED_COUNTERS.length;
    if (a.envoy === undefined) {
      a.envoy = new Float64Array(this.bins * n);
      a.last = new Float64Array(n);
    }
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      const before = a.last![i]!;
      // A counter reset (end of warm-up, as Envoy's /reset_counters) reads as Prometheus' increase(): the new value.
      a.envoy[bin * n + i]! += v >= before ? v - before : v;
      a.last![i] = v;
    }
  }

  data(): GraphData {
    const records: TrafficRecord[] = [];
    for (const m of [this.out, this.into])
      for (const inner of m.values()) for (const a of inner.values()) records.push(this.record(a));
    records.sort(
      (x, y) =>
        cmp(x.side, y.side) || cmp(x.cluster || x.service, y.cluster || y.service) || cmp(x.pod, y.pod),
    );
    return { binMs: this.binMs, bins: this.bins, records };
  }

  private acc(
    map: Map<string, Map<string, Acc>>,
    outer: string,
    inner: string,
    side: 'out' | 'in',
    pod: string,
    cluster: string,
  ): Acc {
    let m = map.get(outer);
    if (m === undefined) map.set(outer, (m = new Map()));
    let a = m.get(inner);
    if (a === undefined)
      m.set(inner, (a = new Acc(side, pod, side === 'out' ? inner : outer, cluster, this.bins)));
    return a;
  }

  private peer(pod: string): Peer | null {
    let p = this.peers.get(pod);
    if (p === undefined) {
      const info = pod === '' ? undefined : this.pods.podInfo(pod);
      if (info === undefined) p = null;
      else {
        const name = info.owner.slice(info.owner.indexOf('/') + 1);
        const cs = canonicalService(info.labels, name);
        p = {
          owner: info.owner,
          namespace: info.namespace,
          app: cs.name,
          version: cs.revision,
          workload: this.pods.isWorkload(info.owner),
        };
      }
      this.peers.set(pod, p);
    }
    return p;
  }

  private record(a: Acc): TrafficRecord {
    const parsed = a.cluster === '' ? undefined : parseClusterName(a.cluster);
    const r: TrafficRecord = {
      side: a.side,
      pod: a.pod,
      peer: this.peer(a.pod),
      service: parsed ? parsed.fqdn : a.key,
      subset: parsed && parsed.subset !== '(default)' ? parsed.subset : '',
      cluster: a.cluster,
      codes: a.codes
        .map((c) => ({ code: c.code, counts: Array.from(c.counts) }))
        .sort((x, y) => x.code - y.code),
      flags: a.flags
        .map((f) => ({ flags: formatResponseFlags(f.flags), counts: Array.from(f.counts) }))
        .sort((x, y) => cmp(x.flags, y.flags)),
      latency: Array.from(a.latency),
    };
    if (a.envoy) {
      const n = SCRAPED_COUNTERS.length;
      r.envoy = {};
      SCRAPED_COUNTERS.forEach((name, i) => {
        r.envoy![name] = Array.from({ length: this.bins }, (_, b) => a.envoy![b * n + i]!);
      });
    }
    return r;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
