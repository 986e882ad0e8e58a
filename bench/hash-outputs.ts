/**
 * Determinism check for performance work (issue #14): runs every scenario under models/, the 3-tier bench
 * model and a few generated meshes through `meshsim run -f json` (in process) and prints one SHA-256 per
 * output. Changes that must not alter behaviour print the same lines before and after:
 * `npx tsx bench/hash-outputs.ts > before.txt`, change, run again, `diff`.
 *
 * `--without-events` also prints each output's hash with the engine's event count (`"events": N`, the
 * kernel's work, not the model's behaviour) blanked, for changes that run the same model in fewer
 * engine events (issue #14): those must keep the second hash.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { generateMesh, type MeshParams } from './scale/generate-mesh.js';

const withoutEvents = process.argv.includes('--without-events');
const root = fileURLToPath(new URL('..', import.meta.url));

function scenarios(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...scenarios(p));
    else if (name.endsWith('.scenario.yaml')) out.push(p);
  }
  return out;
}

const generated: Record<string, MeshParams> = {
  'gen-chain-od-retries': {
    services: 3,
    podsPerService: 10,
    clientPods: 4,
    depth: 3,
    fanOut: 1,
    ratePerSec: 5000,
    durationMs: 4000,
    outlierDetection: true,
    retries: true,
    errorRate: 0.05,
  },
  'gen-fanout': {
    services: 12,
    podsPerService: 6,
    clientPods: 20,
    depth: 3,
    fanOut: 2,
    callProbability: 0.6,
    ratePerSec: 2000,
    durationMs: 3000,
    outlierDetection: true,
    retries: true,
    errorRate: 0.01,
  },
};

async function hashRun(file: string): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['node', 'meshsim', 'run', file, '-f', 'json'], {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    isTty: false,
  });
  const h = createHash('sha256').update(out).digest('hex').slice(0, 16);
  const noEvents = withoutEvents
    ? ` without-events=${createHash('sha256')
        .update(out.replace(/"events": \d+/g, '"events": -'))
        .digest('hex')
        .slice(0, 16)}`
    : '';
  return `${h}${noEvents} exit=${code} bytes=${out.length}${code !== 0 && out.length === 0 ? ` ${err.slice(0, 80)}` : ''}`;
}

const files = [...scenarios(join(root, 'models')), join(root, 'bench/models/three-tier.scenario.yaml')];
for (const f of files) console.log(`${f.slice(root.length)} ${await hashRun(f)}`);
const tmp = mkdtempSync(join(tmpdir(), 'meshsim-hash-'));
for (const [name, p] of Object.entries(generated)) {
  const g = generateMesh(p);
  writeFileSync(join(tmp, g.scenario.file), g.scenario.text);
  writeFileSync(join(tmp, g.manifests.file), g.manifests.text);
  console.log(`${name} ${await hashRun(join(tmp, g.scenario.file))}`);
}
