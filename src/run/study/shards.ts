import { VERSION } from '../../version.js';
import type { StudyPlan, UnitOutcome, UnitRef } from './plan.js';

/**
 * Distributed runs: shard i of N (0-based, like a Kubernetes Indexed Job's JOB_COMPLETION_INDEX) runs
 * the units whose index is i modulo N (round-robin, so shards get points of every cost) and writes a
 * shard file; `meshsim merge` checks the shards belong to one study and together hold every unit once,
 * then reports exactly what the unsharded run reports.
 */
export interface Shard {
  index: number;
  count: number;
}

export interface ShardFile {
  meshsim: string;
  kind: 'meshsim-shard';
  shard: Shard;
  plan: StudyPlan;
  units: UnitOutcome[];
}

export function parseShard(text: string): Shard | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) return `--shard must be i/N (0-based index i of N shards), got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) return `--shard ${text}: N must be at least 1`;
  if (index >= count) return `--shard ${text}: the index is 0-based and must be below ${count}`;
  return { index, count };
}

/** The shard from `--shard`, else from an Indexed Job's environment (JOB_COMPLETION_INDEX + MESHSIM_SHARDS). */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | string | undefined {
  const idx = env.JOB_COMPLETION_INDEX;
  if (idx === undefined || idx === '') return undefined;
  const count = env.MESHSIM_SHARDS ?? env.MESHSIM_COMPLETIONS;
  if (count === undefined)
    return "JOB_COMPLETION_INDEX is set but MESHSIM_SHARDS (the Job's completions) is not";
  return parseShard(`${idx}/${count}`);
}

export function shardUnits<T extends UnitRef>(units: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...units];
  return units.filter((u) => u.unit % shard.count === shard.index);
}

export function shardFile(plan: StudyPlan, shard: Shard, units: UnitOutcome[]): ShardFile {
  return { meshsim: VERSION, kind: 'meshsim-shard', shard, plan, units };
}

/** JSON keeps every double exactly; null stands for a missing figure. */
export function renderShardFile(f: ShardFile): string {
  return `${JSON.stringify(f)}\n`;
}

/** Combines shard files into the plan and all its units, or says why they do not fit together. */
export function mergeShards(
  files: readonly { name: string; data: unknown }[],
): { plan: StudyPlan; units: UnitOutcome[] } | string {
  if (files.length === 0) return 'no shard files given';
  const shards: ShardFile[] = [];
  for (const f of files) {
    const d = f.data as Partial<ShardFile> | null;
    if (d?.kind !== 'meshsim-shard' || d.plan === undefined || !Array.isArray(d.units) || !d.shard)
      return `${f.name}: not a meshsim shard file (write shards with --shard i/N --format json)`;
    shards.push(d as ShardFile);
  }
  const first = shards[0]!;
  const count = first.shard.count;
  const seen = new Set<number>();
  for (const [i, s] of shards.entries()) {
    const name = files[i]!.name;
    if (s.plan.fingerprint !== first.plan.fingerprint)
      return `${name}: belongs to another study (inputs or plan differ from ${files[0]!.name})`;
    if (s.meshsim !== first.meshsim) return `${name}: written by meshsim ${s.meshsim}, not ${first.meshsim}`;
    if (s.shard.count !== count) return `${name}: shard of ${s.shard.count}, others of ${count}`;
    if (seen.has(s.shard.index)) return `${name}: shard ${s.shard.index}/${count} given twice`;
    seen.add(s.shard.index);
  }
  const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
  if (missing.length > 0)
    return `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`;
  const units = shards.flatMap((s) => s.units).sort((a, b) => a.unit - b.unit);
  return { plan: first.plan, units };
}
