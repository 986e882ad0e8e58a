import { formatResponseFlags, ResponseFlag, type RequestCompleteEvent } from '../envoy/index.js';
import { rfc3339 } from './sim-time.js';

/**
 * One access log line in Istio's default TEXT format (istio.io, "Envoy Access Logs", default format):
 * `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 * "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 * %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%"
 * "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%`, with
 * `-` for a value that is absent (Envoy's substitution formatter). %START_TIME% is simulated time from
 * the fixed epoch of sim-time.ts. With `prefix`, the line starts `[pod/<name>/istio-proxy] ` as
 * `kubectl logs --prefix` prints it (the log of every sidecar in one file).
 *
 * NOTE: simplification: bytes are not modelled (0), the protocol is HTTP/1.1, X-ENVOY-UPSTREAM-SERVICE-TIME,
 * the addresses Envoy knows from sockets (upstream local, downstream local/remote) and SNI are `-`, and
 * %RESPONSE_CODE_DETAILS% is derived from the response flags.
 */
export function accessLogLine(e: RequestCompleteEvent, prefix: boolean): string {
  const r = e.request;
  const q = (v: string | undefined) => `"${v === undefined || v === '' ? '-' : v}"`;
  const line =
    `[${rfc3339(e.startMs)}] "${r.method} ${r.path} HTTP/1.1" ${e.status} ${formatResponseFlags(e.flags)} ` +
    `${codeDetails(e)} - "-" 0 0 ${Math.round(e.timeMs - e.startMs)} - "-" ${q(r.headers.get('user-agent'))} ` +
    `${q(r.headers.get('x-request-id'))} ${q(r.authority)} ${q(e.upstreamHost ?? undefined)} ${e.cluster ?? '-'} ` +
    `- - - - ${e.route ?? '-'}`;
  return prefix ? `[pod/${e.sidecar}/istio-proxy] ${line}` : line;
}

/**
 * %RESPONSE_CODE_DETAILS% (Envoy's StreamInfo::ResponseCodeDetails) for the flags meshsim sets:
 * `via_upstream` when the upstream answered.
 */
function codeDetails(e: RequestCompleteEvent): string {
  const f = e.flags;
  if ((f & ResponseFlag.NR) !== 0) return 'route_not_found';
  if ((f & ResponseFlag.NC) !== 0) return 'cluster_not_found';
  if ((f & ResponseFlag.FI) !== 0) return 'fault_filter_abort';
  if ((f & ResponseFlag.UH) !== 0) return 'no_healthy_upstream';
  if ((f & ResponseFlag.UT) !== 0) return 'upstream_response_timeout';
  if ((f & ResponseFlag.UO) !== 0) return 'upstream_reset_before_response_started{overflow}';
  if ((f & ResponseFlag.UF) !== 0) return 'upstream_reset_before_response_started{connection_failure}';
  if ((f & ResponseFlag.UC) !== 0) return 'upstream_reset_before_response_started{connection_termination}';
  if ((f & ResponseFlag.UR) !== 0) return 'upstream_reset_before_response_started{remote_reset}';
  if ((f & ResponseFlag.DC) !== 0) return 'downstream_remote_disconnect';
  if ((f & ResponseFlag.DT) !== 0) return 'duration_timeout';
  return e.upstreamHost === null ? 'direct_response' : 'via_upstream';
}
