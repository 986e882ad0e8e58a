import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  events: number;
  perSec: number;
  ms: number;
}

/** Best of `reps` timed runs after one warm-up (the bench is a driver: it may read the wall clock). */
export function best(fn: () => number, reps = 3): Measurement {
  fn();
  let bestMs = Number.POSITIVE_INFINITY;
  let events = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    events = fn();
    const ms = performance.now() - t0;
    if (ms < bestMs) bestMs = ms;
  }
  return { events, perSec: Math.round(events / (bestMs / 1000)), ms: Math.round(bestMs * 10) / 10 };
}

/** Runs one named case (bench/case.ts) in a fresh Node process and returns its measurement. */
export function measureInChild(name: string, scale: number): Measurement {
  const script = fileURLToPath(new URL('./case.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, name, String(scale)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench case ${name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Measurement;
}

/** Peak resident memory of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
