/**
 * Layered layout (pure) for the mesh graph: nodes ranked left to right by the longest call path that reaches
 * them (client → frontend → backend → db reads as one chain), ordered in each column by the barycentre of
 * the nodes that call them (as layered graph drawing does, so edges rarely cross), grouped in namespace
 * boxes. A box takes the columns its nodes rank in; boxes whose columns overlap are stacked, others sit
 * side by side. A column taller than MAX_ROWS wraps into sub-columns, so 200 pods stay on screen.
 */
export interface LayoutInput {
  nodes: readonly { id: string; namespace: string; label: string }[];
  edges: readonly { source: string; target: string }[];
}

export interface Placed {
  id: string;
  x: number;
  y: number;
  rank: number;
}

export interface NamespaceBox {
  namespace: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  boxes: NamespaceBox[];
  width: number;
  height: number;
}

export const COL_W = 126;
export const ROW_H = 60;
export const MAX_ROWS = 10;
const BOX_PAD = 14;
const BOX_TITLE = 20;
const MARGIN = 16;

/** Longest-path ranks from the sources; a back edge of a cycle (found by DFS) does not push ranks. */
export function ranks(ids: readonly string[], edges: LayoutInput['edges']): Map<string, number> {
  const out = new Map<string, string[]>();
  const indeg = new Map<string, number>(ids.map((i) => [i, 0]));
  for (const e of edges) {
    if (e.source === e.target) continue;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
  }
  // Drop back edges (DFS from every node in id order, deterministic).
  const state = new Map<string, 1 | 2>();
  const forward = new Map<string, string[]>();
  const visit = (n: string) => {
    state.set(n, 1);
    for (const t of out.get(n) ?? []) {
      if (state.get(t) === 1) continue;
      (forward.get(n) ?? forward.set(n, []).get(n)!).push(t);
      indeg.set(t, (indeg.get(t) ?? 0) + 1);
      if (!state.has(t)) visit(t);
    }
    state.set(n, 2);
  };
  for (const i of ids) if (!state.has(i)) visit(i);
  const rank = new Map<string, number>(ids.map((i) => [i, 0]));
  const queue = ids.filter((i) => (indeg.get(i) ?? 0) === 0);
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q]!;
    for (const t of forward.get(n) ?? []) {
      rank.set(t, Math.max(rank.get(t)!, rank.get(n)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  return rank;
}

export function layoutGraph(g: LayoutInput): Layout {
  const ids = g.nodes.map((n) => n.id);
  const rank = ranks(ids, g.edges);
  const ns = new Map(g.nodes.map((n) => [n.id, n.namespace]));
  const label = new Map(g.nodes.map((n) => [n.id, n.label]));
  const preds = new Map<string, string[]>();
  for (const e of g.edges)
    if (e.source !== e.target) (preds.get(e.target) ?? preds.set(e.target, []).get(e.target)!).push(e.source);
  // Namespaces: their nodes per rank.
  const spaces = new Map<string, Map<number, string[]>>();
  for (const id of ids) {
    const cols = spaces.get(ns.get(id)!) ?? spaces.set(ns.get(id)!, new Map()).get(ns.get(id)!)!;
    const r = rank.get(id)!;
    (cols.get(r) ?? cols.set(r, []).get(r)!).push(id);
  }
  const maxRank = Math.max(0, ...rank.values());
  // Sub-columns each rank needs (the widest namespace in that rank).
  const sub = new Array<number>(maxRank + 1).fill(1);
  for (const cols of spaces.values())
    for (const [r, list] of cols) sub[r] = Math.max(sub[r]!, Math.ceil(list.length / MAX_ROWS));
  const colX: number[] = [];
  let x = MARGIN + BOX_PAD + COL_W / 2;
  for (let r = 0; r <= maxRank; r++) {
    colX.push(x);
    x += sub[r]! * COL_W;
  }
  const width = x - COL_W / 2 + BOX_PAD + MARGIN;
  // Order inside each column by the barycentre of callers' rows, rank by rank (callers already placed).
  const row = new Map<string, number>();
  const order = [...spaces.keys()].sort(
    (a, b) => minRank(spaces.get(a)!) - minRank(spaces.get(b)!) || cmp(a, b),
  );
  for (let r = 0; r <= maxRank; r++)
    for (const space of order) {
      const list = spaces.get(space)!.get(r);
      if (!list) continue;
      const bary = (id: string) => {
        const ps = (preds.get(id) ?? []).map((p) => row.get(p)).filter((v): v is number => v !== undefined);
        return ps.length === 0 ? Number.POSITIVE_INFINITY : ps.reduce((a, b) => a + b, 0) / ps.length;
      };
      list.sort((a, b) => bary(a) - bary(b) || cmp(label.get(a)!, label.get(b)!) || cmp(a, b));
      for (let i = 0; i < list.length; i++) row.set(list[i]!, i);
    }
  // Boxes: stacked where their rank ranges overlap.
  const placedBoxes: { lo: number; hi: number; bottom: number }[] = [];
  const nodes = new Map<string, Placed>();
  const boxes: NamespaceBox[] = [];
  for (const space of order) {
    const cols = spaces.get(space)!;
    const rs = [...cols.keys()];
    const lo = Math.min(...rs);
    const hi = Math.max(...rs);
    let rows = 1;
    for (const list of cols.values()) rows = Math.max(rows, Math.min(MAX_ROWS, list.length));
    const top = Math.max(
      MARGIN,
      ...placedBoxes.filter((b) => b.lo <= hi && lo <= b.hi).map((b) => b.bottom + BOX_PAD),
    );
    const height = BOX_TITLE + rows * ROW_H + BOX_PAD;
    for (const [r, list] of cols)
      list.forEach((id, i) => {
        const c = Math.floor(i / MAX_ROWS);
        const j = i % MAX_ROWS;
        const inCol = Math.min(MAX_ROWS, list.length - c * MAX_ROWS);
        // Short columns are centred in the box, so a chain of single nodes reads as a straight line.
        const y = top + BOX_TITLE + ((rows - inCol) * ROW_H) / 2 + j * ROW_H + ROW_H / 2 - 6;
        nodes.set(id, { id, x: colX[r]! + c * COL_W, y, rank: r });
      });
    const x0 = colX[lo]! - COL_W / 2;
    const x1 = colX[hi]! + (sub[hi]! - 1) * COL_W + COL_W / 2;
    boxes.push({ namespace: space, x: x0, y: top, width: x1 - x0, height });
    placedBoxes.push({ lo, hi, bottom: top + height });
  }
  const height = Math.max(...placedBoxes.map((b) => b.bottom), 0) + MARGIN;
  return { nodes, boxes, width, height };
}

function minRank(cols: Map<number, string[]>): number {
  return Math.min(...cols.keys());
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
