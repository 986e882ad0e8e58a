/**
 * A seeded fuzz campaign over the shipped models: each case mutates one scenario or one of its
 * manifests (numbers to extremes, strings to hostile text, keys deleted or repeated, deep nesting,
 * aliases, truncation, stray YAML tokens), then loads, validates, analyses and, when it loads, runs it
 * briefly. The contract it asserts, for every case:
 * - nothing throws and no internal error (MSIM0000) is reported: bad input ends in diagnostics;
 * - every diagnostic is well formed, and every error is positioned (line and column >= 1) unless it is
 *   about the file as a whole (too large, binary, no manifests, no Scenario document);
 * - loading takes bounded time, and so does a run of what was accepted (the limits table keeps it so);
 * - every run conserves requests: started = finished + in flight at the end.
 * Same seed, same cases: a failure prints its seed, case number and mutations, and replays exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { analyzeMesh, type Diagnostic, formatDiagnostic, loadManifests } from '../../src/config/index.js';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { runScenario } from '../../src/run/index.js';

// A longer campaign with another seed: MESHSIM_FUZZ_SEED=7 MESHSIM_FUZZ_CASES=5000 npx vitest run test/fuzz
const SEED = Number(process.env.MESHSIM_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.MESHSIM_FUZZ_CASES ?? 800);
/** Simulated time per accepted run: enough for requests to flow, short enough to bound the campaign. */
const RUN_MS = 300;
const LOAD_BUDGET_MS = 5000;
const RUN_BUDGET_MS = 15_000;

const MANIFEST_FIXTURES = [
  'test/fixtures/config/broken',
  'test/fixtures/config/recipe-verbatim',
  'models/recipe',
];
const MANIFEST_CASES = Math.round(CASES / 2);

const MODELS = [
  'models/canary/canary.scenario.yaml',
  'models/circuit-breaker/fortio-c2.scenario.yaml',
  'models/outlier/one-bad-of-three.scenario.yaml',
  'models/recipe/step04-header-routing.scenario.yaml',
  'models/recipe/step06-fault-injection.scenario.yaml',
  'models/recipe/step08-timeouts-retries.scenario.yaml',
  'models/recipe/step09-mirroring.scenario.yaml',
  'models/recipe/step10-zone-failover.scenario.yaml',
  'models/retry-storm/retry-storm.scenario.yaml',
];

/** Errors about a file as a whole, which have no line to point at. */
const FILE_LEVEL = new Set(['MSIM0002', 'MSIM0003', 'MSIM0009', 'MSIM2005']);

interface Input {
  file: string;
  text: string;
}
interface Model {
  scenario: Input;
  manifests: Input[];
}

function loadCorpus(): Model[] {
  return MODELS.map((path) => {
    const text = readFileSync(path, 'utf8');
    const scenario = parseAllDocuments(text)
      .map((d) => d.toJS() as { kind?: string; spec: { manifests?: string[] } })
      .find((d) => d?.kind === 'Scenario')!;
    const spec = scenario.spec;
    const manifests = (spec.manifests ?? []).map((m) => {
      const file = join(dirname(path), m);
      return { file, text: readFileSync(file, 'utf8') };
    });
    return { scenario: { file: path, text }, manifests };
  });
}

/** mulberry32: a tiny seeded generator (the product's RNG streams are not the point here). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREME_NUMBERS = [0, -1, 1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e12, 1e308, -1e308, 1e-9, Infinity, NaN];
const HOSTILE_STRINGS = [
  '',
  ' ',
  '*',
  '**',
  '*.*',
  '1s ',
  `1${'0'.repeat(400)}s`,
  '-1s',
  '1e308s',
  '0',
  '60',
  '1ns',
  '876000h',
  '[z-a]',
  '{a,b',
  '*'.repeat(24),
  'a'.repeat(300),
  '\t',
  'yes',
  '~',
  'http://',
  'http://x:99999/',
  'http://product-service:8080/' + 'a'.repeat(2000),
  '1000000000000/s',
  '1e12',
  '../../etc/passwd',
  'ü\u200b',
  '%{x}',
];
const YAML_TOKENS = [
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
  '<<: *a\n',
];

type Path = (string | number)[];

/** Every path in a plain value, for picking a mutation site (bounded: earlier mutations nest and alias). */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length > 100 || out.length > 5000) return out;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) paths(v[i], [...at, i], out);
  } else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function getAt(v: unknown, p: Path): unknown {
  let cur = v;
  for (const seg of p) cur = (cur as Record<string | number, unknown>)?.[seg];
  return cur;
}

