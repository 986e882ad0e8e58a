/**
 * A copy of a document with the parts that failed schema validation removed, re-parsed until it is
 * valid (or a few rounds pass), so the cross-field rules can still run on the rest and one
 * `meshsim validate` run reports every problem instead of one layer at a time.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Key = string | number;

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v !== null && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/** Removes the value at `path`: a key of its object, or (for list items) the list's own key. */
function remove(root: unknown, path: readonly Key[]): boolean {
  let p = [...path];
  while (p.length > 0 && typeof p[p.length - 1] === 'number') p = p.slice(0, -1);
  if (p.length === 0) return false;
  let node: unknown = root;
  for (const k of p.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<Key, unknown>)[k];
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const key = p[p.length - 1]!;
  if (!Object.hasOwn(node, key)) return false;
  delete (node as Record<Key, unknown>)[key];
  return true;
}

export function withoutInvalidParts(schema: z.ZodType, value: unknown, issues: readonly Issue[]): unknown {
  const copy = clone(value);
  let current = issues;
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const issue of current) {
      const path = issue.path.filter((k): k is Key => typeof k !== 'symbol');
      if (issue.code === 'unrecognized_keys')
        for (const k of issue.keys) changed = remove(copy, [...path, k]) || changed;
      else changed = remove(copy, path) || changed;
    }
    const again = schema.safeParse(copy);
    if (again.success) return again.data;
    if (!changed) return undefined;
    current = again.error.issues;
  }
  return undefined;
}
