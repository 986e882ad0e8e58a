import { type Document, parseAllDocuments, YAMLMap, YAMLSeq } from 'yaml';
import type { ManifestInput } from '../../config/load.js';

/**
 * Addresses any manifest or scenario field: `Kind/namespace/name:field.path` (`Kind/name:` when the
 * name is unique), or `Scenario:spec.field.path`. Path segments are separated by dots; a segment that
 * holds dots or is an index is written in brackets: `spec.subsets[0].name`, `spec.workloads["a.b"]`.
 */
export interface FieldAddress {
  kind: string;
  namespace: string | undefined;
  name: string | undefined;
  path: (string | number)[];
  /** As written. */
  text: string;
}

export type ParamValue = number | string | boolean;

export function parseFieldAddress(text: string): FieldAddress | string {
  const colon = text.indexOf(':');
  if (colon < 0)
    return `"${text}" needs "Kind/namespace/name:field.path" (or "Scenario:spec.path"); no ":" found`;
  const ref = text.slice(0, colon).split('/');
  const kind = ref[0] ?? '';
  if (!/^[A-Z][A-Za-z]*$/.test(kind)) return `"${kind}" is not a resource kind (such as DestinationRule)`;
  let namespace: string | undefined;
  let name: string | undefined;
  if (kind === 'Scenario') {
    if (ref.length > 1) return 'address the scenario as "Scenario:spec.path" (it is the only one)';
  } else if (ref.length === 2) name = ref[1];
  else if (ref.length === 3) [namespace, name] = [ref[1], ref[2]];
  else return `"${text.slice(0, colon)}" must be Kind/namespace/name or Kind/name`;
  if (name === '' || namespace === '') return `empty name in "${text.slice(0, colon)}"`;
  const path = parsePath(text.slice(colon + 1));
  if (typeof path === 'string') return path;
  return { kind, namespace, name, path, text };
}

function parsePath(p: string): (string | number)[] | string {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return `unclosed "[" in field path "${p}"`;
      const inner = p.slice(i + 1, end).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^(".*"|'.*')$/.test(inner)) out.push(inner.slice(1, -1));
      else return `"[${inner}]" in "${p}" must be an index or a quoted key`;
      i = end + 1;
      if (p[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
    const seg = p.slice(i, j);
    if (seg === '') return `empty segment in field path "${p}"`;
    out.push(/^\d+$/.test(seg) ? Number(seg) : seg);
    i = j;
    if (p[i] === '.') i++;
  }
  if (out.length === 0) return 'empty field path';
  return out;
}

interface Meta {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

/**
 * Applies field assignments to the texts of a scenario and its manifests with the `yaml` Document API
 * (comments and untouched documents keep their text) and returns new texts, so each sweep point is
 * loaded and validated exactly like user input. Returns a message when an address matches no resource
 * or more than one.
 */
export function applyAssignments(
  inputs: readonly ManifestInput[],
  assignments: readonly { address: FieldAddress; value: ParamValue }[],
): ManifestInput[] | string {
  const parsed = inputs.map((f) => ({
    file: f.file,
    text: f.text,
    docs: undefined as Document[] | undefined,
  }));
  const changed = new Set<number>();
  for (const { address, value } of assignments) {
    const hits: { f: number; d: Document }[] = [];
    parsed.forEach((f, fi) => {
      f.docs ??= parseAllDocuments(f.text, { version: '1.1' }) as Document[];
      for (const d of f.docs) {
        const v = d.toJS({ maxAliasCount: 100 }) as Meta | null;
        if (v?.kind !== address.kind) continue;
        if (address.kind !== 'Scenario') {
          if (v.metadata?.name !== address.name) continue;
          const ns = typeof v.metadata?.namespace === 'string' ? v.metadata.namespace : 'default';
          if (address.namespace !== undefined && ns !== address.namespace) continue;
        }
        hits.push({ f: fi, d });
      }
    });
    const what = address.text.slice(0, address.text.indexOf(':'));
    if (hits.length === 0) return `${what}: no such resource in the scenario or its manifests`;
    if (hits.length > 1)
      return `${what}: ${hits.length} resources match; add the namespace (Kind/namespace/name)`;
    setCreating(hits[0]!.d, address.path, value);
    changed.add(hits[0]!.f);
  }
  return parsed.map((f, fi) => {
    if (!changed.has(fi) || f.docs === undefined) return { file: f.file, text: f.text };
    const text = f.docs
      .map((d, i) => {
        if (i > 0 && d.directives) d.directives.docStart = true;
        return d.toString();
      })
      .join('');
    return { file: f.file, text };
  });
}

/**
 * `setIn`, creating missing parents as plain maps (or sequences before an index): under the YAML 1.1
 * schema the Kubernetes loader uses, `setIn` alone would create `!!omap` nodes.
 */
function setCreating(d: Document, path: readonly (string | number)[], value: ParamValue): void {
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    if (!d.hasIn(prefix)) d.setIn(prefix, typeof path[i] === 'number' ? new YAMLSeq() : new YAMLMap());
  }
  d.setIn(path, value);
}

/** The resources a set of assignments touch, patched: the YAML `tune` recommends (ready to apply). */
export function patchedResources(
  inputs: readonly ManifestInput[],
  addresses: readonly FieldAddress[],
): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of inputs) {
    for (const d of parseAllDocuments(f.text, { version: '1.1' }) as Document[]) {
      const v = d.toJS({ maxAliasCount: 100 }) as Meta | null;
      if (v === null || typeof v.kind !== 'string' || v.kind === 'Scenario') continue;
      const ns = typeof v.metadata?.namespace === 'string' ? v.metadata.namespace : 'default';
      const hit = addresses.some(
        (a) =>
          a.kind === v.kind &&
          a.name === v.metadata?.name &&
          (a.namespace === undefined || a.namespace === ns),
      );
      const key = `${v.kind}/${ns}/${String(v.metadata?.name)}`;
      if (!hit || seen.has(key)) continue;
      seen.add(key);
      d.commentBefore = null;
      if (d.directives) d.directives.docStart = out.length > 0 ? true : null;
      out.push(d.toString());
    }
  }
  return out.join('');
}
