/**
 * What a host element was last drawn from. A redraw with the same signature (a rerun of the same model,
 * a redraw after another part of the page changed) leaves the DOM alone: rewriting equal attributes and
 * texts still costs the page style, layout and paint. Signatures are exact (JSON of the drawing's
 * inputs), never hashes, so a different input always redraws.
 */
const drawn = new WeakMap<Element, string>();

/**
 * The signature of a drawing's inputs: their JSON, with what plain JSON loses kept: NaN and ±Infinity
 * apart (JSON writes all three as null, and they draw differently), Maps and Sets by their entries, typed
 * arrays by their values. Tags start with U+0000, which no name or label of a model carries.
 */
export function signature(inputs: unknown): string {
  return JSON.stringify(inputs, keepAll);
}

function keepAll(_key: string, v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `\u0000${v}`;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return ['\u0000Map', ...v];
  if (v instanceof Set) return ['\u0000Set', ...v];
  if (ArrayBuffer.isView(v)) return ['\u0000View', ...Array.from(v as unknown as ArrayLike<number>)];
  return v;
}

/** Calls `draw` unless `host` was last drawn from `signature`; returns whether it drew. */
export function drawUnlessSame(host: Element, signature: string, draw: () => void): boolean {
  if (drawn.get(host) === signature) return false;
  // Forgotten first: a draw that throws leaves the host to be drawn again next time.
  drawn.delete(host);
  draw();
  drawn.set(host, signature);
  return true;
}

/** Records that `host` now shows what `signature` describes (drawn by code that did not ask first). */
export function remember(host: Element, signature: string): void {
  drawn.set(host, signature);
}

/** Forgets what `host` was drawn from (its content was cleared or replaced by other code). */
export function forgetDrawn(host: Element): void {
  drawn.delete(host);
}

/**
 * Makes `host`'s element children the given items in order, keeping each child whose signature is the
 * same as its item's and building the others (`make`); extra children are removed.
 */
export function syncChildren(
  host: Element,
  items: readonly { signature: string; make: () => Element }[],
): void {
  items.forEach((item, i) => {
    const old = host.children[i];
    if (old !== undefined && drawn.get(old) === item.signature) return;
    const next = item.make();
    drawn.set(next, item.signature);
    if (old === undefined) host.append(next);
    else host.replaceChild(next, old);
  });
  while (host.children.length > items.length) host.lastElementChild!.remove();
}
