import { LATENCY_BUCKETS, type Peer, SCRAPED_COUNTERS, type TrafficRecord } from '../worker/graph-data.js';
import { type Health, health } from './health.js';

/** Kiali's graph types (kiali.io/docs/features/topology, "Graph types"). */
export type GraphView = 'app' | 'versionedApp' | 'workload' | 'service';
export const GRAPH_VIEWS: readonly { value: GraphView; label: string }[] = [
  { value: 'app', label: 'App graph' },
  { value: 'versionedApp', label: 'Versioned app graph' },
  { value: 'workload', label: 'Workload graph' },
  { value: 'service', label: 'Service graph' },
];

/** service = triangle, workload/pod = circle, app = rounded rectangle, external = diamond (Kiali's legend). */
export type NodeKind =
  | 'app'
  | 'versionedApp'
  | 'workload'
  | 'pod'
  | 'service'
  | 'external'
  | 'missing'
  | 'unknown';

/** Traffic summed over a window of graph bins. */
export class Agg {
  requests = 0;
  readonly codes = new Map<number, number>();
  readonly flags = new Map<string, number>();
  readonly latency = new Float64Array(LATENCY_BUCKETS.length);
  readonly envoy = new Map<string, number>();

  add(r: TrafficRecord, lo: number, hi: number, withEnvoy: boolean): void {
    for (const c of r.codes) {
      let n = 0;
      for (let b = lo; b <= hi; b++) n += c.counts[b] ?? 0;
      if (n > 0) {
        this.codes.set(c.code, (this.codes.get(c.code) ?? 0) + n);
        this.requests += n;
      }
    }
    for (const f of r.flags) {
      let n = 0;
      for (let b = lo; b <= hi; b++) n += f.counts[b] ?? 0;
      if (n > 0) this.flags.set(f.flags, (this.flags.get(f.flags) ?? 0) + n);
    }
    const B = LATENCY_BUCKETS.length;
    for (let b = lo; b <= hi; b++) for (let k = 0; k < B; k++) this.latency[k]! += r.latency[b * B + k] ?? 0;
    if (withEnvoy && r.envoy)
      for (const name of SCRAPED_COUNTERS) {
        let n = 0;
        const a = r.envoy[name]!;
        for (let b = lo; b <= hi; b++) n += a[b] ?? 0;
        // Zeros too: "0 overflows" on a scraped edge is a figure, not a missing one.
        this.envoy.set(name, (this.envoy.get(name) ?? 0) + n);
      }
  }

  merge(o: Agg): void {
    this.requests += o.requests;
    for (const [k, v] of o.codes) this.codes.set(k, (this.codes.get(k) ?? 0) + v);
    for (const [k, v] of o.flags) this.flags.set(k, (this.flags.get(k) ?? 0) + v);
    for (let k = 0; k < this.latency.length; k++) this.latency[k]! += o.latency[k]!;
    for (const [k, v] of o.envoy) this.envoy.set(k, (this.envoy.get(k) ?? 0) + v);
  }
}

export interface GNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Second label line: a version, or a missing subset's answer. */
  sub: string;
  /** Full name for hover and the side panel. */
  title: string;
  namespace: string;
  /** Pods of this node (its workload's, its app's ...): for pod states and ejections. */
  pods: Set<string>;
  /** Requests this node received (destination view), or sent when it receives none (a traffic source). */
  inbound: Agg;
  outbound: Agg;
  health: Health;
  /** missing: why no pod answers (e.g. "no endpoints (UH)"). */
  reason?: string;
}

export interface GEdge {
  id: string;
  source: string;
  target: string;
  stats: Agg;
  health: Health;
  /** Share of the source node's outbound requests in %, Kiali's "Traffic Distribution". */
  share: number;
  /** Source sidecar pods and the cluster(s) behind this edge (for ejections in the side panel). */
  clusters: Set<string>;
}

export interface GraphModel {
  nodes: GNode[];
  edges: GEdge[];
}

const DNS_SUFFIX = '.svc.cluster.local';

/** `name.ns.svc.cluster.local` → name and namespace; any other host is external (a ServiceEntry's). */
export function serviceName(fqdn: string): { name: string; namespace: string; external: boolean } {
  if (fqdn.endsWith(DNS_SUFFIX)) {
    const p = fqdn.slice(0, -DNS_SUFFIX.length).split('.');
    if (p.length === 2) return { name: p[0]!, namespace: p[1]!, external: false };
  }
  return { name: fqdn, namespace: '(external)', external: true };
}

/**
 * Builds the graph Kiali would draw for `view` over graph bins lo..hi (inclusive), with service nodes
 * injected between source and destination as Kiali does by default ("Service Nodes" display option):
 * source → service from the source view, service → destination from the destination view. A route to a
 * subset no pod answered becomes its own node that says why.
 */
