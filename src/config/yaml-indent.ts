/**
 * The line a block-style YAML document is mis-indented at, for a syntax error the parser reports in
 * its own terms ("Nested mappings are not allowed in compact mappings", "Sequence item without -
 * indicator", ...), often two or three messages for the one cause. YAML reads indentation as structure,
 * so a line is suspect when its indentation opens a block nothing opened (deeper than its sibling,
 * after a line that has a value of its own), or returns to a level that no enclosing block has.
 * Linear in the lines scanned; flow style (`{}`/`[]`), block scalars and comments are left alone.
 */
export interface Misindent {
  /** 1-based line. */
  line: number;
  indent: number;
  /** Indentations of the blocks enclosing it, outermost first. */
  expected: number[];
}

const BLOCK_SCALAR = /[|>][-+0-9]*\s*(#.*)?$/;

export function findMisindent(lines: readonly string[], from: number, to: number): Misindent | undefined {
  // Open block levels: each entry is the indentation of a key (or sequence item) that encloses the line.
  const stack: number[] = [];
  let opensBlock = true; // the previous content line ends with ':' (or is a bare '-'): a deeper line is fine
  let scalarIndent = -1; // inside a block scalar: lines deeper than its key are text
  let flowDepth = 0; // inside a flow collection spread over lines: indentation means nothing there
  for (let i = from; i < Math.min(lines.length, to); i++) {
    const raw = lines[i]!;
    const text = raw.trimStart();
    if (text === '' || text.startsWith('#') || text === '---' || text === '...') continue;
    const indent = raw.length - text.length;
    const wasInFlow = flowDepth > 0;
    flowDepth = Math.max(0, flowDepth + bracketBalance(text));
    if (wasInFlow) continue;
    if (scalarIndent >= 0) {
      if (indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    const top = stack.length > 0 ? stack[stack.length - 1]! : -1;
    if (indent > top) {
      if (!opensBlock && stack.length > 0) return { line: i + 1, indent, expected: [...stack] };
      stack.push(indent);
    } else if (indent < top) {
      while (stack.length > 0 && stack[stack.length - 1]! > indent) stack.pop();
      if (stack.length === 0 || stack[stack.length - 1] !== indent)
        return { line: i + 1, indent, expected: [...stack, ...(stack.length === 0 ? [0] : [])] };
    }
    // A sequence item "- key: v" puts its key two columns deeper: the key's siblings align with it.
    let body = text;
    let bodyIndent = indent;
    while (body.startsWith('- ') || body === '-') {
      const rest = body.slice(1).trimStart();
      bodyIndent += body.length - rest.length;
      body = rest;
      if (body !== '' && stack[stack.length - 1] !== bodyIndent) stack.push(bodyIndent);
    }
    const content = body.replace(/\s+#.*$/, '');
    if (BLOCK_SCALAR.test(content) && /:\s*[|>]/.test(content)) {
      scalarIndent = bodyIndent;
      opensBlock = false;
      continue;
    }
    opensBlock = content === '' || content.endsWith(':');
  }
  return undefined;
}

/** Opening minus closing flow brackets on a line, outside quotes and comments (a rough count). */
function bracketBalance(text: string): number {
  let n = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || text[i - 1] === ' ')) break;
    else if (ch === '{' || ch === '[') n++;
    else if (ch === '}' || ch === ']') n--;
  }
  return n;
}
