/**
 * networking.istio.io VirtualService (v1alpha3, v1beta1, v1: the same message), every field of the
 * HTTP route API [A:networking/v1alpha3/virtual_service.proto]. Field-local rules live here; rules that
 * relate several fields (mutual exclusions, retries) are in validate/virtual-service-rules.ts.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import {
  bool,
  duration,
  int,
  list,
  nonEmpty,
  obj,
  oneOfEnum,
  percent,
  port,
  re2Regex,
  str,
  stringMap,
  uint32,
} from './zod-helpers.js';

/** `{exact|prefix|regex}`; `{}` means presence. Exactly one kind (a proto oneof). */
export const stringMatch = obj({
  exact: str().optional(),
  prefix: str().optional(),
  regex: str().optional(),
});

const portSelector = obj({ number: port().optional() });

export const destination = obj({
  host: nonEmpty(),
  subset: str().optional(),
  port: portSelector.optional(),
});

const headerOperations = obj({
  set: stringMap().optional(),
  add: stringMap().optional(),
  remove: list(str()).optional(),
});

export const headers = obj({ request: headerOperations.optional(), response: headerOperations.optional() });

export const httpMatchRequest = obj({
  name: str().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), stringMatch).optional(),
  withoutHeaders: z.record(z.string(), stringMatch).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  port: port().optional(),
  sourceLabels: stringMap().optional(),
  sourceNamespace: str().optional(),
  gateways: list(str()).optional(),
  ignoreUriCase: bool().optional(),
  statPrefix: str().optional(),
});

export const httpRouteDestination = obj({
  destination: destination,
  weight: int(-2147483648, 2147483647).optional(),
  headers: headers.optional(),
});

const httpRedirect = obj({
  uri: str().optional(),
  authority: str().optional(),
  port: port().optional(),
  derivePort: oneOfEnum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'] as const).optional(),
  scheme: str().optional(),
  redirectCode: uint32().optional(),
});

const httpDirectResponse = obj({
  status: int(200, 599),
  body: obj({ string: str().optional(), bytes: str().optional() }).optional(),
});

const httpRewrite = obj({
  uri: str().optional(),
  authority: str().optional(),
  uriRegexRewrite: obj({ match: re2Regex(), rewrite: str() }).optional(),
});

export const httpRetry = obj({
  attempts: int(-2147483648, 2147483647).optional(),
  perTryTimeout: duration().optional(),
  retryOn: str().optional(),
  retryRemoteLocalities: bool().optional(),
  retryIgnorePreviousHosts: bool().optional(),
  backoff: duration().optional(),
});

/** Fault percentage: 0, or 0.0001 (Envoy's per-million resolution) to 100 (`validatePercentage`). */
const faultPercentage = percent((v) =>
  v === 0 || (v >= 0.0001 && v <= 100) ? undefined : `percentage ${v} must be 0 or between 0.0001 and 100`,
);

const httpFault = obj({
  delay: obj({
    fixedDelay: duration().optional(),
    exponentialDelay: duration().optional(),
    percentage: faultPercentage.optional(),
    percent: int(0, 100).optional(),
  }).optional(),
  abort: obj({
    httpStatus: int(-2147483648, 2147483647).optional(),
    grpcStatus: str().optional(),
    http2Error: str().optional(),
    percentage: faultPercentage.optional(),
  }).optional(),
});

const mirrorPercentage = percent((v) =>
  v >= 0 && v <= 100 ? undefined : `mirror percentage ${v} must be between 0 and 100`,
);

const httpMirrorPolicy = obj({ destination: destination, percentage: mirrorPercentage.optional() });

const corsPolicy = obj({
  allowOrigins: list(stringMatch).optional(),
  allowOrigin: list(str()).optional(),
  allowMethods: list(str()).optional(),
  allowHeaders: list(str()).optional(),
  exposeHeaders: list(str()).optional(),
  maxAge: duration().optional(),
  allowCredentials: bool().optional(),
  unmatchedPreflights: oneOfEnum(['UNSPECIFIED', 'FORWARD', 'IGNORE'] as const).optional(),
});

export const httpRoute = obj({
  name: str().optional(),
  match: list(httpMatchRequest).optional(),
  route: list(httpRouteDestination).optional(),
  redirect: httpRedirect.optional(),
  directResponse: httpDirectResponse.optional(),
  delegate: obj({ name: str().optional(), namespace: str().optional() }).optional(),
  rewrite: httpRewrite.optional(),
  timeout: duration().optional(),
  retries: httpRetry.optional(),
  fault: httpFault.optional(),
  mirror: destination.optional(),
  mirrorPercent: uint32().optional(),
  mirrorPercentage: mirrorPercentage.optional(),
  mirrors: list(httpMirrorPolicy).optional(),
  corsPolicy: corsPolicy.optional(),
  headers: headers.optional(),
});

/**
 * tcp and tls routes are not simulated, but checked in full as Istio's webhook checks them
 * [A:networking/v1alpha3/virtual_service.proto `TCPRoute`, `TLSRoute`, `L4MatchAttributes`,
 * `TLSMatchAttributes`, `RouteDestination`]; the cross-field rules are in validate/l4-route-rules.ts.
 */
export const routeDestination = obj({
  destination: destination,
  weight: int(-2147483648, 2147483647).optional(),
});

export const l4MatchAttributes = obj({
  destinationSubnets: list(str()).optional(),
  port: port().optional(),
  sourceSubnet: str().optional(),
  sourceLabels: stringMap().optional(),
  sourceNamespace: str().optional(),
  gateways: list(str()).optional(),
});

export const tlsMatchAttributes = obj({
  sniHosts: list(str()).optional(),
  destinationSubnets: list(str()).optional(),
  port: port().optional(),
  sourceLabels: stringMap().optional(),
  sourceNamespace: str().optional(),
  gateways: list(str()).optional(),
});

const tcpRoute = obj({
  match: list(l4MatchAttributes).optional(),
  route: list(routeDestination).optional(),
});

const tlsRoute = obj({
  match: list(tlsMatchAttributes).optional(),
  route: list(routeDestination).optional(),
});

export const virtualServiceSpec = obj({
  hosts: list(str()).optional(),
  gateways: list(str()).optional(),
  http: list(httpRoute).optional(),
  tls: list(tlsRoute).optional(),
  tcp: list(tcpRoute).optional(),
  exportTo: list(str()).optional(),
});

export const virtualService = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: virtualServiceSpec,
  status: z.unknown().optional(),
});

export type VirtualServiceDoc = z.infer<typeof virtualService>;
export type VirtualServiceSpecDoc = z.infer<typeof virtualServiceSpec>;
export type HttpRouteDoc = z.infer<typeof httpRoute>;
export type HttpMatchDoc = z.infer<typeof httpMatchRequest>;
export type StringMatchDoc = z.infer<typeof stringMatch>;
export type DestinationDoc = z.infer<typeof destination>;
export type HeadersDoc = z.infer<typeof headers>;
export type HttpRetryDoc = z.infer<typeof httpRetry>;
export type TcpRouteDoc = z.infer<typeof tcpRoute>;
export type TlsRouteDoc = z.infer<typeof tlsRoute>;
export type RouteDestinationDoc = z.infer<typeof routeDestination>;
export type L4MatchDoc = z.infer<typeof l4MatchAttributes>;
export type TlsMatchDoc = z.infer<typeof tlsMatchAttributes>;
