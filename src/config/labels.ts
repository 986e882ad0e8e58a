import type { ServiceConfig } from './types.js';

type Labels = Readonly<Record<string, string>>;

/** Kubernetes equality-based selection: every selector label is on the object (an empty selector selects all). */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/**
 * Whether a Service's selector picks a pod: same namespace and a non-empty selector that matches (a Service
 * without selector has no endpoints from pods; Kubernetes, "Services without selectors").
 */
export function serviceSelects(svc: ServiceConfig, namespace: string, labels: Labels): boolean {
  if (svc.meta.namespace !== namespace) return false;
  for (const _ in svc.selector) return selectorMatches(svc.selector, labels);
  return false;
}
