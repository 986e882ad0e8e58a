import type { HeaderOperations } from '../../config/types.js';
import type { HeaderMap } from '../header-map.js';

/** Pseudo-headers and `host` cannot be set, added or removed by header operations (Istio's isInternalHeader). */
export function isInternalHeader(name: string): boolean {
  return name.charCodeAt(0) === 58 /* ':' */ || name.toLowerCase() === 'host';
}

/**
 * The authority a header operation block rewrites (a `:authority` or `host` entry in `set` or `add`, `set`
 * winning): istiod turns it into host_rewrite_literal instead of a header op [I:route.go TranslateHeadersOperations].
 */
export function authorityFromHeaderOps(ops: HeaderOperations | undefined): string | undefined {
  if (ops === undefined) return undefined;
  let fromAdd: string | undefined;
  let fromSet: string | undefined;
  for (const [k, v] of Object.entries(ops.add)) if (isAuthority(k)) fromAdd = v;
  for (const [k, v] of Object.entries(ops.set)) if (isAuthority(k)) fromSet = v;
  return fromSet ?? fromAdd;
}

function isAuthority(name: string): boolean {
  const n = name.toLowerCase();
  return n === ':authority' || n === 'host';
}

/**
 * Envoy's HeaderParser for one level (route or weighted cluster), compiled from Istio header operations
 * (Istio route.go rewrite/redirect/headers): removes first, then each entry in order: `set` → OVERWRITE_IF_EXISTS_OR_ADD, `add` →
 * APPEND_IF_EXISTS_OR_ADD (a second value is joined with ",", as Envoy joins repeated headers when
 * matching). Several blocks concatenate in order, as istiod appends a single destination's operations to
 * the route's. Internal headers are dropped at compile time.
 */
export class HeaderMutations {
  private readonly removes: string[] = [];
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private readonly appends: boolean[] = [];

  private constructor(blocks: readonly (HeaderOperations | undefined)[]) {
    for (const ops of blocks) {
      if (ops === undefined) continue;
      for (const n of ops.remove) if (!isInternalHeader(n)) this.removes.push(n.toLowerCase());
      this.addEntries(ops.set, false);
      this.addEntries(ops.add, true);
    }
  }

  /** The compiled mutations, or undefined when the blocks do nothing (so the hot path skips them). */
  static compile(...blocks: (HeaderOperations | undefined)[]): HeaderMutations | undefined {
    const m = new HeaderMutations(blocks);
    return m.removes.length === 0 && m.names.length === 0 ? undefined : m;
  }

  private addEntries(entries: Readonly<Record<string, string>>, append: boolean): void {
    // istiod sorts each list by header name (SortHeaderValueOption).
    for (const name of Object.keys(entries).sort()) {
      if (isInternalHeader(name)) continue;
      this.names.push(name.toLowerCase());
      this.values.push(entries[name]!);
      this.appends.push(append);
    }
  }

  apply(headers: HeaderMap): void {
    for (let i = 0; i < this.removes.length; i++) headers.delete(this.removes[i]!);
    for (let i = 0; i < this.names.length; i++) {
      const n = this.names[i]!;
      const prev = this.appends[i] ? headers.get(n) : undefined;
      headers.set(n, prev === undefined ? this.values[i]! : `${prev},${this.values[i]!}`);
    }
  }
}
