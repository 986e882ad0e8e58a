import type { EnvoyObserver } from '../envoy/index.js';

/**
 * One observer that forwards every domain event to each of `list`, in order (rule 8: the model emits once,
 * any number of views listen). An empty list is undefined, so a run without views keeps the recorder as
 * its only subscriber and pays nothing.
 */
export function fanOutObservers(list: readonly EnvoyObserver[]): EnvoyObserver | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  const all = [...list];
  return {
    onRequestComplete(e) {
      for (const o of all) o.onRequestComplete(e);
    },
    onEjection(e) {
      for (const o of all) o.onEjection(e);
    },
    onUnejection(e) {
      for (const o of all) o.onUnejection(e);
    },
    onUpstreamAttempt(e) {
      for (const o of all) o.onUpstreamAttempt(e);
    },
  };
}

/** The do-nothing base for observers that care about a few events only. */
export class ObserverBase implements EnvoyObserver {
  onRequestComplete(_e: Parameters<EnvoyObserver['onRequestComplete']>[0]): void {}
  onEjection(_e: Parameters<EnvoyObserver['onEjection']>[0]): void {}
  onUnejection(_e: Parameters<EnvoyObserver['onUnejection']>[0]): void {}
  onUpstreamAttempt(_e: Parameters<EnvoyObserver['onUpstreamAttempt']>[0]): void {}
}
