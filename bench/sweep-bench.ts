import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadSweep } from '../src/cli/commands/sweep.js';
import { executeUnits, unitsOf } from '../src/run/index.js';
import { runUnits } from '../src/run/study/pool.js';

const SWEEP = fileURLToPath(new URL('../models/studies/canary-bench.sweep.yaml', import.meta.url));

/**
 * Sweep figures (issue #9): 100 random points x 5 replications of the canary model (10 s simulated
 * each), run inline, on 1 worker thread and on 2; the speed-ups and whether all gave the same figures.
 * `--scale 0.2` runs the first 20 points.
 */
export async function sweepBench(scale: number) {
  const silent = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), isTty: false };
  const loaded = await loadSweep(silent, SWEEP);
  if ('code' in loaded) throw new Error('bench sweep does not load');
  const { plan, points } = loaded;
  const nPoints = Math.max(1, Math.min(plan.points.length, Math.round(plan.points.length * scale)));
  const units = unitsOf(plan).filter((u) => u.point < nPoints);
  const out: Record<string, unknown> = {
    points: nPoints,
    replications: plan.replications,
    units: units.length,
  };
  let reference: string | undefined;
  const wall: Record<string, number> = {};
  // inline: the calling thread (what --workers 1 does); threads1/threads2: piscina with 1 and 2 threads.
  const modes = [
    { name: 'inline', workers: 1, threads: false },
    { name: 'threads1', workers: 1, threads: true },
    { name: 'threads2', workers: 2, threads: true },
  ];
  for (const m of modes) {
    const t0 = performance.now();
    const r = await executeUnits(plan, points, units, (tasks) =>
      runUnits(tasks, { workers: m.workers, threads: m.threads }),
    );
    wall[m.name] = performance.now() - t0;
    const bytes = JSON.stringify(r);
    reference ??= bytes;
    out[m.name] = {
      wallMs: Math.round(wall[m.name]!),
      unitsPerSec: Number((units.length / (wall[m.name]! / 1000)).toFixed(2)),
      identical: bytes === reference,
    };
  }
  out.speedUpThreads2VsThreads1 = Number((wall.threads1! / wall.threads2!).toFixed(2));
  out.speedUpThreads2VsInline = Number((wall.inline! / wall.threads2!).toFixed(2));
  out.loadAverage1m = loadavg()[0];
  return out;
}
