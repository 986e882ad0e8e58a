import type { EdgeTrack, PodTrack } from '../worker/protocol.js';

export type NodeKind = 'client' | 'svc' | 'subset' | 'pod';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  x: number;
  y: number;
}

export interface GraphLink {
  id: string;
  source: GraphNode;
  target: GraphNode;
  edge: EdgeTrack;
}

export interface GraphLayout {
  nodes: GraphNode[];
  links: GraphLink[];
  width: number;
  height: number;
}

const COLUMNS: NodeKind[] = ['client', 'svc', 'subset', 'pod'];

function kindOf(id: string): NodeKind {
  return id.slice(0, id.indexOf(':')) as NodeKind;
}

function labelOf(id: string): string {
  const k = kindOf(id);
  const v = id.slice(id.indexOf(':') + 1);
  if (k === 'svc') return v.split('.')[0] ?? v;
  if (k === 'subset') return v.slice(v.lastIndexOf('/') + 1);
  return v;
}

/**
 * Layered layout (pure): clients, services, subsets and pods in four columns, each node placed below the
 * nodes it hangs from (barycentre order, as layered graph drawing does), so links rarely cross.
 */
export function layoutGraph(
  edges: readonly EdgeTrack[],
  pods: readonly PodTrack[],
  width: number,
  rowHeight = 22,
): GraphLayout {
  const ids = new Set<string>();
  for (const e of edges) {
    ids.add(e.from);
    ids.add(e.to);
  }
  for (const p of pods) ids.add(`pod:${p.name}`);
  const parents = new Map<string, string[]>();
  for (const e of edges) {
    const a = parents.get(e.to) ?? [];
    a.push(e.from);
    parents.set(e.to, a);
  }
  const order = new Map<string, number>();
  const columns = COLUMNS.map((kind) => [...ids].filter((id) => kindOf(id) === kind));
  columns.forEach((col, c) => {
    const rank = (id: string) => {
      const ps = (parents.get(id) ?? []).map((p) => order.get(p)).filter((r): r is number => r !== undefined);
      return ps.length === 0 ? Number.POSITIVE_INFINITY : ps.reduce((a, b) => a + b, 0) / ps.length;
    };
    col.sort((a, b) => (c === 0 ? 0 : rank(a) - rank(b)) || (a < b ? -1 : a > b ? 1 : 0));
    col.forEach((id, i) => {
      order.set(id, i);
    });
  });
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const height = rows * rowHeight + 20;
  const colX = (c: number) => 70 + (c * (width - 300)) / (COLUMNS.length - 1);
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  columns.forEach((col, c) => {
    const step = height / (col.length + 1);
    col.forEach((id, i) => {
      const n: GraphNode = { id, kind: COLUMNS[c]!, label: labelOf(id), x: colX(c), y: step * (i + 1) };
      nodes.push(n);
      byId.set(id, n);
    });
  });
  const links = edges.map((e) => ({
    id: `${e.from}>${e.to}`,
    source: byId.get(e.from)!,
    target: byId.get(e.to)!,
    edge: e,
  }));
  return { nodes, links, width, height };
}

/** Requests and errors of an edge over the `window` intervals ending at interval `i`. */
export function edgeWindow(e: EdgeTrack, i: number, window: number): { requests: number; errors: number } {
  let requests = 0;
  let errors = 0;
  for (let k = Math.max(0, i - window + 1); k <= i && k < e.requests.length; k++) {
    requests += e.requests[k]!;
    errors += e.errors[k]!;
  }
  return { requests, errors };
}
