import type { ModelInput, RunOutput, WorkerCosts, WorkerRequest, WorkerResponse } from './protocol.js';
import type { Diagnostic } from '../../../src/index.js';
import type { ModelSize } from '../model/limits.js';

export interface CheckReply {
  diagnostics: Diagnostic[];
  size?: ModelSize;
  refused?: string;
}

export type RunReply =
  | { kind: 'done'; run: RunOutput; costs: WorkerCosts }
  | { kind: 'cancelled' }
  | { kind: 'refused'; message: string; diagnostics: Diagnostic[] };

/**
 * The page's side of the worker protocol: one worker, requests matched to replies by id. A worker that
 * fails to load or throws outside a request fires `error`: every pending request is rejected and
 * `onFatal` shows it (issue #8: a clear banner, never a silent hang).
 */
export class SimWorker {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void; progress?: (f: number) => void }
  >();

  constructor(private readonly onFatal: (message: string) => void) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'meshsim' });
    w.addEventListener('message', (ev: MessageEvent<WorkerResponse>) => {
      const m = ev.data;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      if (m.type === 'progress') {
        p.progress?.(m.fraction);
        return;
      }
      this.pending.delete(m.id);
      p.resolve(m);
    });
    w.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      this.fail(`The simulation worker failed: ${ev.message || 'it could not be loaded'}`);
    });
    w.addEventListener('messageerror', () =>
      this.fail('The simulation worker sent a message that could not be read.'),
    );
    return w;
  }

  private fail(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    this.onFatal(message);
  }

  private request(req: WorkerRequest, progress?: (f: number) => void): Promise<WorkerResponse> {
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject, ...(progress ? { progress } : {}) });
      this.worker.postMessage(req);
    });
  }

  async check(input: ModelInput): Promise<CheckReply> {
    const r = await this.request({ type: 'check', id: this.nextId++, input });
    if (r.type === 'failed') throw new Error(r.message);
    if (r.type !== 'checked') throw new Error(`unexpected reply ${r.type}`);
    return {
      diagnostics: r.diagnostics,
      ...(r.size ? { size: r.size } : {}),
      ...(r.refused ? { refused: r.refused } : {}),
    };
  }

  /** Starts a run; `cancel()` on the handle stops it at the next interval boundary. */
  run(input: ModelInput, progress: (f: number) => void): { done: Promise<RunReply>; cancel: () => void } {
    const id = this.nextId++;
    const done = this.request({ type: 'run', id, input }, progress).then((r): RunReply => {
      if (r.type === 'done') return { kind: 'done', run: r.run, costs: r.costs };
      if (r.type === 'cancelled') return { kind: 'cancelled' };
      if (r.type === 'refused') return { kind: 'refused', message: r.message, diagnostics: r.diagnostics };
      if (r.type === 'failed') throw new Error(r.message);
      throw new Error(`unexpected reply ${r.type}`);
    });
    return { done, cancel: () => this.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest) };
  }
}
