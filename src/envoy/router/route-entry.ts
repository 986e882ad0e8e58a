import type {
  ConsistentHashKey,
  FaultInjection,
  HeaderOperations,
  HttpRedirect,
  HttpRewrite,
  RetryPolicy,
} from '../../config/types.js';

/** One cluster of a route's weighted_clusters (a single destination is one entry of weight 1). */
export interface WeightedCluster {
  /** `outbound|PORT|SUBSET|FQDN` */
  readonly name: string;
  readonly weight: number;
  readonly requestHeaders?: HeaderOperations;
  readonly responseHeaders?: HeaderOperations;
}

export interface MirrorTarget {
  readonly cluster: string;
  /** 0-100 (per-million resolution as Istio emits it). */
  readonly percentage: number;
}

/** A route's action when it forwards upstream (Envoy RouteAction as istiod builds it). */
export interface RouteEntry {
  readonly kind: 'route';
  /** For reports: `<namespace>/<virtualservice>#<rule index>` or `default`. */
  readonly name: string;
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy | null;
  readonly fault?: FaultInjection;
  readonly mirrors: readonly MirrorTarget[];
  readonly rewrite?: HttpRewrite;
  /** The prefix that matched, for `rewrite.uri` (prefix_rewrite replaces exactly this). */
  readonly matchedPrefix?: string;
  readonly requestHeaders?: HeaderOperations;
  readonly responseHeaders?: HeaderOperations;
  readonly hashPolicy?: ConsistentHashKey;
}

export interface DirectResponseEntry {
  readonly kind: 'direct-response';
  readonly name: string;
  readonly status: number;
  readonly body?: string;
  readonly fault?: FaultInjection;
}

export interface RedirectEntry {
  readonly kind: 'redirect';
  readonly name: string;
  readonly redirect: HttpRedirect;
}

export type RouteAction = RouteEntry | DirectResponseEntry | RedirectEntry;
