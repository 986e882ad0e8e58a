import type { ConsistentHashKey, FaultInjection, RetryPolicy } from '../../config/types.js';
import type { HeaderMutations } from './header-operations.js';
import type { FullMatcher } from './route-match.js';

/** One cluster of a route's weighted_clusters (a single destination is one entry of weight 1). */
export interface WeightedCluster {
  /** `outbound|PORT|SUBSET|FQDN` */
  readonly name: string;
  readonly weight: number;
  /** Cluster-level header mutations (weighted destinations only; a single destination's join the route's). */
  readonly requestHeaders?: HeaderMutations;
  readonly responseHeaders?: HeaderMutations;
  /** Cluster-level host_rewrite_literal (from a per-destination `:authority` header op). */
  readonly hostRewrite?: string;
}

export interface MirrorTarget {
  readonly cluster: string;
  /** 0-100, fired with per-million resolution as Istio emits it. */
  readonly percentage: number;
  /**
   * The copy's Host gets `-shadow`: the inverse of Envoy RequestMirrorPolicy
   * `disable_shadow_host_suffix_append`, which istiod sets since Istio 1.28 (DISABLE_SHADOW_HOST_SUFFIX,
   * pilot/pkg/features/pilot.go). Absent: false (Istio >= 1.28).
   */
  readonly shadowHostSuffix?: boolean;
}

/**
 * The path rewrite of a route (Istio route.go rewrite/redirect/headers): `prefix_rewrite` replaces the matched part (the route's
 * prefix, or the whole path for exact and regex routes); `regex_rewrite` substitutes every match of an
 * RE2 pattern in the path (query string kept).
 */
export type PathRewrite =
  | { readonly kind: 'prefix'; readonly replacement: string; readonly matchedPrefixLength: number | null }
  | { readonly kind: 'regex'; readonly pattern: FullMatcher & RegexReplacer; readonly substitution: string };

/** re2js's replaceAll through its matcher. */
export interface RegexReplacer {
  matcher(input: string): { replaceAll(replacement: string): string };
}

/** A route's action when it forwards upstream (Envoy RouteAction as istiod builds it). */
export interface RouteEntry {
  readonly kind: 'route';
  /** For reports: `<namespace>/<virtualservice>#<rule index>` or `default`. */
  readonly name: string;
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
  /** Global route timeout; 0 = disabled (Istio's default). */
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy | null;
  /** previous_hosts retry predicate, as istiod resolved it for this route's destination (Istio retry.go; Envoy retry_state_impl.cc). */
  readonly retryPreviousHosts: boolean;
  readonly fault?: FaultInjection;
  readonly mirrors: readonly MirrorTarget[];
  readonly pathRewrite?: PathRewrite;
  /** host_rewrite_literal: `rewrite.authority` or a `:authority`/`host` header op. */
  readonly hostRewrite?: string;
  readonly requestHeaders?: HeaderMutations;
  readonly responseHeaders?: HeaderMutations;
  readonly hashPolicy?: ConsistentHashKey;
  /** cluster_not_found_response_code; absent = 503 (Envoy's and istiod's default). */
  readonly clusterNotFoundStatus?: number;
}

/** `directResponse`: answered by the client sidecar itself, no upstream. */
export interface DirectResponseEntry {
  readonly kind: 'direct-response';
  readonly name: string;
  readonly status: number;
  readonly body?: string;
  readonly fault?: FaultInjection;
  readonly responseHeaders?: HeaderMutations;
}

/** `redirect`: Envoy's RedirectAction; the Location is built from the request (redirect.ts). */
export interface RedirectEntry {
  readonly kind: 'redirect';
  readonly name: string;
  /** 301, 302, 303, 307 or 308. */
  readonly status: number;
  readonly scheme?: string;
  readonly host?: string;
  /** 0 = keep the request's port. */
  readonly port: number;
  readonly path?: string;
  readonly responseHeaders?: HeaderMutations;
}

export type RouteAction = RouteEntry | DirectResponseEntry | RedirectEntry;
