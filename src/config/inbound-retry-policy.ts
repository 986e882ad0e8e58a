/**
 * The retry policy istiod puts on a sidecar's inbound routes since Istio 1.24 (release note 52055: "retry
 * policy for inbound requests that automatically resets the requests that the service has not
 * seen/processed", revertible with ENABLE_INBOUND_RETRY_POLICY=false) [I:pilot/pkg/networking/core/route/
 * route.go `BuildDefaultHTTPInboundRoute`, route/retry/retry.go `ConvertInboundPolicy`]: `num_retries: 2`,
 * `retry_on: reset-before-request`, Envoy's default back-off (25 ms base), no per-try timeout, no host
 * predicate (the inbound cluster has one host). gRPC ports get none ("does not work well for gRPC
 * streaming services"). MeshConfig `defaultInboundHttpRetryPolicy` can replace it (retry.go).
 */
import { DEFAULTS } from './defaults.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from './istio-version.js';
import type { RetryPolicy, ServicePort } from './types.js';

export const INBOUND_RETRY_POLICY: RetryPolicy = Object.freeze({
  numRetries: DEFAULTS.numRetries,
  retryOn: Object.freeze(['reset-before-request']),
  retriableStatusCodes: Object.freeze([]),
  perTryTimeoutMs: 0,
  backoffBaseMs: DEFAULTS.retryBackoffBaseMs,
  retryIgnorePreviousHosts: false,
  hostSelectionRetryMaxAttempts: 1,
  retryRemoteLocalities: false,
});

/**
 * The inbound route's retry policy for a service port. `meshDefault`: MeshConfig
 * `defaultInboundHttpRetryPolicy` already translated (null = `{}` / attempts 0: disabled mesh-wide;
 * undefined = not set, Istio's default above).
 */
export function inboundRetryPolicy(
  port: Pick<ServicePort, 'istioProtocol'>,
  meshDefault?: RetryPolicy | null,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): RetryPolicy | null {
  if (port.istioProtocol === 'grpc' || port.istioProtocol === 'grpc-web') return null;
  if (meshDefault !== undefined) return meshDefault;
  // ENABLE_INBOUND_RETRY_POLICY=false (compatibility-version-1.23.yaml): no inbound retry.
  return profile.inboundRetryPolicy ? INBOUND_RETRY_POLICY : null;
}
