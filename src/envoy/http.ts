import type { HeaderMap } from './header-map.js';

/**
 * The HTTP messages that travel through sidecars. One record per request, created by the sender and
 * passed by reference (headers have lower-case names, a Map or a SharedHeaders over a template's map;
 * mutations by header operations are visible to later hops, as on the wire).
 */
export interface HttpRequest {
  method: string;
  scheme: 'http' | 'https';
  /** Host header as sent, possibly with a port: `product-service:8080`. */
  authority: string;
  /** Path including the query string, as in Envoy's `:path`. */
  path: string;
  headers: HeaderMap;
  /** Port the client dialled (decides the outbound listener / route config). */
  port: number;
}

export interface HttpResponse {
  status: number;
  /** ResponseFlag bit set (response-flags.ts). */
  flags: number;
  /** gRPC status carried in response headers, when the request was gRPC. */
  grpcStatus?: number;
  /** Response headers added on the way back (response header operations, x-envoy-overloaded, ...). */
  headers?: Map<string, string>;
  /** Short body/details for locally generated responses: "no healthy upstream", "upstream request timeout". */
  details?: string;
}

export function cloneRequest(r: HttpRequest): HttpRequest {
  return {
    method: r.method,
    scheme: r.scheme,
    authority: r.authority,
    path: r.path,
    headers: new Map(r.headers),
    port: r.port,
  };
}
