import { describe, expect, it } from 'vitest';
import { type BatchFigures, runBatches, type UnitRunner, type UnitTask } from '../../src/run/index.js';

/** Batch b holds one task whose seed is b; a finished batch's figures are [[b]]. */
function batches(n: number): UnitTask[][] {
  return Array.from({ length: n }, (_, b) => [
    {
      key: `point/${b}`,
      inputs: { scenario: { file: 's.yaml', text: '' }, manifests: [] },
      seed: b,
      durationMs: null,
      metrics: [],
    },
  ]);
}

/** A runner whose batches finish when the test says so; every step goes to `log`. */
function fakeRunner(threads: number, log: string[]) {
  const pending = new Map<number, { resolve: (f: BatchFigures) => void; reject: (e: unknown) => void }>();
  const runner: UnitRunner = {
    threads,
    run: (batch) => {
      const b = batch[0]!.seed;
      log.push(`send ${b}`);
      return new Promise((resolve, reject) => pending.set(b, { resolve, reject }));
    },
  };
  const settle = async () => {
    // The pipeline reacts through promise callbacks: let them all run.
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    runner,
    async finish(b: number) {
      log.push(`finish ${b}`);
      pending.get(b)!.resolve([[b]]);
      await settle();
    },
    async fail(b: number, e: Error) {
      pending.get(b)!.reject(e);
      await settle();
    },
    settle,
  };
}

const vetLogger =
  (log: string[], bad: readonly number[] = []) =>
  (b: number) => {
    log.push(`vet ${b}`);
    return bad.includes(b) ? `batch ${b} does not load` : undefined;
  };

describe('runBatches on worker threads', () => {
  it('keeps two batches per thread sent and vets two per thread ahead after each finished batch', async () => {
    const log: string[] = [];
    const f = fakeRunner(2, log);
    const run = runBatches(batches(7), f.runner, { vet: vetLogger(log) });
    await f.settle();
    expect(log).toEqual(['vet 0', 'vet 1', 'vet 2', 'vet 3', 'send 0', 'send 1', 'send 2', 'send 3']);
    log.length = 0;
    await f.finish(1);
    expect(log).toEqual(['finish 1', 'vet 4', 'vet 5', 'vet 6', 'send 4']);
    log.length = 0;
    await f.finish(0);
    await f.finish(3);
    // Everything is vetted: each finished batch only lets the next one go.
    expect(log).toEqual(['finish 0', 'send 5', 'finish 3', 'send 6']);
    for (const b of [6, 2, 5, 4]) await f.finish(b);
    // Figures come back in batch order, whatever order the batches finished in.
    expect(await run).toEqual({ ok: true, figures: [0, 1, 2, 3, 4, 5, 6].map((b) => [[b]]) });
  });

  it('stops at the first batch that fails vetting: it and later batches are never sent', async () => {
    const log: string[] = [];
    const f = fakeRunner(1, log);
    const run = runBatches(batches(8), f.runner, { vet: vetLogger(log, [3, 5]) });
    await f.settle();
    expect(log).toEqual(['vet 0', 'vet 1', 'send 0', 'send 1']);
    log.length = 0;
    await f.finish(0);
    // Batch 2 passed, batch 3 did not: the run ends with batch 3's message; 5 is never looked at.
    expect(log).toEqual(['finish 0', 'vet 2', 'vet 3']);
    expect(await run).toEqual({ ok: false, rejected: 'batch 3 does not load' });
  });

  it('passes a runner failure on (a bug, not user input)', async () => {
    const log: string[] = [];
    const f = fakeRunner(1, log);
    const run = expect(runBatches(batches(3), f.runner)).rejects.toThrow('worker died');
    await f.settle();
    await f.fail(1, new Error('worker died'));
    await run;
  });

  it('counts every unit done and finishes an empty list at once', async () => {
    const log: string[] = [];
    const f = fakeRunner(2, log);
    let units = 0;
    const two = batches(2);
    two[1]!.push({ ...two[1]![0]!, seed: 1 });
    const run = runBatches(two, f.runner, { onUnitDone: () => units++ });
    await f.settle();
    await f.finish(0);
    expect(units).toBe(1);
    await f.finish(1);
    expect(units).toBe(3);
    expect((await run).ok).toBe(true);
    expect(await runBatches([], f.runner)).toEqual({ ok: true, figures: [] });
  });
});

describe('runBatches on the calling thread', () => {
  it('vets every batch before the first runs, then runs them one at a time', async () => {
    const log: string[] = [];
    const f = fakeRunner(0, log);
    const run = runBatches(batches(3), f.runner, { vet: vetLogger(log) });
    await f.settle();
    expect(log).toEqual(['vet 0', 'vet 1', 'vet 2', 'send 0']);
    await f.finish(0);
    await f.finish(1);
    expect(log.slice(4)).toEqual(['finish 0', 'send 1', 'finish 1', 'send 2']);
    await f.finish(2);
    expect((await run).ok).toBe(true);
  });

  it('rejects a bad batch before running any', async () => {
    const log: string[] = [];
    const f = fakeRunner(0, log);
    expect(await runBatches(batches(4), f.runner, { vet: vetLogger(log, [2]) })).toEqual({
      ok: false,
      rejected: 'batch 2 does not load',
    });
    expect(log).toEqual(['vet 0', 'vet 1', 'vet 2']);
  });
});
