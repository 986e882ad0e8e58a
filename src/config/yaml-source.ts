import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type Document } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/** Limits that keep hostile input (alias bombs, giant files, deep nesting) from hanging the process. */
export const YAML_LIMITS = {
  maxAliasCount: 100,
  maxBytes: 20 * 1024 * 1024,
  maxDepth: 64,
};

export type YamlPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** One YAML document of a file, as plain data plus a way back to positions. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
  /** Position of the node at `path` (its key when `key` is set), or of the deepest ancestor that exists. */
  locate(path: YamlPath, opts?: { key?: boolean }): Position;
}

/**
 * Parses a multi-document YAML text with positions. YAML 1.1 is used because that is how Kubernetes
 * (go-yaml) reads manifests: `yes`/`on` are booleans and `0777` is octal. Never throws.
 */
export function parseYamlDocuments(
  text: string,
  file: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fileError = (code: string, message: string, pos: Position = { line: 0, column: 0 }) =>
    diagnostics.push({ severity: 'error', code, message, file, ...pos });
  if (text.length > YAML_LIMITS.maxBytes) {
    fileError(
      'MSIM0002',
      `file is ${(text.length / 1048576).toFixed(1)} MiB; the limit is ${YAML_LIMITS.maxBytes / 1048576} MiB`,
    );
    return { documents: [], diagnostics };
  }
  if (text.includes('\u0000')) {
    fileError('MSIM0003', 'file contains NUL bytes: not a YAML text file');
    return { documents: [], diagnostics };
  }
  const lc = new LineCounter();
  const pos = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      version: '1.1',
      lineCounter: lc,
      prettyErrors: false,
      uniqueKeys: true,
    }) as Document.Parsed[];
  } catch (e) {
    const m = (e as Error)?.message ?? String(e);
    if (/call stack/i.test(m))
      fileError(
        'MSIM0005',
        `document nests too deeply to parse; the limit is ${YAML_LIMITS.maxDepth} levels`,
      );
    else fileError('MSIM0001', `YAML could not be parsed: ${m}`);
    return { documents: [], diagnostics };
  }
  if (!Array.isArray(docs)) docs = [];
  const documents: SourceDocument[] = [];
  docs.forEach((doc, index) => {
    for (const err of doc.errors) {
      // The parser recurses per nesting level: absurd nesting overflows the stack (a hostile input).
      if (/call stack/i.test(err.message)) {
        if (diagnostics.some((d) => d.code === 'MSIM0005')) continue;
        fileError(
          'MSIM0005',
          `document nests too deeply to parse; the limit is ${YAML_LIMITS.maxDepth} levels`,
          pos(err.pos[0]),
        );
      } else fileError('MSIM0001', `YAML syntax error: ${firstLine(err.message)}`, pos(err.pos[0]));
    }
    for (const warn of doc.warnings) {
      diagnostics.push({
        severity: 'warning',
        code: 'MSIM0004',
        message: `YAML: ${firstLine(warn.message)}`,
        file,
        ...pos(warn.pos[0]),
      });
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null) return; // empty document (e.g. a trailing ---)
    const depth = nodeDepth(doc.contents as Node, 0);
    if (depth > YAML_LIMITS.maxDepth) {
      fileError(
        'MSIM0005',
        `document nests ${depth} levels deep; the limit is ${YAML_LIMITS.maxDepth}`,
        pos(rangeStart(doc.contents as Node)),
      );
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
    } catch (e) {
      fileError(
        'MSIM0006',
        `YAML could not be expanded: ${firstLine((e as Error).message)}`,
        pos(rangeStart(doc.contents as Node)),
      );
      return;
    }
    documents.push({
      file,
      index,
      value,
      locate: (path, opts) => pos(locateOffset(doc, path, opts?.key === true)),
    });
  });
  return { documents, diagnostics };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function rangeStart(node: Node | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function nodeDepth(node: Node, depth: number): number {
  if (depth > YAML_LIMITS.maxDepth) return depth;
  let max = depth;
  if (isMap(node)) {
    for (const pair of node.items)
      if (pair.value && typeof pair.value === 'object')
        max = Math.max(max, nodeDepth(pair.value as Node, depth + 1));
  } else if (isSeq(node)) {
    for (const item of node.items)
      if (item && typeof item === 'object') max = Math.max(max, nodeDepth(item as Node, depth + 1));
  }
  return max;
}

function locateOffset(doc: Document.Parsed, path: YamlPath, wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node as Node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) return offset;
      if (last && wantKey) return rangeStart(pair.key as Node);
      node = pair.value;
      offset = pair.value ? rangeStart(pair.value as Node) : rangeStart(pair.key as Node);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) return offset;
      node = item;
      offset = rangeStart(item as Node);
    } else {
      return offset;
    }
  }
  return offset;
}