function setAt(root: unknown, p: Path, value: unknown, remove = false): unknown {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const last = p[p.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, unknown>)[last];
  } else (parent as Record<string | number, unknown>)[last] = value;
  return root;
}

function nest(v: unknown, depth: number): unknown {
  let out = v;
  for (let i = 0; i < depth; i++) out = i % 2 === 0 ? [out] : { k: out };
  return out;
}

/** One mutation of a YAML text, as a structural change (re-serialised) or a textual one. */
function mutate(text: string, r: () => number): { text: string; what: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const op = Math.floor(r() * 10);
  if (op <= 5) {
    // Structural: on the first document of the file (the others are kept as written).
    const docs = text.split(/^---\s*$/m);
    const which = Math.floor(r() * docs.length);
    let value: unknown;
    try {
      value = yamlParse(docs[which]!, { version: '1.1' });
    } catch {
      return { text, what: 'unparseable, unchanged' };
    }
    const all = paths(value);
    const p = pick(all);
    const here = getAt(value, p);
    let what: string;
    if (op === 0 || (op === 1 && typeof here === 'number')) {
      const n = pick(EXTREME_NUMBERS);
      value = setAt(value, p, n);
      what = `number ${n} at ${p.join('.')}`;
    } else if (op === 1 || op === 2) {
      const s = pick(HOSTILE_STRINGS);
      value = setAt(value, p, s);
      what = `string ${JSON.stringify(s.slice(0, 20))} at ${p.join('.')}`;
    } else if (op === 3 && p.length > 0) {
      value = setAt(value, p, undefined, true);
      what = `delete ${p.join('.')}`;
    } else if (op === 4) {
      value = setAt(value, p, nest(here, 40 + Math.floor(r() * 40)));
      what = `deep nesting at ${p.join('.')}`;
    } else {
      const swap = pick([null, true, [], {}, [1, 2], { a: 1 }, 'x']);
      value = setAt(value, p, swap);
      what = `type ${JSON.stringify(swap)} at ${p.join('.')}`;
    }
    try {
      docs[which] = yamlStringify(value ?? null, { version: '1.1' });
    } catch {
      return { text, what: `${what}: not serialisable, unchanged` };
    }
    return { text: docs.join('---\n'), what };
  }
  const at = Math.floor(r() * (text.length + 1));
  const lines = text.split('\n');
  switch (op) {
    case 6: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return { text: lines.join('\n'), what: `line ${i + 1} repeated (duplicate key)` };
    }
    case 7: {
      // An anchor on a line's value and an alias inside it or after it.
      const i = Math.floor(r() * lines.length);
      const line = lines[i] ?? '';
      const colon = line.indexOf(': ');
      if (colon < 0) return { text, what: 'no mapping line, unchanged' };
      const self = r() < 0.5;
      lines[i] = `${line.slice(0, colon)}: &fz ${self ? '[*fz]' : line.slice(colon + 2)}`;
      if (!self) lines.splice(i + 1, 0, `${line.match(/^\s*/)![0]}fzcopy: *fz`);
      return { text: lines.join('\n'), what: `${self ? 'self-' : ''}alias at line ${i + 1}` };
    }
    case 8:
      return { text: text.slice(0, at), what: `truncated at ${at}` };
    default: {
      const tok = pick(YAML_TOKENS);
      return { text: text.slice(0, at) + tok + text.slice(at), what: `${JSON.stringify(tok)} at ${at}` };
    }
  }
}

