/**
 * Gateway API HTTPRoute (gateway.networking.k8s.io v1, v1beta1), field by field as the CRD's OpenAPI
 * schema declares it (gateway-api.sigs.k8s.io API reference "HTTPRoute"): limits (16 rules, 64 matches,
 * 16 filters), enums and patterns. The CRD's CEL rules (filter type vs field, redirect with
 * backendRefs, replacePrefixMatch needs a PathPrefix match, timeouts order ...) are in
 * validate/gateway-api-http-route-rules.ts.
 */
import { z } from 'zod';
import {
  backendObjectReference,
  gatewayDuration,
  hostname,
  objectName,
  parentReference,
  portNumber,
} from './gateway-api.js';
import { objectMeta } from './kubernetes.js';
import { int, list, nonEmpty, obj, oneOfEnum, str } from './zod-helpers.js';

/** `HTTPHeaderName`: an RFC 7230 token, max 256. */
const headerName = () =>
  nonEmpty().refine((s) => s.length <= 256 && /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(s), {
    error: (iss) => `"${String(iss.input)}" is not a valid HTTP header name`,
  });

export const PATH_MATCH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'] as const;
export const HEADER_MATCH_TYPES = ['Exact', 'RegularExpression'] as const;
export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;

const headerMatch = obj({
  type: oneOfEnum(HEADER_MATCH_TYPES).optional(),
  name: headerName(),
  value: str().max(4096),
});

const queryParamMatch = obj({
  type: oneOfEnum(HEADER_MATCH_TYPES).optional(),
  name: nonEmpty().max(256),
  value: str().max(1024),
});

export const httpRouteMatch = obj({
  path: obj({
    type: oneOfEnum(PATH_MATCH_TYPES).optional(),
    value: str().max(1024).optional(),
  }).optional(),
  headers: list(headerMatch).max(16).optional(),
  queryParams: list(queryParamMatch).max(16).optional(),
  method: oneOfEnum(HTTP_METHODS).optional(),
});

const httpHeader = obj({ name: headerName(), value: str().max(4096) });
export const headerFilter = obj({
  set: list(httpHeader).max(16).optional(),
  add: list(httpHeader).max(16).optional(),
  remove: list(headerName()).max(16).optional(),
});

export const pathModifier = obj({
  type: oneOfEnum(['ReplaceFullPath', 'ReplacePrefixMatch'] as const),
  replaceFullPath: str().max(1024).optional(),
  replacePrefixMatch: str().max(1024).optional(),
});

const backendRefObject = obj(backendObjectReference);

export const FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
  'ExternalAuth',
] as const;

export const httpRouteFilter = obj({
  type: oneOfEnum(FILTER_TYPES),
  requestHeaderModifier: headerFilter.optional(),
  responseHeaderModifier: headerFilter.optional(),
  requestMirror: obj({
    backendRef: backendRefObject,
    percent: int(0, 100).optional(),
    fraction: obj({ numerator: int(0), denominator: int(1).optional() }).optional(),
  }).optional(),
  requestRedirect: obj({
    scheme: oneOfEnum(['http', 'https'] as const).optional(),
    hostname: hostname().optional(),
    path: pathModifier.optional(),
    port: portNumber().optional(),
    statusCode: z
      .union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)], {
        error: (iss) => `statusCode must be one of 301, 302, 303, 307, 308, got ${JSON.stringify(iss.input)}`,
      })
      .optional(),
  }).optional(),
  urlRewrite: obj({ hostname: hostname().optional(), path: pathModifier.optional() }).optional(),
  extensionRef: z.unknown().optional(),
  cors: z.unknown().optional(),
  externalAuth: z.unknown().optional(),
});

export const httpBackendRef = obj({
  ...backendObjectReference,
  weight: int(0, 1_000_000).optional(),
  filters: list(httpRouteFilter).max(16).optional(),
});

export const httpRouteRule = obj({
  name: objectName().optional(),
  matches: list(httpRouteMatch).max(64).optional(),
  filters: list(httpRouteFilter).max(16).optional(),
  backendRefs: list(httpBackendRef).max(16).optional(),
  timeouts: obj({
    request: gatewayDuration().optional(),
    backendRequest: gatewayDuration().optional(),
  }).optional(),
  /** GEP-1731 (experimental channel), which istiod translates (conversion.go convertHTTPRoute). */
  retry: obj({
    codes: list(int(400, 599)).optional(),
    attempts: int(0).optional(),
    backoff: gatewayDuration().optional(),
  }).optional(),
  sessionPersistence: z.unknown().optional(),
});

export const httpRouteSpec = obj({
  parentRefs: list(parentReference).max(32).optional(),
  hostnames: list(hostname()).max(16).optional(),
  rules: list(httpRouteRule).max(16).optional(),
});

export const httpRoute = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: httpRouteSpec,
  status: z.unknown().optional(),
});

export type HTTPRouteDoc = z.infer<typeof httpRoute>;
export type HTTPRouteSpecDoc = z.infer<typeof httpRouteSpec>;
export type HTTPRouteRuleDoc = z.infer<typeof httpRouteRule>;
export type HTTPRouteMatchDoc = z.infer<typeof httpRouteMatch>;
export type HTTPRouteFilterDoc = z.infer<typeof httpRouteFilter>;
export type HTTPBackendRefDoc = z.infer<typeof httpBackendRef>;
export type HeaderFilterDoc = z.infer<typeof headerFilter>;
export type PathModifierDoc = z.infer<typeof pathModifier>;
