import { type buildRun, formatResponseFlags } from '../../../src/index.js';

type World = ReturnType<typeof buildRun>['world'];

/** Requests per interval for one label set (as one `istio_requests_total` series, reporter=source). */
export interface RequestTrack {
  /** Source workload, `namespace/name` (the client sidecar's owner). */
  source: string;
  /** Destination service: the cluster's FQDN, or the authority's host when no cluster was chosen. */
  service: string;
  /** `response_code` label: the final code the source sidecar reported (0: downstream gave up, DC). */
  code: number;
  /** `response_flags` label, Envoy's short names (`-` for none). */
  flags: string;
  /** Responses counted per interval (by the time the response completed, as a counter increments). */
  counts: number[];
}

/** What the dashboard panels read beyond the Result: requests by label set, app queues per workload. */
export interface PanelTimeline {
  requests: RequestTrack[];
  /** Requests waiting in the app containers' queues (not in service), summed per workload, at interval ends. */
  appQueue: Record<string, number[]>;
}

interface Track {
  source: number;
  service: string;
  code: number;
  flags: number;
  counts: number[];
}

/**
 * Counts every downstream request a client sidecar finished (Istio's reporter=source view, the one the
 * Grafana dashboards read with `istio_requests_total`), by source workload, destination service, code and
 * flags, per series interval. Requests started during the warm-up are left out, as the recorder leaves them
 * out of every figure. NOTE: simplification: counted by completion time in the worker, where Istio's
 * dashboards take irate() over scraped counters (docs/fidelity.md). Runs once per request: tracks are found through integer-keyed maps, and strings are
 * built once per label set, not per request.
 */
export class PanelRecorder {
  private readonly sources: string[] = [];
  private readonly sourceOf = new Map<string, number>();
  /** sidecar index → service → (code << 16 | flags) → track */
  private readonly index: Map<string, Map<number, Track>>[] = [];
  private readonly tracks: Track[] = [];
  private readonly appQueue = new Map<string, number[]>();

  constructor(
    private readonly intervalMs: number,
    private readonly warmupMs: number,
    private readonly ownerOf: (pod: string) => string,
  ) {}

  /** `service` is the graph's node id (`svc:FQDN`, or `svc:AUTHORITY` without a cluster): no string is built here. */
  request(
    sidecar: string,
    service: string,
    startMs: number,
    timeMs: number,
    code: number,
    flags: number,
  ): void {
    if (startMs < this.warmupMs) return;
    let s = this.sourceOf.get(sidecar);
    if (s === undefined) {
      const owner = this.ownerOf(sidecar);
      s = this.sources.indexOf(owner);
      if (s < 0) s = this.sources.push(owner) - 1;
      this.sourceOf.set(sidecar, s);
    }
    let bySvc = this.index[s];
    if (bySvc === undefined) this.index[s] = bySvc = new Map();
    let byCode = bySvc.get(service);
    if (byCode === undefined) bySvc.set(service, (byCode = new Map()));
    const key = code * 65536 + flags;
    let t = byCode.get(key);
    if (t === undefined) {
      t = { source: s, service, code, flags, counts: [] };
      byCode.set(key, t);
      this.tracks.push(t);
    }
    const i = Math.floor(timeMs / this.intervalMs);
    while (t.counts.length <= i) t.counts.push(0);
    t.counts[i]!++;
  }

  /**
   * Reads each workload's app containers at an interval boundary (the way scrape.ts reads Envoy's gauges):
   * requests waiting in the queue (not in service), summed over the workload's pods.
   * NOTE: simplification: a gauge sampled at interval ends, not time-averaged (docs/fidelity.md).
   */
  scrapeApps(world: World, interval: number): void {
    for (const [key, w] of world.workloads) {
      let queued = 0;
      for (const p of w.pods) queued += world.appOf(p)?.queued ?? 0;
      push(this.appQueue, key, interval, queued);
    }
  }

  timeline(intervals: number): PanelTimeline {
    const requests = this.tracks.map(
      (t): RequestTrack => ({
        source: this.sources[t.source]!,
        service: serviceName(t.service),
        code: t.code,
        flags: formatResponseFlags(t.flags),
        counts: pad(t.counts, intervals),
      }),
    );
    // A stable order (source, service, code, flags) so the same run always draws the same legend.
    requests.sort(
      (a, b) =>
        cmp(a.source, b.source) || cmp(a.service, b.service) || a.code - b.code || cmp(a.flags, b.flags),
    );
    return {
      requests,
      appQueue: Object.fromEntries([...this.appQueue].sort(([a], [b]) => cmp(a, b))),
    };
  }
}

/** `svc:FQDN` or `svc:host:port` → the host, as the recorder names a service without a cluster. */
function serviceName(node: string): string {
  const s = node.startsWith('svc:') ? node.slice(4) : node;
  const colon = s.indexOf(':');
  return colon < 0 ? s : s.slice(0, colon);
}

function push(m: Map<string, number[]>, key: string, i: number, v: number): void {
  let a = m.get(key);
  if (a === undefined) m.set(key, (a = []));
  while (a.length < i) a.push(0);
  a.push(v);
}

function pad(a: number[], n: number): number[] {
  const out = a.slice(0, Math.max(n, a.length));
  while (out.length < n) out.push(0);
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
