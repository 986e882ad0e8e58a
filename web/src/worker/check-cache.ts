import { type Checked, checkModel } from './check.js';
import type { ModelInput, SourceFile } from './protocol.js';

/** What checkModel reads of an input: the texts and the misconfiguration switch (not the seed). */
interface CheckKey {
  scenario: SourceFile;
  manifests: SourceFile[];
  simulateMisconfig: boolean;
}

/**
 * The worker's last check, kept for the next request with the very same texts and options: a rerun
 * (Run clicked again, another seed) reuses the loaded model instead of parsing and validating the YAML
 * again (zod runs jitless under the page's CSP: ~15-25 ms for the canary model). Safe because a run never
 * mutates a LoadedScenario (test/web/check-cache.test.ts snapshots one around runs of every bundled model;
 * the CLI's studies reuse a point's loaded model across replications the same way). The cached Checked is
 * shared: callers must not mutate it (its diagnostics are copied into replies by postMessage).
 */
export class CheckCache {
  private last: { key: CheckKey; checked: Checked } | undefined;

  check(input: ModelInput): { checked: Checked; reused: boolean } {
    const last = this.last;
    if (last !== undefined && sameKey(last.key, input)) return { checked: last.checked, reused: true };
    const checked = checkModel(input);
    this.last = {
      key: {
        scenario: { file: input.scenario.file, text: input.scenario.text },
        manifests: input.manifests.map((m) => ({ file: m.file, text: m.text })),
        simulateMisconfig: input.simulateMisconfig === true,
      },
      checked,
    };
    return { checked, reused: false };
  }
}

/** Exact comparison (string equality of every text): no hash that could collide. */
function sameKey(k: CheckKey, input: ModelInput): boolean {
  if (k.simulateMisconfig !== (input.simulateMisconfig === true)) return false;
  if (!sameFile(k.scenario, input.scenario) || k.manifests.length !== input.manifests.length) return false;
  for (let i = 0; i < k.manifests.length; i++)
    if (!sameFile(k.manifests[i]!, input.manifests[i]!)) return false;
  return true;
}

function sameFile(a: SourceFile, b: SourceFile): boolean {
  return a.file === b.file && a.text === b.text;
}
