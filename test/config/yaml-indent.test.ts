import { describe, expect, it } from 'vitest';
import { findMisindent } from '../../src/config/yaml-indent.js';
import { parseYamlDocuments } from '../../src/config/yaml-source.js';

const VS = (body: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\nspec:\n  hosts:\n  - reviews\n  http:\n${body}`;

describe('an indentation mistake is one diagnostic at the line that causes it', () => {
  it('a key one column left of its siblings inside a sequence item', () => {
    const text = VS(
      '  - route:\n    - destination:\n        host: reviews\n      weight: 100\n     timeout: 5s\n',
    );
    const r = parseYamlDocuments(text, 'vs.yaml');
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '13:6 MSIM0001 YAML syntax error: line 13 is indented 5 spaces, but the blocks around it are at 0, 2, 4: YAML reads indentation as structure (the parser says: Sequence item without - indicator)',
    ]);
  });

  it('a key one column right of its sibling after a line with a value (the parser gives two messages)', () => {
    const r = parseYamlDocuments('metadata:\n  name: r\n   namespace: default\n', 'm.yaml');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 3, column: 4, code: 'MSIM0001' });
    expect(r.diagnostics[0]!.message).toMatch(
      /^YAML syntax error: line 3 is indented 3 spaces, but the blocks/,
    );
  });

  it('at the sibling indentation (2) the same document parses; at 1 and 3 it is refused at that line', () => {
    const doc = (n: number) => `metadata:\n  name: r\n${' '.repeat(n)}namespace: default\n`;
    expect(parseYamlDocuments(doc(2), 'm.yaml').diagnostics).toEqual([]);
    for (const n of [1, 3]) expect(parseYamlDocuments(doc(n), 'm.yaml').diagnostics[0]!.line).toBe(3);
  });
});

describe('findMisindent leaves valid block YAML alone', () => {
  const ok = [
    'a:\n  b: 1\n  c:\n    - x\n    - y: 1\n      z: 2\nd: 3',
    'a:\n- b: 1\n  c: 2\n- d\ne: |\n  text\n     more text\n  end\nf: 1',
    'traffic:\n  - {\n      name: frontend,\n   rate: 1000/s,\n    }\n  - { name: b }\nnext: 1',
    '# comment\n\na: 1\n   # indented comment\nb: 2',
  ];
  for (const text of ok)
    it(JSON.stringify(text.slice(0, 24)), () => {
      expect(findMisindent(text.split('\n'), 0, 100)).toBeUndefined();
    });
});
