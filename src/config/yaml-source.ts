import { findMisindent } from './yaml-indent.js';
import {
  CST,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  type Document,
} from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { formatCount, LIMITS } from './limits.js';

/** Limits that keep hostile input (alias bombs, giant files, deep nesting) from hanging the process. */
export const YAML_LIMITS = {
  maxAliasCount: LIMITS.maxYamlAliases,
  maxBytes: LIMITS.maxFileBytes,
  maxDepth: LIMITS.maxYamlDepth,
  maxNodes: LIMITS.maxYamlNodes,
  maxKeys: LIMITS.maxYamlKeys,
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
  // Nodes are counted on the token stream, which costs no memory, before any node is built: the byte
  // limit alone lets 3 MB of `[1,1,1,...]` build 1.5 M nodes (over 1.5 GB).
  const over = nodeLimitOffset(text);
  if (over !== undefined) {
    fileError(
      'MSIM0015',
      `file has more than ${formatCount(YAML_LIMITS.maxNodes)} YAML nodes (scalars, collections, aliases); meshsim's limit is ${formatCount(YAML_LIMITS.maxNodes)} per file: split it`,
      positionOf(text, over),
    );
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
      // The library's own check compares each key with every other (quadratic: 50,000 keys took 18 s);
      // checkTree() does it with a Set.
      uniqueKeys: false,
      // Never let the library print to the console or emit process warnings: findings are diagnostics.
      logLevel: 'error',
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
  let lines: string[] | undefined;
  docs.forEach((doc, index) => {
    // Indentation mistakes come as two or three parser messages; name the line and the cause once.
    const syntax = doc.errors.find((e) => !/call stack/i.test(e.message));
    if (syntax !== undefined) {
      lines ??= text.split('\n');
      const at = pos(syntax.pos[0]).line;
      const m = findMisindent(lines, pos(doc.range[0]).line - 1, at + 3);
      if (m !== undefined && Math.abs(m.line - at) <= 3) {
        fileError(
          'MSIM0001',
          `YAML syntax error: line ${m.line} is indented ${m.indent} spaces, but the blocks around it are at ${m.expected.join(', ')}: YAML reads indentation as structure (the parser says: ${firstLine(syntax.message)})`,
          { line: m.line, column: m.indent + 1 },
        );
        return;
      }
    }
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
    const problem = checkTree(doc.contents as Node);
    if (problem) {
      fileError(problem.code, problem.message, pos(problem.offset));
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

/** Token types that start a node: one per scalar, flow collection or alias. */
const NODE_TOKENS = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'alias',
  'flow-map-start',
  'flow-seq-start',
  'seq-item-ind',
]);

/** The offset where the node count passes the limit, or undefined. Linear, stops early. */
function nodeLimitOffset(text: string): number | undefined {
  // Fewer characters than the limit cannot hold more nodes than it (each node takes at least one).
  if (text.length <= YAML_LIMITS.maxNodes) return undefined;
  let nodes = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type !== null && NODE_TOKENS.has(type) && ++nodes > YAML_LIMITS.maxNodes) return offset;
    // The lexer's control markers (document and scalar starts) are not part of the text.
    if (type !== 'doc-mode' && type !== 'scalar' && type !== 'flow-error-end') offset += token.length;
  }
  return undefined;
}

/** 1-based line and column of an offset, without a LineCounter (the text was not parsed). */
function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

interface TreeProblem {
  code: 'MSIM0001' | 'MSIM0006' | 'MSIM0014' | 'MSIM0015';
  message: string;
  offset: number;
}

/**
 * One pass over a parsed document (depth already bounded): keys per mapping capped, duplicate keys
 * found with a Set (as the library's `uniqueKeys` would, linearly), collections used as keys refused
 * (JavaScript objects cannot hold them; the library would print its own warning and stringify them),
 * and an alias inside its own anchor refused (it would make a cyclic value that no check terminates on).
 */
function checkTree(root: Node): TreeProblem | undefined {
  const anchors = new Map<string, Node>();
  const open: Node[] = [];
  const visit = (node: unknown): TreeProblem | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined && open.includes(target))
        return {
          code: 'MSIM0006',
          message: `alias *${node.source} is inside its own anchor &${node.source}: the value would contain itself`,
          offset: rangeStart(node),
        };
      return undefined;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    open.push(n);
    const found = isMap(n) ? visitMap(n) : isSeq(n) ? visitItems(n.items) : undefined;
    open.pop();
    return found;
  };
  const visitItems = (items: readonly unknown[]): TreeProblem | undefined => {
    for (const item of items) {
      const found = visit(item);
      if (found) return found;
    }
    return undefined;
  };
  const visitMap = (m: Node & { items: unknown[] }): TreeProblem | undefined => {
    if (m.items.length > YAML_LIMITS.maxKeys)
      return {
        code: 'MSIM0015',
        message: `mapping has ${formatCount(m.items.length)} keys; meshsim's limit is ${formatCount(YAML_LIMITS.maxKeys)} keys per mapping`,
        offset: rangeStart(m),
      };
    const seen = new Set<string>();
    for (const pair of m.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      if (isMap(key) || isSeq(key))
        return {
          code: 'MSIM0014',
          message: `a ${isMap(key) ? 'mapping' : 'list'} is used as a key: Kubernetes and Istio keys are strings`,
          offset: rangeStart(key),
        };
      const id = keyIdentity(key);
      if (id !== undefined) {
        if (seen.has(id))
          return {
            code: 'MSIM0001',
            message: `YAML syntax error: Map keys must be unique (${JSON.stringify(String((key as { value?: unknown }).value ?? '').slice(0, 60))} is repeated)`,
            offset: rangeStart(key),
          };
        seen.add(id);
      }
      const found = visit(key) ?? visit(pair.value);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root);
}

/** What makes two keys equal for the library's uniqueKeys: the same scalar value (YAML 1.1 merge keys excepted). */
function keyIdentity(key: Node | null): string | undefined {
  if (key === null) return 'null:';
  if (!isScalar(key)) return undefined;
  const v = key.value;
  // YAML 1.1 merge keys (the library gives them a symbol value) may repeat.
  if (typeof v === 'symbol' || (v === '<<' && key.type === 'PLAIN')) return undefined;
  if (v instanceof Date) return `date:${v.getTime()}`;
  return `${typeof v}:${String(v)}`;
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

/** Each mapping's pairs by key, built on first use: locating N keys of a map is O(N), not O(N^2). */
const KEY_INDEX = new WeakMap<object, Map<string, Pair>>();

function keyIndex(map: { items: Pair[] }): Map<string, Pair> {
  let index = KEY_INDEX.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) {
      const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
      if (!index.has(k)) index.set(k, p);
    }
    KEY_INDEX.set(map, index);
  }
  return index;
}

function locateOffset(doc: Document.Parsed, path: YamlPath, wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node as Node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = keyIndex(node).get(String(seg));
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
