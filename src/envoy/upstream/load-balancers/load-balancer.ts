import type { Host } from '../host.js';
import type { PrioritySet } from '../host-set.js';

/**
 * Per-pick context from the router (Envoy's LoadBalancerContext): the consistent-hash key, and the
 * retry host predicate (previous_hosts) with its re-pick budget.
 */
export interface LbContext {
  /** Hash of the request's hash-policy input; undefined when the input is missing (random pick). */
  hashKey: number | undefined;
  /** previous_hosts predicate: true rejects the pick and re-picks (up to `hostSelectionRetryMaxAttempts`). */
  shouldSelectAnotherHost(host: Host): boolean;
  hostSelectionRetryMaxAttempts: number;
  /**
   * The retry priority plugin (Envoy's LoadBalancerContext::determinePriorityLoad): may replace the
   * per-priority load for this pick, e.g. previous_priorities for retryRemoteLocalities.
   */
  determinePriorityLoad?(prioritySet: PrioritySet, original: readonly number[]): readonly number[];
}

/** Picks a host of a cluster for one request (Envoy's LoadBalancer::chooseHost). */
export interface LoadBalancer {
  chooseHost(ctx: LbContext | null): Host | null;
  /**
   * Where the last pick is in its priority's `hosts` list, or -1 when the balancer does not know (a hint
   * for replacing an idle placeholder there, checked before use; balancers that keep Hosts of their own
   * need not say).
   */
  pickedIndex?(): number;
  /**
   * The last pick was an idle placeholder and the cluster has just put its own Host in its place in the
   * member lists: a balancer that keeps a structure of its own (hash ring, Maglev table) puts it there
   * too, so its next pick of that member returns the Host.
   */
  replacePicked?(idle: Host, own: Host): void;
}
