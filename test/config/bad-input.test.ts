import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse, stringify } from 'yaml';
import { analyzeMesh, CODES, type Diagnostic, loadManifests } from '../../src/config/index.js';
import { codes } from './helpers.js';

const recipe = readdirSync('models/recipe')
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml'))
  .sort()
  .map((f) => ({ file: f, text: readFileSync(`models/recipe/${f}`, 'utf8') }));

function wellFormed(ds: readonly Diagnostic[]): void {
  for (const d of ds) {
    expect(Object.hasOwn(CODES, d.code), d.code).toBe(true);
    expect(['error', 'warning', 'info']).toContain(d.severity);
    expect(Number.isInteger(d.line) && d.line >= 0 && Number.isInteger(d.column) && d.column >= 0).toBe(true);
    expect(typeof d.message).toBe('string');
  }
}

/** Loads and analyzes; must never throw. */
function survive(inputs: { file: string; text: string }[]): Diagnostic[] {
  const { config, diagnostics } = loadManifests(inputs);
  const all = [...diagnostics, ...analyzeMesh(config)];
  wellFormed(all);
  return all;
}

describe('hostile and broken input: positioned diagnostics, never a throw or a hang', () => {
  it.each([
    ['empty file', '', ['MSIM0008', 'MSIM0009']],
    ['only comments', '# nothing\n---\n# here\n', ['MSIM0008', 'MSIM0009']],
    ['binary junk', '\u0000\u0001\u00ff\u00fe', ['MSIM0003']],
    ['malformed YAML', 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n', ['MSIM0001']],
    ['tab indentation', 'apiVersion: v1\nkind: Service\n\tmetadata: {}\n', ['MSIM0001']],
    ['duplicate keys', 'apiVersion: v1\napiVersion: v2\nkind: Service\n', ['MSIM0001']],
    ['a scalar document', 'just text', ['MSIM0010']],
    [
      'wrong types everywhere',
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: []\nspec: 7\n',
      ['IST0106', 'IST0106'],
    ],
  ])('%s', (_name, text, expected) => {
    const ds = survive([{ file: 'x.yaml', text }]);
    expect(codes(ds)).toEqual(expected);
    expect(ds.every((d) => d.severity !== 'error' || d.line >= 0)).toBe(true);
  });

  it('a 50 MB file is refused without parsing it', () => {
    const t0 = performance.now();
    const ds = survive([{ file: 'big.yaml', text: `a: "${'x'.repeat(50 * 1024 * 1024)}"` }]);
    expect(codes(ds)).toEqual(['MSIM0002']);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('an alias bomb (billion laughs) is refused', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const ds = survive([{ file: 'bomb.yaml', text: `${bomb.join('\n')}\n` }]);
    expect(codes(ds)).toEqual(['MSIM0006']);
  });

  it('deep nesting (flow and block) is refused with MSIM0005', () => {
    const flow = survive([{ file: 'f.yaml', text: `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n` }]);
    expect(codes(flow)).toEqual(['MSIM0005']);
    const block = survive([
      { file: 'b.yaml', text: Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') },
    ]);
    expect(codes(block)).toEqual(['MSIM0005']);
  });

  it('a byte-order mark and CRLF line endings are fine', () => {
    const text = '\uFEFFapiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: production\r\n';
    expect(survive([{ file: 'crlf.yaml', text }])).toEqual([]);
  });
});

describe('property: loadManifests and analyzeMesh never throw', () => {
  it('on text mutations of the recipe manifests', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(40) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ maxLength: 12 }) }),
      fc.record({
        kind: fc.constant('insertYaml' as const),
        at: fc.nat(),
        s: fc.constantFrom(
          ': ',
          '- ',
          '&a ',
          '*a',
          '!!int ',
          '{',
          '[',
          '"',
          "'",
          '\t',
          '\n  ',
          '---\n',
          '? ',
          '|\n',
          '~',
          'null',
          'yes',
          '0x1F',
        ),
      }),
      fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.nat(recipe.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (which, muts) => {
          let text = recipe[which]!.text;
          for (const m of muts) {
            if (m.kind === 'delete') {
              const at = m.at % (text.length + 1);
              text = text.slice(0, at) + text.slice(at + m.len);
            } else if (m.kind === 'insert' || m.kind === 'insertYaml') {
              const at = m.at % (text.length + 1);
              text = text.slice(0, at) + m.s + text.slice(at);
            } else {
              const lines = text.split('\n');
              const a = m.a % lines.length;
              const b = m.b % lines.length;
              [lines[a], lines[b]] = [lines[b]!, lines[a]!];
              text = lines.join('\n');
            }
          }
          survive([{ file: 'mutated.yaml', text }, ...recipe.filter((_, i) => i !== which)]);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });

  it('on structural mutations: any value at any path of any recipe document', () => {
    const plain = recipe.flatMap((r) => r.text.split(/^---$/m)).map((t) => yamlParse(t) as unknown);
    fc.assert(
      fc.property(
        fc.nat(plain.length - 1),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.oneof(
          fc.anything({ maxDepth: 3 }),
          fc.string(),
          fc.double(),
          fc.integer(),
          fc.constant(null),
          fc.boolean(),
        ),
        (which, route, replacement) => {
          const doc = structuredClone(plain[which]);
          setAlong(doc, route, replacement);
          survive([{ file: 'structural.yaml', text: safeStringify(doc) }]);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });
});

/** Walks `route` (indices into keys/items) and replaces the node reached. */
function setAlong(root: unknown, route: number[], value: unknown): void {
  let node = root;
  for (let i = 0; i < route.length; i++) {
    if (node === null || typeof node !== 'object') return;
    const keys = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    if (keys.length === 0) return;
    const k = keys[route[i]! % keys.length]!;
    const last = i === route.length - 1;
    const child = (node as Record<string | number, unknown>)[k];
    if (last || child === null || typeof child !== 'object') {
      (node as Record<string | number, unknown>)[k] = value;
      return;
    }
    node = child;
  }
}

function safeStringify(v: unknown): string {
  try {
    return stringify(v);
  } catch {
    return String(v);
  }
}
