import { isMap, isScalar, isSeq, parse, parseAllDocuments, Scalar } from 'yaml';

export type YamlPath = readonly (string | number)[];
export type YamlValue = string | number | boolean | null;

/**
 * Sets one value in a (possibly multi-document) YAML text with the `yaml` package's Document API, so
 * every comment and every other byte survives: an existing scalar is replaced in place (its source range
 * spliced, quoting style kept); a missing key is created with `setIn` and only that document is
 * re-serialised. `null` deletes the key (the field falls back to its default).
 */
export function setYamlValue(text: string, docIndex: number, path: YamlPath, value: YamlValue): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const doc = docs[docIndex];
  if (doc === undefined) return text;
  const node = doc.getIn(path, true);
  if (value !== null && isScalar(node) && node.range) {
    const [start, end] = node.range;
    return text.slice(0, start) + scalarSource(value, node) + text.slice(end);
  }
  if (value === null) {
    if (node === undefined) return text;
    doc.deleteIn(path);
  } else doc.setIn(path, value);
  return replaceDocument(text, docs, docIndex, doc.toString({ indentSeq: indentsSequences(text) }));
}

/** Appends an item to a sequence (creating it if missing), e.g. a failure event to spec.events. */
export function appendYamlItem(text: string, docIndex: number, path: YamlPath, item: unknown): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const doc = docs[docIndex];
  if (doc === undefined) return text;
  const seq = doc.getIn(path, true);
  const node = doc.createNode(item);
  if (isSeq(seq)) seq.items.push(node);
  else doc.setIn(path, doc.createNode([item]));
  return replaceDocument(text, docs, docIndex, doc.toString({ indentSeq: indentsSequences(text) }));
}

function scalarSource(value: string | number | boolean, old: Scalar): string {
  if (typeof value !== 'string') return String(value);
  if (old.type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  const plainSafe = value !== '' && !/[,[\]{}#&*!|>'"%@`:]|^[-?\s]|\s$/.test(value) && parse(value) === value;
  return old.type === Scalar.QUOTE_DOUBLE || !plainSafe ? JSON.stringify(value) : value;
}

/** Replaces document `i`'s source with `replacement`, keeping the text between documents. */
function replaceDocument(
  text: string,
  docs: readonly { range: [number, number, number] }[],
  i: number,
  replacement: string,
): string {
  const start = i === 0 ? 0 : docs[i - 1]!.range[2];
  const end = docs[i]!.range[2];
  let body = replacement;
  // Keep the separator as written (the previous document's end is where '---' starts).
  if (i > 0 && !body.startsWith('---')) body = `---\n${body}`;
  if (!body.endsWith('\n') && end < text.length) body += '\n';
  return text.slice(0, start) + body + text.slice(end);
}

/** Whether the file indents block sequences under their key (`key:\n  - a`) or not (`key:\n- a`). */
function indentsSequences(text: string): boolean {
  return !/^( *)[^\s#-][^\n]*:\n\1- /m.test(text);
}

/** The value at a path (undefined when missing), for knobs that read the YAML. */
export function getYamlValue(text: string, docIndex: number, path: YamlPath): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  const n = docs[docIndex]?.getIn(path, true);
  if (isScalar(n)) return n.value;
  if (isMap(n) || isSeq(n)) return n.toJSON();
  return undefined;
}