function checkDiagnostics(ds: readonly Diagnostic[], where: string): void {
  for (const d of ds) {
    const shown = `${where}: ${formatDiagnostic(d)}`;
    expect(d.code, shown).toMatch(/^(IST|MSIM)\d{4}$/);
    expect(d.code, shown).not.toBe('MSIM0000');
    expect(['error', 'warning', 'info'], shown).toContain(d.severity);
    expect(typeof d.message === 'string' && d.message.length > 0, shown).toBe(true);
    expect(Number.isInteger(d.line) && Number.isInteger(d.column), shown).toBe(true);
    if (d.severity === 'error' && !FILE_LEVEL.has(d.code))
      expect(d.line >= 1 && d.column >= 1, `unpositioned error: ${shown}`).toBe(true);
  }
}

describe(`fuzz: ${CASES} mutated models (seed ${SEED})`, () => {
  it('no throw, positioned refusals, bounded time, conservation on every run', () => {
    const corpus = loadCorpus();
    const r = rng(SEED);
    let accepted = 0;
    let refused = 0;
    let requests = 0;
    for (let c = 0; c < CASES; c++) {
      const model = corpus[Math.floor(r() * corpus.length)]!;
      const target = Math.floor(r() * (model.manifests.length + 1)); // 0 = the scenario itself
      const inputs = [model.scenario, ...model.manifests].map((x) => ({ ...x }));
      const steps = 1 + Math.floor(r() * 3);
      const whats: string[] = [];
      for (let s = 0; s < steps; s++) {
        const m = mutate(inputs[target]!.text, r);
        inputs[target]!.text = m.text;
        whats.push(m.what);
      }
      const where = `case ${c} (seed ${SEED}) ${inputs[target]!.file}: ${whats.join('; ')}`;
      const t0 = performance.now();
      const load = loadScenarioFromTexts(inputs[0]!, inputs.slice(1));
      const analysis = load.loaded ? analyzeMesh(load.loaded.config) : [];
      const loadMs = performance.now() - t0;
      checkDiagnostics([...load.diagnostics, ...analysis], where);
      expect(loadMs, `${where}: load took ${loadMs.toFixed(0)} ms`).toBeLessThan(LOAD_BUDGET_MS);
      if (load.loaded === undefined) {
        refused++;
        expect(
          load.diagnostics.some((d) => d.severity === 'error'),
          `${where}: refused without an error`,
        ).toBe(true);
        continue;
      }
      accepted++;
      const t1 = performance.now();
      const result = runScenario(load.loaded, {
        durationMs: Math.min(RUN_MS, load.loaded.scenario.durationMs),
      });
      const runMs = performance.now() - t1;
      expect(runMs, `${where}: run took ${runMs.toFixed(0)} ms`).toBeLessThan(RUN_BUDGET_MS);
      const { started, finished, inFlightAtEnd } = result.conservation;
      expect(started, `${where}: conservation`).toBe(finished + inFlightAtEnd);
      requests += started;
    }
    // The campaign exercises both sides of the contract (not only refusals, not only runs).
    expect(accepted).toBeGreaterThan(CASES / 20);
    expect(refused).toBeGreaterThan(CASES / 4);
    expect(requests).toBeGreaterThan(0);
  });
});

describe(`fuzz: ${MANIFEST_CASES} mutated manifest fixtures (seed ${SEED})`, () => {
  it('meshsim validate contract: no throw, positioned refusals, bounded time', () => {
    const files = MANIFEST_FIXTURES.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml'))
        .sort()
        .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })),
    );
    const r = rng(SEED + 1);
    for (let c = 0; c < MANIFEST_CASES; c++) {
      const input = { ...files[Math.floor(r() * files.length)]! };
      const whats: string[] = [];
      for (let s = 1 + Math.floor(r() * 3); s > 0; s--) {
        const m = mutate(input.text, r);
        input.text = m.text;
        whats.push(m.what);
      }
      const where = `manifest case ${c} (seed ${SEED + 1}) ${input.file}: ${whats.join('; ')}`;
      const t0 = performance.now();
      const loaded = loadManifests([input]);
      const all = [...loaded.diagnostics, ...analyzeMesh(loaded.config)];
      const ms = performance.now() - t0;
      checkDiagnostics(all, where);
      expect(ms, `${where}: took ${ms.toFixed(0)} ms`).toBeLessThan(LOAD_BUDGET_MS);
    }
  });
});
