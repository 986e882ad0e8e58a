/**
 * Node only (not re-exported from run/index.ts): runs study units in worker threads (piscina) or on the
 * calling thread. Open a runner before reading the study's inputs: the threads start and load their
 * modules while the calling thread parses and vets points. One runner serves a whole command (every
 * rung of `meshsim tune`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type BatchFigures, batchesOf, runBatches, type UnitRunner } from './execute.js';
import { runUnit, type UnitTask } from './unit.js';

export interface RunnerOptions {
  /** Worker threads; 0 or 1 runs inline on the calling thread. */
  workers: number;
  /** Use worker threads even for one worker (the bench compares like with like). */
  threads?: boolean;
}

export interface OpenRunner extends UnitRunner {
  /** Stops the threads (batches still running are abandoned). */
  close(): Promise<void>;
}

/** The worker file next to this one: compiled .js under dist/, or .ts when run from sources (tsx). */
function workerFile(): { filename: string; execArgv: string[] } {
  const js = new URL('./unit-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  const ts = new URL('./unit-worker.ts', import.meta.url);
  return { filename: ts.href, execArgv: ['--import', 'tsx'] };
}

const inlineRunner: OpenRunner = {
  threads: 0,
  run: (batch) => {
    try {
      return Promise.resolve(batch.map(runUnit));
    } catch (e) {
      return Promise.reject(e);
    }
  },
  close: () => Promise.resolve(),
};

export function openUnitRunner(opts: RunnerOptions): OpenRunner {
  if (opts.workers <= 1 && opts.threads !== true) return inlineRunner;
  const w = workerFile();
  const pool = new Piscina({
    filename: w.filename,
    minThreads: opts.workers,
    maxThreads: opts.workers,
    execArgv: w.execArgv,
    // The runner lives as long as its command: threads never idle out between rungs.
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    threads: opts.workers,
    run: (batch) => pool.run(batch) as Promise<BatchFigures>,
    close: () => pool.destroy(),
  };
}

/**
 * Runs tasks (consecutive tasks with one key form a batch) and returns their figures in task order,
 * whatever the worker count and whichever batch finishes first. Tasks are trusted: their points were
 * vetted already (a point that does not load throws).
 */
export async function runUnits(
  tasks: readonly UnitTask[],
  opts: RunnerOptions & { onUnitDone?: () => void },
): Promise<(number | null)[][]> {
  const runner = openUnitRunner(opts);
  try {
    const run = await runBatches(
      batchesOf(tasks),
      runner,
      opts.onUnitDone !== undefined ? { onUnitDone: opts.onUnitDone } : {},
    );
    if (!run.ok) throw new Error(run.rejected);
    return run.figures.flat();
  } finally {
    await runner.close();
  }
}