export function buildGraph(
  records: readonly TrafficRecord[],
  view: GraphView,
  expandPods: boolean,
  lo: number,
  hi: number,
): GraphModel {
  const nodes = new Map<string, GNode>();
  const edges = new Map<string, GEdge>();
  const node = (
    id: string,
    kind: NodeKind,
    label: string,
    title: string,
    namespace: string,
    sub = '',
  ): GNode => {
    let n = nodes.get(id);
    if (n === undefined)
      nodes.set(
        id,
        (n = {
          id,
          kind,
          label,
          sub,
          title,
          namespace,
          pods: new Set(),
          inbound: new Agg(),
          outbound: new Agg(),
          health: 'idle',
        }),
      );
    return n;
  };
  const edge = (s: GNode, t: GNode): GEdge => {
    const id = `${s.id}>${t.id}`;
    let e = edges.get(id);
    if (e === undefined)
      edges.set(
        id,
        (e = {
          id,
          source: s.id,
          target: t.id,
          stats: new Agg(),
          health: 'idle',
          share: 0,
          clusters: new Set(),
        }),
      );
    return e;
  };
  const serviceNode = (fqdn: string): GNode => {
    const s = serviceName(fqdn);
    return node(`svc:${fqdn}`, s.external ? 'external' : 'service', s.name, fqdn, s.namespace);
  };
  // Which services select a pod, as traffic shows it (the service view's source node of a workload).
  const podServices = new Map<string, string[]>();
  for (const r of records)
    if (r.side === 'in' && r.pod !== '') {
      const a = podServices.get(r.pod) ?? [];
      if (!a.includes(r.service)) a.push(r.service);
      podServices.set(r.pod, a.sort());
    }
  const peerNode = (peer: Peer | null, pod: string, asSource: boolean): GNode => {
    if (peer === null) return node('unknown', 'unknown', 'unknown', 'unknown (no pod)', '(unknown)');
    const ns = peer.namespace;
    const wlName = peer.owner.slice(peer.owner.indexOf('/') + 1);
    let n: GNode;
    if (!peer.workload)
      n = node(`wl:${peer.owner}`, 'workload', wlName, `${peer.owner} (traffic source)`, ns);
    else if (view === 'service' && asSource && (podServices.get(pod)?.length ?? 0) > 0)
      n = serviceNode(podServices.get(pod)![0]!);
    else if (expandPods) n = node(`pod:${pod}`, 'pod', pod, `pod ${ns}/${pod} (${peer.owner})`, ns);
    else if (view === 'workload' || view === 'service')
      n = node(`wl:${peer.owner}`, 'workload', wlName, `workload ${peer.owner}`, ns);
    else if (view === 'app')
      n = node(`app:${ns}/${peer.app}`, 'app', peer.app, `app ${peer.app} in ${ns}`, ns);
    else
      n = node(
        `va:${ns}/${peer.app}/${peer.version}`,
        'versionedApp',
        peer.app,
        `app ${peer.app} version ${peer.version} in ${ns}`,
        ns,
        peer.version,
      );
    n.pods.add(pod);
    return n;
  };
  // Clusters some pod answered: a no-host record of any other cluster is a missing subset.
  const answered = new Set<string>();
  for (const r of records) if (r.side === 'in' && r.pod !== '') answered.add(r.cluster);
  for (const r of records) {
    const w = new Agg();
    w.add(r, lo, hi, r.side === 'out');
    if (r.side === 'out') {
      const s = peerNode(r.peer, r.pod, true);
      const t = serviceNode(r.service);
      const e = edge(s, t);
      e.stats.merge(w);
      e.clusters.add(`${r.pod}|${r.cluster}`);
      s.outbound.merge(w);
      t.inbound.merge(w);
      continue;
    }
    const svc = serviceNode(r.service);
    if (r.pod === '') {
      if (answered.has(r.cluster)) continue; // local replies of a served cluster: on the source → service edge
      const what = r.subset || serviceName(r.service).name;
      const t = node(
        `missing:${r.cluster}`,
        'missing',
        `${what}: no endpoints`,
        `${r.cluster}: no pod answered`,
        svc.namespace,
      );
      t.inbound.merge(w);
      // "v3: no endpoints (UH)" and its figures in the window: the local reply's code and flag.
      const top = [...t.inbound.flags].sort((a, b) => b[1] - a[1])[0]?.[0];
      const code = [...t.inbound.codes].sort((a, b) => b[1] - a[1])[0];
      t.reason = `${t.label}${top && top !== '-' ? ` (${top})` : ''}`;
      const flag = top && top !== '-' ? `${top}: ` : '';
      t.sub = code ? `${flag}${code[0]} × ${code[1].toLocaleString('en-US')}` : 'no requests';
      const e = edge(svc, t);
      e.stats.merge(w);
      svc.outbound.merge(w);
      continue;
    }
    if (view === 'service') {
      svc.pods.add(r.pod);
      continue;
    }
    const t = peerNode(r.peer, r.pod, false);
    const e = edge(svc, t);
    e.stats.merge(w);
    e.clusters.add(`|${r.cluster}|${r.pod}`);
    svc.outbound.merge(w);
    t.inbound.merge(w);
  }
  for (const n of nodes.values())
    n.health = health(n.inbound.requests > 0 ? n.inbound.codes : n.outbound.codes);
  for (const e of edges.values()) {
    e.health = health(e.stats.codes);
    const out = nodes.get(e.source)!.outbound.requests;
    e.share = out === 0 ? 0 : (100 * e.stats.requests) / out;
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { nodes: [...nodes.values()].sort(byId), edges: [...edges.values()].sort(byId) };
}
