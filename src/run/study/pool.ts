/**
 * Node only (not re-exported from run/index.ts): runs study units in worker threads (piscina) or
 * inline. Results are put back in task order, so the report is the same whatever the worker count and
 * whichever unit finishes first.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { runUnit, type UnitTask } from './unit.js';

export interface PoolOptions {
  /** Worker threads; 0 or 1 runs inline on the calling thread. */
  workers: number;
  /** Use worker threads even for one worker (the bench compares like with like). */
  threads?: boolean;
  /** Called once per finished unit (progress bars). */
  onUnitDone?: () => void;
}

/** The worker file next to this one: compiled .js under dist/, or .ts when run from sources (tsx). */
function workerFile(): { filename: string; execArgv: string[] } {
  const js = new URL('./unit-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  const ts = new URL('./unit-worker.ts', import.meta.url);
  return { filename: ts.href, execArgv: ['--import', 'tsx'] };
}

export async function runUnits(tasks: readonly UnitTask[], opts: PoolOptions): Promise<(number | null)[][]> {
  if ((opts.workers <= 1 && opts.threads !== true) || tasks.length <= 1) {
    const out: (number | null)[][] = [];
    for (const t of tasks) {
      out.push(runUnit(t));
      opts.onUnitDone?.();
      // Let the event loop breathe so a progress bar can redraw.
      await Promise.resolve();
    }
    return out;
  }
  const w = workerFile();
  const pool = new Piscina({
    filename: w.filename,
    minThreads: opts.workers,
    maxThreads: opts.workers,
    execArgv: w.execArgv,
    idleTimeout: 1000,
  });
  // Consecutive tasks of one point (its replications) go to one thread as one batch: the point's texts
  // are parsed and validated once, not once in every thread that happens to get one of its replications.
  const batches: UnitTask[][] = [];
  for (const t of tasks) {
    const last = batches[batches.length - 1];
    if (last !== undefined && last[0]!.key === t.key) last.push(t);
    else batches.push([t]);
  }
  try {
    const results = await Promise.all(
      batches.map((b) =>
        (pool.run(b) as Promise<(number | null)[][]>).then((r) => {
          for (let i = 0; i < b.length; i++) opts.onUnitDone?.();
          return r;
        }),
      ),
    );
    return results.flat();
  } finally {
    await pool.destroy();
  }
}
