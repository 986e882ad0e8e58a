import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios, openScenario } from '../../web/src/model/workspace.js';
import { checkModel } from '../../web/src/worker/check.js';
import { CheckCache } from '../../web/src/worker/check-cache.js';
import type { ModelInput } from '../../web/src/worker/protocol.js';
import { simulate } from '../../web/src/worker/simulate.js';

/** Every YAML file under models/, keyed by repository path (as the app bundles them). */
function bundled(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk('models');
  return out;
}

function inputOf(path: string, pool: ReadonlyMap<string, string>): ModelInput {
  const ws = openScenario(path, pool);
  const files = ws.files.map((f) => ({ file: f.path, text: f.text }));
  return {
    scenario: files.find((f) => f.file === ws.scenario)!,
    manifests: files.filter((f) => f.file !== ws.scenario),
  };
}

/**
 * Everything reachable from a value, written out: own properties (non-enumerable and symbols too) in
 * order, Map and Set entries, typed arrays' values, prototypes by constructor name, shared objects and
 * cycles by their first visit. Two snapshots are equal only if nothing reachable changed.
 */
function snapshot(root: unknown): string {
  const seen = new Map<object, number>();
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'function') {
      out.push(`fn:${v.name}`);
      return;
    }
    if (v === null || typeof v !== 'object') {
      out.push(typeof v === 'number' && Object.is(v, -0) ? '-0' : `${typeof v}:${String(v)}`);
      return;
    }
    const at = seen.get(v);
    if (at !== undefined) {
      out.push(`@${at}`);
      return;
    }
    seen.set(v, seen.size);
    out.push(`{${v.constructor?.name ?? 'null'}${Object.isFrozen(v) ? ' frozen' : ''}`);
    if (ArrayBuffer.isView(v)) out.push(Array.from(v as unknown as ArrayLike<number>).join(','));
    if (v instanceof Map)
      for (const [k, x] of v) {
        walk(k);
        walk(x);
      }
    if (v instanceof Set) for (const x of v) walk(x);
    for (const k of Reflect.ownKeys(v)) {
      out.push(String(k));
      walk((v as Record<string | symbol, unknown>)[k]);
    }
    out.push('}');
  };
  walk(root);
  return out.join(' ');
}

const pool = bundled();
const scenarios = listScenarios(pool);

describe('a loaded model is not changed by running it (what the worker’s check cache relies on)', () => {
  it('finds the bundled scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(10);
  });

  for (const { path } of scenarios)
    it(`${path}: the loaded model unchanged by two runs, the second's output the same as the first's`, async () => {
      const checked = checkModel(inputOf(path, pool));
      if (checked.loaded === undefined || checked.size === undefined) return; // e.g. a model with errors on purpose
      const before = snapshot(checked.loaded);
      const first = await simulate(checked.loaded, checked.size, undefined);
      expect(snapshot(checked.loaded)).toBe(before);
      const second = await simulate(checked.loaded, checked.size, undefined);
      expect(snapshot(checked.loaded)).toBe(before);
      // The first run is what a freshly loaded model gives; the second is the cache's reuse.
      const out = (r: typeof first) =>
        JSON.stringify({ result: r.result, timeline: r.timeline, size: r.size });
      expect(out(second)).toBe(out(first));
    });
});

describe('CheckCache', () => {
  const base = inputOf('models/canary/canary.scenario.yaml', pool);
  const copy = (i: ModelInput): ModelInput => structuredClone(i);

  it('reuses the last check for the very same texts and options (another seed included)', () => {
    const cache = new CheckCache();
    const a = cache.check(base);
    expect(a.reused).toBe(false);
    const b = cache.check({ ...copy(base), seed: 7 });
    expect(b.reused).toBe(true);
    expect(b.checked).toBe(a.checked);
    expect(JSON.stringify(a.checked.diagnostics)).toBe(JSON.stringify(checkModel(base).diagnostics));
  });

  it('checks again when any text, file name, manifest or the misconfiguration switch differs', () => {
    const changes: ((i: ModelInput) => void)[] = [
      (i) => (i.scenario.text += '\n'),
      (i) => (i.scenario.file = 'other.scenario.yaml'),
      (i) => (i.manifests[0]!.text = i.manifests[0]!.text.replace('v1', 'v3')),
      (i) => (i.manifests[1]!.file = 'renamed.yaml'),
      (i) => i.manifests.pop(),
      (i) => i.manifests.reverse(),
      (i) => (i.simulateMisconfig = true),
    ];
    for (const change of changes) {
      const cache = new CheckCache();
      cache.check(base);
      const next = copy(base);
      change(next);
      const r = cache.check(next);
      expect(r.reused).toBe(false);
      expect(JSON.stringify(r.checked.diagnostics)).toBe(JSON.stringify(checkModel(next).diagnostics));
      // And back: the last check is the changed one now.
      expect(cache.check(base).reused).toBe(false);
    }
  });

  it('does not keep a reference to the caller’s input objects (a later edit of them is a new input)', () => {
    const cache = new CheckCache();
    const mine = copy(base);
    cache.check(mine);
    mine.manifests.pop();
    expect(cache.check(mine).reused).toBe(false);
  });

  it('treats simulateMisconfig false and absent alike', () => {
    const cache = new CheckCache();
    cache.check(base);
    expect(cache.check({ ...copy(base), simulateMisconfig: false }).reused).toBe(true);
  });
});
