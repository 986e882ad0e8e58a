/**
 * Per-rule checks of redirect, direct response, rewrite, fault and header operations
 * [I:pkg/config/validation/validation.go `validateHTTPRedirect`, `validateHTTPDirectResponse`,
 * `validateHTTPRewrite`, `validateHTTPFaultInjection`, `validateHeaderOperations`; Istio route.go rewrite/redirect/headers, Istio route.go TranslateFault; Envoy fault_filter.cc].
 */
import type { Reporter } from '../report.js';
import type { HeadersDoc, HttpRouteDoc } from '../schema/virtual-service.js';
import type { YamlPath } from '../yaml-source.js';
import { headerNameProblem } from './common.js';

const REDIRECT_CODES = new Set([0, 301, 302, 303, 307, 308]);
/** Envoy's default max direct-response body [I:route.go `DefaultMaxDirectResponseBodySizeBytes`]. */
const MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;
export const GRPC_STATUS_NAMES = new Set([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

export function checkHttpRouteExtras(r: Reporter, p: YamlPath, h: HttpRouteDoc): void {
  const rd = h.redirect;
  if (rd) {
    const rp = [...p, 'redirect'];
    if (rd.redirectCode !== undefined && !REDIRECT_CODES.has(rd.redirectCode))
      r.add(
        'IST0106',
        [...rp, 'redirectCode'],
        `${rd.redirectCode} is not a valid redirect code, must be 301, 302, 303, 307, or 308`,
      );
    if (!rd.uri && !rd.authority && !rd.scheme && rd.port === undefined && rd.derivePort === undefined)
      r.add('IST0106', rp, 'redirect must specify URI, authority, scheme, or port');
    if (rd.port !== undefined && rd.derivePort !== undefined)
      r.add('IST0106', [...rp, 'derivePort'], 'redirect may specify only one of port and derivePort');
  }
  const body = h.directResponse?.body;
  if (body) {
    if (body.string !== undefined && body.bytes !== undefined)
      r.add('IST0106', [...p, 'directResponse', 'body'], 'only one of string or bytes may be set');
    if ((body.string ?? body.bytes ?? '').length > MAX_DIRECT_RESPONSE_BODY)
      r.add('IST0106', [...p, 'directResponse', 'body'], 'direct response body is larger than 1 MiB');
  }
  const rw = h.rewrite;
  if (rw) {
    if (rw.uri !== undefined && rw.uriRegexRewrite !== undefined)
      r.add('IST0106', [...p, 'rewrite'], 'rewrite may only contain one of URI or URIRegexRewrite');
    if (rw.uri === undefined && rw.authority === undefined && rw.uriRegexRewrite === undefined)
      r.add('IST0106', [...p, 'rewrite'], 'rewrite must specify URI, authority, or URIRegexRewrite');
  }
  let authorityRewrites = rw?.authority !== undefined ? 1 : 0;
  authorityRewrites += checkHeaders(r, [...p, 'headers'], h.headers);
  (h.route ?? []).forEach((d, i) => {
    authorityRewrites += checkHeaders(r, [...p, 'route', i, 'headers'], d.headers);
  });
  if (authorityRewrites > 1)
    r.add(
      'IST0106',
      p,
      'only one authority rewrite is allowed (rewrite.authority or a :authority/host header operation)',
    );
  checkFault(r, p, h);
  const cors = h.corsPolicy;
  if (cors?.allowOrigin !== undefined)
    r.add(
      'IST0002',
      [...p, 'corsPolicy', 'allowOrigin'],
      'Deprecated: corsPolicy.allowOrigin is deprecated, use allowOrigins',
    );
}

/** Returns how many request authority rewrites the operations contain. */
function checkHeaders(r: Reporter, p: YamlPath, hd: HeadersDoc | undefined): number {
  let authority = 0;
  for (const dir of ['request', 'response'] as const) {
    const ops = hd?.[dir];
    if (!ops) continue;
    for (const op of ['set', 'add'] as const) {
      for (const name of Object.keys(ops[op] ?? {})) {
        const problem = headerNameProblem(name);
        if (problem) r.add('IST0106', [...p, dir, op, name], problem, { key: true });
        const lower = name.toLowerCase();
        if (dir === 'request' && (lower === ':authority' || lower === 'host')) authority++;
      }
    }
    (ops.remove ?? []).forEach((name, i) => {
      const problem = headerNameProblem(name);
      if (problem) r.add('IST0106', [...p, dir, 'remove', i], problem);
    });
  }
  return authority;
}

function checkFault(r: Reporter, p: YamlPath, h: HttpRouteDoc): void {
  const f = h.fault;
  if (!f) return;
  const fp = [...p, 'fault'];
  if (!f.delay && !f.abort) r.add('IST0106', fp, 'HTTP fault injection must have an abort and/or a delay');
  const d = f.delay;
  if (d) {
    if (d.exponentialDelay !== undefined)
      r.add('IST0106', [...fp, 'delay', 'exponentialDelay'], 'exponentialDelay not supported yet');
    if (d.fixedDelay !== undefined && d.exponentialDelay !== undefined)
      r.add('IST0106', [...fp, 'delay'], 'only one of fixedDelay or exponentialDelay may be set');
    if (d.fixedDelay === undefined && d.exponentialDelay === undefined)
      r.add('IST0106', [...fp, 'delay'], 'delay must specify fixedDelay');
    if (d.percent !== undefined) {
      r.add(
        'IST0002',
        [...fp, 'delay', 'percent'],
        'Deprecated: fault.delay.percent is deprecated, use percentage',
      );
      if (d.percentage !== undefined)
        r.add('IST0106', [...fp, 'delay'], 'only one of percent or percentage may be set');
    }
  }
  const a = f.abort;
  if (a) {
    const ap = [...fp, 'abort'];
    const kinds = (['httpStatus', 'grpcStatus', 'http2Error'] as const).filter((k) => a[k] !== undefined);
    if (kinds.length > 1)
      r.add(
        'IST0106',
        ap,
        `only one of httpStatus, grpcStatus or http2Error may be set (found ${kinds.join(', ')})`,
      );
    if (kinds.length === 0)
      r.add('IST0133', ap, 'abort has no error type (httpStatus or grpcStatus): it aborts nothing');
    if (a.httpStatus !== undefined && (a.httpStatus < 200 || a.httpStatus > 600))
      r.add('IST0106', [...ap, 'httpStatus'], `HTTP status ${a.httpStatus} is not in range 200-599`);
    if (a.grpcStatus !== undefined && !GRPC_STATUS_NAMES.has(a.grpcStatus))
      r.add(
        'IST0106',
        [...ap, 'grpcStatus'],
        `"${a.grpcStatus}" is not a valid gRPC status name (use a name such as UNAVAILABLE, not a number)`,
      );
    if (a.http2Error !== undefined)
      r.add('IST0106', [...ap, 'http2Error'], 'HTTP/2 abort fault injection not supported yet');
  }
}
