/**
 * Resolved Kubernetes Gateway API resources (gateway.networking.k8s.io): typed, defaulted, immutable.
 * Defaults are the CRDs' own (gateway-api.sigs.k8s.io API reference): a parentRef's group/kind default to
 * gateway.networking.k8s.io/Gateway and its namespace to the route's; a backendRef's to the core group
 * Service in the route's namespace, weight 1; a rule without matches matches PathPrefix "/"; a path
 * match's type is PathPrefix and value "/"; header and query matches are Exact; allowedRoutes is
 * `from: Same`; a redirect's statusCode is 302. Shapes are kept stable (additive changes only): the
 * ambient mode code reads them too (waypoints are Gateways of class istio-waypoint).
 */
import type { ObjectMeta, SourceRef } from '../types.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** GatewayClass: which controller implements Gateways of this class. */
export interface GatewayClassConfig {
  meta: ObjectMeta;
  controllerName: string;
  description?: string;
}

/** A LabelSelector as written (matchLabels and matchExpressions). */
export interface LabelSelectorConfig {
  matchLabels: Readonly<Record<string, string>>;
  matchExpressions: readonly {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values: readonly string[];
  }[];
}

export interface RouteGroupKind {
  group: string;
  kind: string;
}

export interface GatewayListener {
  name: string;
  /** Lower-case; absent = any hostname. */
  hostname?: string;
  port: number;
  /** HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol, as written. */
  protocol: string;
  /** tls.mode (default Terminate when tls is written). */
  tlsMode?: 'Terminate' | 'Passthrough';
  allowedRoutes: {
    from: 'All' | 'Same' | 'Selector';
    selector?: LabelSelectorConfig;
    /** As written; empty = the protocol's default kinds (HTTPRoute/GRPCRoute for HTTP, HTTPS). */
    kinds: readonly RouteGroupKind[];
  };
  source: SourceRef;
}

/** A Gateway API Gateway (Istio's internal name for the kind: KubernetesGateway). */
export interface KubernetesGatewayConfig {
  meta: ObjectMeta;
  gatewayClassName: string;
  listeners: readonly GatewayListener[];
  /** spec.addresses; a Hostname/IPAddress address names a manually deployed gateway Service. */
  addresses: readonly { type: string; value: string }[];
  /** spec.infrastructure labels/annotations, copied onto the automated deployment. */
  infrastructure: { labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> };
}

export interface ParentRefConfig {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
  source: SourceRef;
}

export interface BackendRefConfig {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  /** `namespace` was written (istiod refuses it on a `Hostname` backend); absent when defaulted. */
  namespaceWritten?: true;
  /** Required for a Service (istiod: "port is required in backendRef"); absent stays absent. */
  port?: number;
  weight: number;
  filters: readonly HTTPRouteFilterConfig[];
  source: SourceRef;
}

export interface HeaderModifierConfig {
  set: readonly { name: string; value: string }[];
  add: readonly { name: string; value: string }[];
  remove: readonly string[];
}

export type PathModifierConfig =
  | { type: 'ReplaceFullPath'; replaceFullPath: string }
  | { type: 'ReplacePrefixMatch'; replacePrefixMatch: string };

export type HTTPRouteFilterConfig =
  | { type: 'RequestHeaderModifier'; requestHeaderModifier: HeaderModifierConfig }
  | { type: 'ResponseHeaderModifier'; responseHeaderModifier: HeaderModifierConfig }
  | {
      type: 'RequestMirror';
      /** The mirrored share in percent (percent, or fraction numerator/denominator; default 100). */
      percentage: number;
      backendRef: Omit<BackendRefConfig, 'weight' | 'filters'>;
    }
  | {
      type: 'RequestRedirect';
      scheme?: 'http' | 'https';
      hostname?: string;
      path?: PathModifierConfig;
      port?: number;
      statusCode: 301 | 302 | 303 | 307 | 308;
    }
  | { type: 'URLRewrite'; hostname?: string; path?: PathModifierConfig }
  /** ExtensionRef, CORS, ExternalAuth: parsed, not simulated. */
  | { type: 'ExtensionRef' | 'CORS' | 'ExternalAuth' };

export interface HTTPRouteMatchConfig {
  path: { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  headers: readonly { type: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  queryParams: readonly { type: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  method?: string;
}

export interface HTTPRouteRuleConfig {
  name?: string;
  /** Never empty: a rule without matches gets the default PathPrefix "/" match. */
  matches: readonly HTTPRouteMatchConfig[];
  filters: readonly HTTPRouteFilterConfig[];
  backendRefs: readonly BackendRefConfig[];
  timeouts: { requestMs?: number; backendRequestMs?: number };
  /** GEP-1731 retry as written (attempts/backoff absent = unset). */
  retry?: { codes: readonly number[]; attempts?: number; backoffMs?: number };
  source: SourceRef;
}

export interface HTTPRouteConfig {
  meta: ObjectMeta;
  parentRefs: readonly ParentRefConfig[];
  /** Lower-case; empty = every hostname the parent accepts. */
  hostnames: readonly string[];
  rules: readonly HTTPRouteRuleConfig[];
}

export interface ReferenceGrantConfig {
  meta: ObjectMeta;
  from: readonly { group: string; kind: string; namespace: string }[];
  /** `name` absent = every object of the kind in the grant's namespace. */
  to: readonly { group: string; kind: string; name?: string }[];
}

/** Every Gateway API resource read, in load (creation) order. */
export interface GatewayApiResources {
  gatewayClasses: readonly GatewayClassConfig[];
  gateways: readonly KubernetesGatewayConfig[];
  httpRoutes: readonly HTTPRouteConfig[];
  referenceGrants: readonly ReferenceGrantConfig[];
}
