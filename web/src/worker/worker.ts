/// <reference lib="webworker" />
import { config as zodConfig } from 'zod';
import { simulatedMisconfiguration, toJsonDiagnostic } from '../../../src/index.js';
import { CheckCache } from './check-cache.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';
import { Cancelled, simulate } from './simulate.js';

// Under the page's CSP (no 'unsafe-eval') zod must not probe `new Function`: run it jitless.
zodConfig({ jitless: true });

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cancelled = new Set<number>();
const post = (m: WorkerResponse) => scope.postMessage(m);
/** The last check's model, reused by a request with the same texts (a rerun, another seed). */
const cache = new CheckCache();

/** A macrotask without setTimeout's clamping: lets queued messages (cancel) run. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldNow = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

scope.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    cancelled.add(msg.id);
    return;
  }
  try {
    const checkStarted = performance.now();
    const { checked, reused } = cache.check(msg.input);
    const checkMs = performance.now() - checkStarted;
    if (msg.type === 'check') {
      post({
        type: 'checked',
        id: msg.id,
        diagnostics: checked.diagnostics,
        ...(checked.size ? { size: checked.size } : {}),
        ...(checked.refused ? { refused: checked.refused } : {}),
      });
      return;
    }
    if (checked.loaded === undefined || checked.size === undefined) {
      const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
      post({
        type: 'refused',
        id: msg.id,
        diagnostics: checked.diagnostics,
        message:
          checked.refused ?? `The model has ${errors} error${errors === 1 ? '' : 's'}; fix them to run it.`,
      });
      return;
    }
    let last = 0;
    const run = await simulate(checked.loaded, checked.size, msg.input.seed, {
      now: () => performance.now(),
      yieldNow,
      cancelled: () => cancelled.has(msg.id),
      onProgress: (f) => {
        const t = performance.now();
        if (t - last > 50 || f === 1) {
          last = t;
          post({ type: 'progress', id: msg.id, fraction: f });
        }
      },
    });
    if (checked.simulatedErrors > 0) {
      // As `meshsim run --simulate-misconfig`: the Result says it shows a misconfigured mesh.
      run.result.diagnostics = checked.diagnostics.map(toJsonDiagnostic);
      run.result.simulatedMisconfiguration = simulatedMisconfiguration(checked.simulatedErrors);
    }
    post({
      type: 'done',
      id: msg.id,
      run,
      costs: { checkMs, reused, sentAt: performance.timeOrigin + performance.now() },
    });
  } catch (e) {
    if (e instanceof Cancelled) post({ type: 'cancelled', id: msg.id });
    else
      post({
        type: 'failed',
        id: msg.id,
        message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
  } finally {
    cancelled.delete(msg.id);
  }
};
