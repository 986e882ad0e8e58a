import type { HeaderOperations } from '../../config/types.js';

/**
 * Applies Istio header operations (semantics §1.4): `set` overwrites, `add` appends (a second value is
 * joined with ","), `remove` deletes. Pseudo-headers and `host` are never removed.
 */
export function applyHeaderOperations(headers: Map<string, string>, ops: HeaderOperations | undefined): void {
  if (ops === undefined) return;
  for (const name of ops.remove) {
    const n = name.toLowerCase();
    if (n.startsWith(':') || n === 'host') continue;
    headers.delete(n);
  }
  for (const [name, value] of Object.entries(ops.set)) headers.set(name.toLowerCase(), value);
  for (const [name, value] of Object.entries(ops.add)) {
    const n = name.toLowerCase();
    const prev = headers.get(n);
    headers.set(n, prev === undefined ? value : `${prev},${value}`);
  }
}
