import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse, stringify } from 'yaml';
import { analyzeMesh, CODES, loadManifests } from '../../src/config/index.js';

const DIR = 'models/gateway-api';
// Every model's manifests, those in the per-step folders included (readdir order differs by platform).
const docs = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml'))
  .sort()
  .flatMap((f) => readFileSync(`${DIR}/${f}`, 'utf8').split(/^---$/m))
  .map((t) => yamlParse(t) as unknown)
  .filter((d) => JSON.stringify(d).includes('gateway.networking.k8s.io'));
const versions = readFileSync(`${DIR}/product-service-versions.yaml`, 'utf8');

/** Every path to a node of `v`, parents before children. */
function paths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v))
    v.forEach((x, i) => {
      paths(x, [...at, i], out);
    });
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function replaced(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

describe('Gateway API documents with any value at any path: positioned diagnostics, never a throw', () => {
  it('load + translate + analyze survive 100 structural mutations', () => {
    expect(docs.length).toBeGreaterThanOrEqual(14);
    fc.assert(
      fc.property(
        fc.nat(docs.length - 1),
        fc.nat(),
        fc.oneof(
          fc.anything({ maxDepth: 2 }),
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.constant('*.x'),
        ),
        (which, at, value) => {
          const doc = docs[which]!;
          const all = paths(doc);
          const text = stringify(replaced(doc, all[at % all.length]!, value));
          const { config, diagnostics } = loadManifests([
            { file: 'fuzz.yaml', text },
            { file: 'versions.yaml', text: versions },
          ]);
          for (const d of [...diagnostics, ...analyzeMesh(config)]) {
            expect(Object.hasOwn(CODES, d.code), d.code).toBe(true);
            expect(d.code).not.toBe('MSIM0000');
            expect(Number.isInteger(d.line) && d.line >= 0).toBe(true);
          }
        },
      ),
      { numRuns: 100, seed: 19 },
    );
  });
});
