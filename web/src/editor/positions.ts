/**
 * meshsim diagnostics (1-based line:column) → CodeMirror ranges: from the column to the end of the
 * token there (a key or scalar), the whole first line when the diagnostic is about the file.
 */
export interface LineSource {
  lines: number;
  line(n: number): { from: number; to: number; text: string };
}

export function diagnosticRange(doc: LineSource, line: number, column: number): { from: number; to: number } {
  if (line < 1) {
    const l = doc.line(1);
    return { from: l.from, to: Math.max(l.to, l.from) };
  }
  const l = doc.line(Math.min(line, doc.lines));
  const col = Math.max(0, Math.min(column - 1, l.text.length));
  const rest = l.text.slice(col);
  const m = /^[^\s,{}[\]]+/.exec(rest);
  const len = m ? m[0].length : rest.trimEnd().length;
  const from = l.from + col;
  return { from, to: len > 0 ? from + len : Math.max(from, l.to) };
}
