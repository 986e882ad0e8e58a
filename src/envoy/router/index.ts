/** Envoy's HTTP router and the filters in front of it, as Istio configures them (Istio route.go). */
export { ActiveRequest, RequestPhase } from './router-filter.js';
export type { RouterContext, DownstreamCallbacks, RequestInfo } from './router-filter.js';
export { RouteTable } from './route-table.js';
export type { VirtualHost, Route } from './route-table.js';
export { routeMatches, pathWithoutQuery } from './route-match.js';
export type { RouteMatch, PathMatch, RequestCondition, FullMatcher } from './route-match.js';
export type {
  RouteAction,
  RouteEntry,
  WeightedCluster,
  MirrorTarget,
  DirectResponseEntry,
  RedirectEntry,
  PathRewrite,
} from './route-entry.js';
export { StringMatcher, re2FullMatcher } from './string-matcher.js';
export { HeaderMatcher, NoMetadataCondition, requestHeaderValue } from './header-matcher.js';
export { QueryParameterMatcher, firstQueryValue } from './query-parameter-matcher.js';
export { HeaderMutations, authorityFromHeaderOps, isInternalHeader } from './header-operations.js';
export { envoySubstitutionToRe2js, rewritePath } from './rewrite.js';
export { redirectLocation } from './redirect.js';
export { faultFires, decideDelay, decideAbort, faultAbort, GRPC_CODES } from './fault-filter.js';
export { RetryState, retryOnBits, perTryTimeoutRetriable } from './retry-state.js';
export type { RetryDecision } from './retry-state.js';
export { JitteredExponentialBackOff } from './backoff.js';
export { requestHashKey, hashString } from './hash-policy.js';
